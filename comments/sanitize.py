"""Reader replies: plain text in paragraphs, with the few inline tags the form's help text offers."""

import re

import bleach
from bleach.linkifier import Linker

from articles.sanitize import SAFE_PROTOCOLS, drop_code_elements, strip_control_characters

REPLY_TAGS = ["a", "abbr", "b", "blockquote", "cite", "code", "del", "em", "i", "q", "s", "strong"]
REPLY_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "blockquote": ["cite"], "q": ["cite"]}

_reply_cleaner = bleach.Cleaner(
    tags=REPLY_TAGS, attributes=REPLY_ATTRIBUTES, protocols=SAFE_PROTOCOLS, strip=True, strip_comments=True
)
_BLANK_LINES = re.compile(r"\n\s*\n")


def _mark_untrusted(attrs, new=False):
    """Readers' links carry no endorsement from the site."""
    if (None, "href") in attrs:
        attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


_reply_linker = Linker(callbacks=[_mark_untrusted], skip_tags=["code"], parse_email=False)


def clean_reply_body(text):
    """Turn a reader's plain text into safe paragraphs with a few inline tags and nofollow links."""
    text = strip_control_characters(text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = drop_code_elements(text).strip()
    paragraphs = []
    for block in _BLANK_LINES.split(text):
        cleaned = _reply_cleaner.clean(block.strip())
        if cleaned:
            paragraphs.append("<p>" + cleaned.replace("\n", "<br>\n") + "</p>")
    return _reply_linker.linkify("\n".join(paragraphs))
