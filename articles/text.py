"""Plain text from article HTML, for reading time, search excerpts and share descriptions."""

import re

from django.utils import timezone

from articles import sanitize

# The editor writes blocks back to back (`</p><p>`), so their words would run together without a space.
_BLOCK_BOUNDARY = re.compile(r"</(?:p|h[1-6]|li|blockquote|figcaption|pre)>|<(?:br|hr|img)\b[^>]*>", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")


def readable_text(html):
    """The words of an HTML fragment as one unescaped line, with blocks kept apart by a space."""
    return _WHITESPACE.sub(" ", sanitize.plain_text(_BLOCK_BOUNDARY.sub(r"\g<0> ", html or ""))).strip()


def iso_datetime(value):
    """An ISO 8601 time to the second, as HTML's datetime attribute and Open Graph expect."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()
