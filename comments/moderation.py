"""Moderation rules: what becomes of a new comment, and why, in words a moderator reads in the queue."""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

from comments.models import Ban, Comment, StrictTag, WordRule
from comments.sanitize import clean_reply_body

# Letters and digits disguised as one another; "$" and "@" stand for letters often enough to be read as them.
# "1" stands for "i" or "l" ("k1ll", "ki11"): a text is read both ways, a listed phrase with "i".
LOOKALIKES = str.maketrans({"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
ONE_READS_AS = ("i", "l")
# Comment ids a browser's proof keeps besides the COMMENTS_TRUST_AFTER that earn trust.
PROOF_KEPT = 20
WORD = re.compile(r"[^\W_]+")
LINK = re.compile(r"<a\s[^>]*\bhref=", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    """What a rule decided for a comment: its status, the reason in words, and the reason's kind for filtering."""

    status: str
    reason: str = ""
    kind: str = ""


def find_phrase(text, phrases):
    """The first of `phrases` found in `text` as whole words, case-insensitive, despite cheap disguises, or None."""
    # Whole words: "press" is not in "WordPress" nor in "pressing". Disguises seen through: accents and look-alike
    # digits ("b4d", "ki11"), repeated letters ("baaad"), and dots, dashes or spaces between letters ("b.a.d").
    readings = _readings(text or "")
    for phrase in phrases:
        pattern = _phrase_pattern(phrase)
        if pattern is not None and any(pattern.search(reading) for reading in readings):
            return phrase
    return None


def _normalise(text):
    """Lowercase letters without accents or invisible characters, with look-alike digits read as letters."""
    return _fold(text).replace("1", ONE_READS_AS[0])


def _fold(text):
    """Lowercase letters without accents or invisible characters, with look-alikes but "1" read as letters."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c) != "Cf")
    return kept.casefold().translate(LOOKALIKES)


def _readings(text):
    """The text as words separated by single spaces, read so that disguised words show through."""
    folded = _fold(text)
    readings = set()
    for one in ONE_READS_AS if "1" in folded else ONE_READS_AS[:1]:
        readings |= _spellings(folded.replace("1", one))
    return readings


def _spellings(text):
    """A normalised text's words separated by single spaces, three ways: as they stand, joined across punctuation
    and joined when spelt out letter by letter."""
    words = WORD.findall(text)
    # Punctuation inside a run of characters joins its pieces: "b.a.d" and "b-a-d" read "bad".
    joined = ["".join(WORD.findall(chunk)) for chunk in text.split()]
    # Letters spaced out one by one join up: "b a d" reads "bad".
    spaced, run = [], []
    for word in [*words, ""]:
        if len(word) == 1:
            run.append(word)
            continue
        if run:
            spaced.append("".join(run))
            run = []
        if word:
            spaced.append(word)
    return {" ".join(words), " ".join(word for word in joined if word), " ".join(spaced)}


@lru_cache(maxsize=1024)
def _phrase_pattern(phrase):
    """A pattern finding the phrase as whole words, each letter repeated at least as often as in the phrase."""
    words = WORD.findall(_normalise(phrase))
    if not words:
        return None
    parts = []
    for word in words:
        runs = [(match.group()[0], len(match.group())) for match in re.finditer(r"(.)\1*", word)]
        parts.append("".join(re.escape(char) + ("+" if count == 1 else f"{{{count},}}") for char, count in runs))
    return re.compile(r"(?<!\S)" + " ".join(parts) + r"(?!\S)")


def count_links(body):
    """The links a reader sees in a comment body, typed as markup or as bare addresses."""
    return len(LINK.findall(clean_reply_body(body)))


def is_trusted(email, proof_ids):
    """A commenter is trusted when their browser proves it posted COMMENTS_TRUST_AFTER comments under this email
    that a moderator approved, and none of the comments it proves was rejected or marked as spam."""
    # The proof is the list of comment ids in the browser's signed cookie: an email typed alone proves nothing,
    # and neither does one approved comment posted with the email of someone who has many. Only the browser's
    # own comments count against it, so spam posted under the email elsewhere cannot take its trust away.
    needed = settings.COMMENTS_TRUST_AFTER
    if needed < 1 or len(proof_ids) < needed:
        return False
    theirs = Comment.objects.from_email(email).filter(pk__in=proof_ids)
    if theirs.approved_by_moderator().count() < needed:
        return False
    return not theirs.filter(status__in=[Comment.Status.REJECTED, Comment.Status.SPAM]).exists()


def proof_size():
    """How many comment ids a browser's proof keeps: room for those that earn trust, and for more."""
    return PROOF_KEPT + max(settings.COMMENTS_TRUST_AFTER, 0)


def proof_to_keep(proof_ids, comment):
    """The comment ids a browser keeps as its proof once it posted `comment`, those that weigh most kept first."""
    # Comments a moderator refused lose the trust and those a moderator approved earn it, so they are kept before
    # the others (waiting, or published by a rule or by trust), which stay while there is room: a moderator may
    # still refuse one of them.
    Status = Comment.Status
    ids = [*(pk for pk in proof_ids if pk != comment.pk), comment.pk]
    rows = Comment.objects.filter(pk__in=ids).values_list("pk", "status", "moderated_at")
    weight = {pk: 0 if moderated_at is None else 2 if status in (Status.REJECTED, Status.SPAM) else
              1 if status == Status.APPROVED else 0 for pk, status, moderated_at in rows}
    # The proof is cut from its start, so the weightiest go last; within each kind, newest last.
    kept = sorted((pk for pk in ids if pk in weight), key=lambda pk: weight[pk])
    return kept[-proof_size():]


def assess(comment, client_ip=None, proof_ids=()):
    """Apply the rules, strictest first, to a comment about to be stored, and say what becomes of it and why."""
    Status, Kind = Comment.Status, Comment.ReasonKind
    ban = Ban.objects.active().matching(comment.email, client_ip).first()
    if ban is not None:
        return Verdict(Status.SPAM, ban.spam_reason, Kind.BANNED)

    text = f"{comment.name}\n{comment.body}"
    rules = list(WordRule.objects.values_list("action", "phrase"))
    blocked = find_phrase(text, [phrase for action, phrase in rules if action == WordRule.Action.SPAM])
    if blocked:
        return Verdict(Status.SPAM, f"spam: blocklist word '{blocked}'", Kind.BLOCKLIST)
    watched = find_phrase(text, [phrase for action, phrase in rules if action == WordRule.Action.HOLD])
    if watched:
        return Verdict(Status.PENDING, f"held: watchlist word '{watched}'", Kind.WATCHLIST)

    strict_tags = list(StrictTag.objects.filter(tag__in=comment.article.tags.all()).select_related("tag"))
    limits = [settings.COMMENTS_MAX_LINKS, *(tag.max_links for tag in strict_tags if tag.max_links is not None)]
    limit, links = min(limits), count_links(comment.body)
    if links > limit:
        return Verdict(Status.PENDING, f"held: {links} links (limit {limit})", Kind.LINKS)

    holding = [tag for tag in strict_tags if tag.holds_every_comment]
    if holding:
        return Verdict(Status.PENDING, f"held: articles tagged '{holding[0].tag}' hold every comment", Kind.STRICT_TAG)
    if settings.COMMENTS_HOLD_ALL:
        if is_trusted(comment.email, proof_ids):
            return Verdict(Status.APPROVED, "approved: trusted returning commenter", Kind.TRUSTED)
        return Verdict(Status.PENDING, "held: every new comment is held", Kind.HOLD_ALL)
    return Verdict(Status.APPROVED)
