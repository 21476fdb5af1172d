"""Finding published articles by their words: PostgreSQL's full-text search, SQLite's FTS5, or a word match."""

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, Q, Value, When
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles import search_index
from articles.models import Article

# Longer queries are cut: nobody types more, and each word costs the database a scan.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
# Points a word earns where it appears in the word match, the fallback without FTS5.
FIELD_POINTS = {"headline": 4, "standfirst": 2, "body_text": 1}
EXCERPT_LENGTH = 240
# Control characters, null bytes included, separate words like spaces; PostgreSQL refuses null bytes outright.
_SEPARATORS = re.compile(r"[\s\x00-\x1f\x7f]+")
# A clause of a query: an optional minus, then a quoted phrase (the closing quote may be missing) or a word.
_CLAUSE = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"]+))')
# Words as both search indexes cut them: letters and digits; punctuation and underscores separate words.
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class ParsedQuery:
    """A query as web search engines read it: every group must match, and no excluded phrase may."""

    # A group is a tuple of alternative phrases (one will do); a phrase, a tuple of words that follow each other.
    groups: tuple = ()
    excluded: tuple = ()

    @property
    def words(self):
        """The distinct words to find, excluded ones left out, for marking in results."""
        found = {}
        for group in self.groups:
            for phrase in group:
                for word in phrase:
                    found.setdefault(word.casefold(), word)
        return tuple(found.values())


def clean_query(raw):
    """A reader's query as it is searched and shown: no control characters, single spaces, at most 200 chars."""
    text = _SEPARATORS.sub(" ", raw or "").strip()
    return text[:MAX_QUERY_LENGTH].strip()


def parse(query):
    """`query` read as web search syntax: "quoted phrases", `or` between alternatives, -word to exclude."""
    # At most MAX_TERMS words count. `or` joins the clauses either side of it, as search engines do ("tram or
    # bus depot" is (tram or bus) and depot); an excluded clause is excluded wherever it stands.
    groups, excluded, joining, count = [], [], False, 0
    for match in _CLAUSE.finditer(query):
        minus, quoted, word = match.groups()
        if word is not None and word.casefold() == "or" and not minus:
            joining = bool(groups)
            continue
        phrase = tuple(_WORD.findall(quoted if quoted is not None else word))[:MAX_TERMS - count]
        if not phrase:
            continue
        count += len(phrase)
        if minus:
            excluded.append(phrase)
        elif joining:
            groups[-1].append(phrase)
        else:
            groups.append([phrase])
        joining = False
        if count >= MAX_TERMS:
            break
    return ParsedQuery(tuple(tuple(group) for group in groups), tuple(excluded))


def terms(query):
    """The distinct words a query looks for, excluded ones left out, at most ten."""
    return parse(query).words


def search(query):
    """Published articles matching `query`, the most relevant first, then the newest."""
    parsed = parse(query)
    if not parsed.groups:  # nothing to find: a query of excluded words alone finds nothing
        return Article.objects.none()
    articles = Article.objects.published()
    if connection.vendor == "postgresql":
        return _postgresql_search(articles, parsed)
    if connection.vendor == "sqlite" and search_index.sqlite_has_fts5():
        return _fts5_search(articles, parsed)
    return _word_match(articles, parsed)


def _postgresql_search(articles, parsed):
    """The stored tsvector searched with a tsquery built clause by clause, ranked with ts_rank."""

    def phrase_query(phrase):
        return SearchQuery(" ".join(phrase), search_type="phrase", config=search_index.SEARCH_CONFIG)

    def any_of(phrases):
        combined = phrase_query(phrases[0])
        for phrase in phrases[1:]:
            combined |= phrase_query(phrase)
        return combined

    search_query = any_of(parsed.groups[0])
    for group in parsed.groups[1:]:
        search_query &= any_of(group)
    if parsed.excluded:
        search_query &= ~any_of(parsed.excluded)
    weights = [0.1, *reversed(search_index.RANK_WEIGHTS.values())]  # ts_rank takes them as D, C, B, A
    return (
        articles.filter(search_document=search_query)
        .annotate(rank=SearchRank(F("search_document"), search_query, weights=weights))
        .order_by("-rank", "-published_at", "-pk")
    )


