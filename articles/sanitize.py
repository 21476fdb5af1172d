"""Article bodies: an allowlist of what the body editor produces, with scripts and unsafe URLs dropped."""

import re
from html import unescape

import bleach
from django.utils.html import strip_tags

SAFE_PROTOCOLS = ["http", "https", "mailto"]

ARTICLE_TAGS = [
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a", "strong", "b", "em", "i", "s", "u",
    "sub", "sup", "code", "pre", "hr", "figure", "figcaption", "img",
]
# Elements whose content is code or a document of its own, never text a reader should see: dropped whole. The
# raw-text ones end at their first closing tag, as in the HTML parsing rules; an unclosed one runs to the end.
DROPPED_WITH_CONTENT = ["script", "style", "template", "iframe", "noscript", "noembed", "noframes", "textarea",
                        "title", "xmp"]
_DROPPED = re.compile(
    r"<(%s)\b[^>]*>.*?(?:</\1\s*>|\Z)" % "|".join(DROPPED_WITH_CONTENT), re.IGNORECASE | re.DOTALL
)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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

_article_cleaner = bleach.Cleaner(
    tags=ARTICLE_TAGS, attributes=ARTICLE_ATTRIBUTES, protocols=SAFE_PROTOCOLS, strip=True, strip_comments=True
)


def strip_control_characters(text):
    """Remove null bytes and other control characters that no reader means to type."""
    return _CONTROL_CHARS.sub("", text)


def drop_code_elements(html):
    """Remove scripts, styles, frames and the like together with their content, not just their tags."""
    previous = None
    while previous != html:  # "<scr<script></script>ipt>" hides one inside another
        previous, html = html, _DROPPED.sub("", html)
    return html


def clean_article_body(html):
    """Keep the markup an article needs and drop scripts, event handlers and unsafe URLs."""
    return _article_cleaner.clean(drop_code_elements(strip_control_characters(html or "")))


def plain_text(html):
    """The text of an HTML fragment, unescaped: templates escape it again where they show it."""
    return unescape(strip_tags(html or "")).strip()
