"""The one place that cleans HTML: an allowlist for article bodies and one for reader replies."""

import re
from html import unescape

import bleach
from bleach.linkifier import Linker
from django.utils.html import strip_tags

SAFE_PROTOCOLS = ["http", "https", "mailto"]

ARTICLE_TAGS = [
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a", "strong", "b", "em", "i", "s", "u",
    "sub", "sup", "code", "pre", "hr", "figure", "figcaption", "img",
]
def _allow_image_attribute(tag, name, value):
    """Images come from the site itself: a third-party source would track readers through feeds."""
    if name == "src":
        return value.startswith("/") and not value.startswith("//")
    return name in ("alt", "title", "width", "height")


ARTICLE_ATTRIBUTES = {
    "a": ["href", "title"],
    "img": _allow_image_attribute,
    "ol": ["start", "type"],
    "blockquote": ["cite"],
}

REPLY_TAGS = ["a", "abbr", "b", "blockquote", "cite", "code", "del", "em", "i", "q", "s", "strong"]
REPLY_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "blockquote": ["cite"], "q": ["cite"]}

_article_cleaner = bleach.Cleaner(
    tags=ARTICLE_TAGS, attributes=ARTICLE_ATTRIBUTES, protocols=SAFE_PROTOCOLS, strip=True, strip_comments=True
)
_reply_cleaner = bleach.Cleaner(
    tags=REPLY_TAGS, attributes=REPLY_ATTRIBUTES, protocols=SAFE_PROTOCOLS, strip=True, strip_comments=True
)


def _mark_untrusted(attrs, new=False):
    """Readers' links carry no endorsement from the site."""
    href_key = (None, "href")
    if href_key not in attrs:
        return attrs
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


_reply_linker = Linker(callbacks=[_mark_untrusted], skip_tags=["code"], parse_email=False)
_BLANK_LINES = re.compile(r"\n\s*\n")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control_characters(text):
    """Remove null bytes and other control characters that no reader means to type."""
    return _CONTROL_CHARS.sub("", text)


def clean_article_body(html):
    """Keep the markup an article needs and drop scripts, event handlers and unsafe URLs."""
    return _article_cleaner.clean(strip_control_characters(html or ""))


def clean_reply_body(text):
    """Turn a reader's plain text into safe paragraphs with a few inline tags and nofollow links."""
    text = strip_control_characters(text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = []
    for block in _BLANK_LINES.split(text):
        cleaned = _reply_cleaner.clean(block.strip())
        if cleaned:
            paragraphs.append("<p>" + cleaned.replace("\n", "<br>\n") + "</p>")
    return _reply_linker.linkify("\n".join(paragraphs))


def plain_text(html):
    """The text of an HTML fragment, unescaped: templates escape it again where they show it."""
    return unescape(strip_tags(html or "")).strip()