def _fts5_query(parsed):
    """The FTS5 query of a parsed query; each phrase is quoted, so no word is read as an operator."""

    def any_of(phrases):
        return "(" + " OR ".join('"' + " ".join(phrase) + '"' for phrase in phrases) + ")"

    match = " AND ".join(any_of(group) for group in parsed.groups)
    if parsed.excluded:
        match += " NOT " + any_of(parsed.excluded)
    return match


def _fts5_search(articles, parsed):
    """The FTS5 table searched with porter stemming, ranked by bm25 with the PostgreSQL weights.

    The table is joined, so that the match is run once for the whole query: bm25() only works in the query that
    runs the MATCH, and a subquery per article ran it once per matching article (seconds at 20,000 articles).
    The ORM has no join to a table without a model, hence extra(). Its WHERE names articles_article, so this
    queryset is for listing, not for use inside another query (where Django renames that table).
    """
    table, match = search_index.SQLITE_TABLE, _fts5_query(parsed)
    weights = ", ".join(str(weight) for weight in search_index.RANK_WEIGHTS.values())
    article_id = f'"{Article._meta.db_table}"."{Article._meta.pk.column}"'
    return (
        # bm25 is lower for better matches, so it is negated to rank like ts_rank: the higher, the better.
        articles.extra(select={"rank": f"-bm25({table}, {weights})"}, tables=[table],
                       where=[f"{table}.rowid = {article_id}", f"{table} MATCH %s"], params=[match])
        .order_by("-rank", "-published_at", "-pk")
    )


def _contains(phrase):
    text = " ".join(phrase)
    return Q(headline__icontains=text) | Q(standfirst__icontains=text) | Q(body_text__icontains=text)


def _word_match(articles, parsed):
    """Without FTS5: articles holding every group somewhere and no excluded phrase, scored by where."""
    points = Value(0)
    for group in parsed.groups:
        articles = articles.filter(Q.create([_contains(phrase) for phrase in group], connector=Q.OR))
        for phrase in group:
            for field, weight in FIELD_POINTS.items():
                found = {f"{field}__icontains": " ".join(phrase)}
                points += Case(When(**found, then=Value(weight)), default=Value(0))
    for phrase in parsed.excluded:
        articles = articles.exclude(_contains(phrase))
    return articles.annotate(rank=points).order_by("-rank", "-published_at", "-pk")


class _Stemmers(threading.local):
    """PostgreSQL's English (Snowball) stemmer and SQLite's Porter stemmer; they keep state, so one per thread."""

    def __init__(self):
        self.english = snowballstemmer.stemmer("english")
        self.porter = snowballstemmer.stemmer("porter")


_stemmers = _Stemmers()


@lru_cache(maxsize=4096)
def _stems(word):
    """The forms under which either database indexes `word`."""
    word = word.casefold()
    return {word, "english:" + _stemmers.english.stemWord(word), "porter:" + _stemmers.porter.stemWord(word)}


def _matches(text, words):
    """The words of `text` that a search for `words` finds, other forms of them included."""
    wanted = set().union(*(_stems(word) for word in words))
    return [match for match in _WORD.finditer(text) if _stems(match.group()) & wanted]


def highlight(text, words):
    """`text` escaped, with each word that a search for `words` finds wrapped in <mark>."""
    text = str(text or "")
    if not words:
        return escape(text)
    pieces, end = [], 0
    for match in _matches(text, words):
        pieces += [escape(text[end:match.start()]), "<mark>", escape(match.group()), "</mark>"]
        end = match.end()
    pieces.append(escape(text[end:]))
    return mark_safe("".join(pieces))  # every piece of reader or article text was escaped above


def excerpt(article, words):
    """The standfirst, unless only the body holds a search term: then the passage of the body around it."""
    if words and not _matches(article.standfirst, words):
        body = article.body_text
        found = _matches(body, words)
        if found:
            return highlight(_passage(body, found[0].start()), words)
    return highlight(article.standfirst, words)


def _passage(text, position):
    """About EXCERPT_LENGTH characters of `text` around `position`, cut at spaces, with ellipses where cut."""
    start = 0 if position < 60 else text.rfind(" ", 0, position - 40) + 1
    end = len(text) if len(text) <= start + EXCERPT_LENGTH else text.rfind(" ", start, start + EXCERPT_LENGTH)
    if end <= position:
        end = min(len(text), start + EXCERPT_LENGTH)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")
