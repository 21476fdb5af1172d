"""The page cache: whole reader pages kept in the configured cache for readers who bring no state of their own.

A page is stored under the current page generation, a number in the database that every change readers must
see moves on (articles, authors and tags on save, comments by comments.decisions). Pages of an older generation
are never served again, on any worker or machine, and expire from the cache on their own.
"""

import hashlib
import logging
import math
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Min
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag

logger = logging.getLogger(__name__)

CACHED_METHODS = ("GET", "HEAD")
# A fragment is replaced by a new generation at once; this only bounds how long a stale one takes up room, and
# what changes with time alone (comments closing after COMMENTS_CLOSE_AFTER_DAYS).
FRAGMENT_SECONDS = 300


def invalidate():
    """Start a new generation: every page cached so far is out of date."""
    from articles.models import Article, PageGeneration  # models import this module

    upcoming = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
    next_at = upcoming.aggregate(at=Min("published_at"))["at"]
    next_change_at = math.ceil(next_at.timestamp()) if next_at else None
    updated = PageGeneration.objects.filter(pk=1).update(number=F("number") + 1, next_change_at=next_change_at)
    if not updated:
        PageGeneration.objects.get_or_create(pk=1, defaults={"number": 1, "next_change_at": next_change_at})


def current_generation(request=None):
    """The generation readers see now; a scheduled article whose time has come starts a new one.

    Read once per request when `request` is given (public_page reads it first, the view again).
    """
    if request is not None and hasattr(request, "page_generation"):
        return request.page_generation
    generation = _read_generation()
    if request is not None:
        request.page_generation = generation
    return generation


def _read_generation():
    from articles.models import PageGeneration

    # Plain SQL: on a page served from the cache, building this query with the ORM costs more than running it.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number, next_change_at FROM {PageGeneration._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        return 0
    number, next_change_at = row
    if next_change_at is not None and next_change_at <= timezone.now().timestamp():
        invalidate()
        return number + 1
    return number


def is_anonymous(request):
    """A reader who brings none of the site's cookies, and so sees the page everyone sees."""
    return not any(name in request.COOKIES for name in settings.PAGE_CACHE_PERSONAL_COOKIES)


def public_page(view):
    """Serve a reader page from the page cache to readers without state, and tell caches who may keep it.

    Everyone else (staff, a reader with a pending comment, saved details or a message) gets a fresh page that no
    cache may keep.
    """
    @wraps(view)
    def cached_view(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if request.method not in CACHED_METHODS or not is_anonymous(request):
            return _private(view(request, *args, **kwargs))
        if not seconds:
            return _revalidated(request, view(request, *args, **kwargs), seconds)
        key = _key(request)
        stored = _cache_get(key)
        if stored is not None:
            content, headers = stored  # with the ETag computed once, when the page was stored
            return _revalidated(request, HttpResponse(content, headers=headers), seconds)
        response = _rendered(view(request, *args, **kwargs))
        if response.status_code == 200 and not response.cookies and not response.streaming:
            set_response_etag(response)
            _cache_set(key, (response.content, dict(response.headers)), seconds)
        return _revalidated(request, response, seconds)
    return cached_view


def cached_fragment(name, *parts, render, generation=None, timeout=FRAGMENT_SECONDS):
    """A piece of a page that every reader sees alike, rendered once per generation and kept in the cache."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()  # parts may come from the query string
    generation = current_generation() if generation is None else generation
    key = f"fragment:{name}:{generation}:{digest}"
    html = _cache_get(key)
    if html is None:
        html = render()
        _cache_set(key, html, timeout)
    return html


def _key(request):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{current_generation(request)}:{request.get_host()}:{path}"


def _rendered(response):
    """A template response rendered now, so that its content can be kept and its ETag computed."""
    return response.render() if callable(getattr(response, "render", None)) else response


def _private(response):
    patch_cache_control(response, private=True, no_cache=True, no_store=True, max_age=0)
    return response


def _revalidated(request, response, seconds):
    """The response with its validator and freshness, or 304 Not Modified if the reader already has it."""
    if response.status_code != 200 or response.cookies:
        return _private(response)
    response = _rendered(response)
    if seconds:
        response["Cache-Control"] = f"public, max-age={seconds}"
    else:
        response["Cache-Control"] = "no-cache"  # kept, but checked with the ETag before each use
    if not response.has_header("ETag"):
        set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response)


def _cache_get(key):
    try:
        return cache.get(key)
    except Exception as error:  # noqa: BLE001 - any cache backend's outage: the page is rendered instead
        logger.warning("Page cache unavailable: %s", type(error).__name__)
        return None


def _cache_set(key, value, seconds):
    try:
        cache.set(key, value, timeout=seconds)
    except Exception as error:  # noqa: BLE001 - any cache backend's outage: the page is just not kept
        logger.warning("Page cache unavailable: %s", type(error).__name__)
