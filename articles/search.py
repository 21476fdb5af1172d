"""Finding published articles by their words: full-text search on PostgreSQL, a word match elsewhere."""

import re
import string
from functools import lru_cache

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, Q, Value, When
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article

# Longer queries are cut: nobody types more, and each word costs the database a scan.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
SEARCH_CONFIG = "english"
# Points a word earns where it appears, without full-text search: the headline outweighs the rest.
FIELD_POINTS = {"headline": 4, "standfirst": 2, "body_text": 1}
EXCERPT_LENGTH = 240
_PUNCTUATION = string.punctuation + "“”‘’«»…–—"
# Control characters, null bytes included, separate words like spaces; PostgreSQL refuses null bytes outright.
_SEPARATORS = re.compile(r"[\s\x00-\x1f\x7f]+")


def clean_query(raw):
    """A reader's query as it is searched and shown: no control characters, single spaces, at most 200 chars."""
    text = _SEPARATORS.sub(" ", raw or "").strip()
    return text[:MAX_QUERY_LENGTH].strip()


def terms(query):
    """The distinct words of a query, without surrounding punctuation, at most ten."""
    words = {}
    for word in query.split():
        word = word.strip(_PUNCTUATION)
        if word:
            words.setdefault(word.casefold(), word)
    return tuple(words.values())[:MAX_TERMS]


def search_vector():
    """Headline, standfirst and body weighted A, B and C; the GIN index of migration 0004 holds this expression."""
    return (
        SearchVector("headline", weight="A", config=SEARCH_CONFIG)
        + SearchVector("standfirst", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )


def search(query):
    """Published articles matching `query`, the most relevant first, then the newest."""
    words = terms(query)
    if not words:
        return Article.objects.none()
    articles = Article.objects.published()
    if connection.vendor == "postgresql":
        return _full_text_search(articles, query)
    return _word_match(articles, words)


def _full_text_search(articles, query):
    search_query = SearchQuery(" ".join(terms(query)), search_type="websearch", config=SEARCH_CONFIG)
    return (
        articles.alias(document=search_vector())
        .filter(document=search_query)
        .annotate(rank=SearchRank(F("document"), search_query))
        .order_by("-rank", "-published_at", "-pk")
    )


def _word_match(articles, words):
    """Articles holding every word somewhere, scored by where each word appears."""
    points = Value(0)
    for word in words:
        articles = articles.filter(
            Q(headline__icontains=word) | Q(standfirst__icontains=word) | Q(body_text__icontains=word)
        )
        for field, weight in FIELD_POINTS.items():
            points += Case(When(**{f"{field}__icontains": word}, then=Value(weight)), default=Value(0))
    return articles.annotate(rank=points).order_by("-rank", "-published_at", "-pk")


@lru_cache(maxsize=64)
def _pattern(words):
    """Words that start with one of the search terms, in any case."""
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})\w*", re.IGNORECASE)


def highlight(text, words):
    """`text` escaped, with each word that starts with a search term wrapped in <mark>."""
    text = str(text or "")
    if not words:
        return escape(text)
    pieces, end = [], 0
    for match in _pattern(tuple(words)).finditer(text):
        pieces += [escape(text[end:match.start()]), "<mark>", escape(match.group()), "</mark>"]
        end = match.end()
    pieces.append(escape(text[end:]))
    return mark_safe("".join(pieces))  # every piece of reader or article text was escaped above


def excerpt(article, words):
    """The standfirst, unless only the body holds a search term: then the passage of the body around it."""
    if words and not _pattern(tuple(words)).search(article.standfirst):
        body = article.body_text
        match = _pattern(tuple(words)).search(body)
        if match:
            return highlight(_passage(body, match.start()), words)
    return highlight(article.standfirst, words)


def _passage(text, position):
    """About EXCERPT_LENGTH characters of `text` around `position`, cut at spaces, with ellipses where cut."""
    start = 0 if position < 60 else text.rfind(" ", 0, position - 40) + 1
    end = len(text) if len(text) <= start + EXCERPT_LENGTH else text.rfind(" ", start, start + EXCERPT_LENGTH)
    if end <= position:
        end = min(len(text), start + EXCERPT_LENGTH)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")
