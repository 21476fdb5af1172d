"""The page cache: whole reader pages kept in the configured cache for readers who bring no state of their own.

Every page is stored with the page generation it was rendered in, a number that every change readers must see
moves on (articles, authors and tags on save, comments by comments.decisions). A page from an older generation
is never served again, on any worker or machine, and expires from the cache on its own.

The number lives in the database (PageGeneration), so that workers with a cache each of their own (the default
local-memory cache) see every change at once. With a shared cache (Redis), the number is kept in the cache as
well, so that a page is found with one round trip to it and none to the database: a change sets it there once
its transaction commits, and it is re-read from the database every GENERATION_RECHECK_SECONDS, which bounds how
long a change made while the cache was unreachable can go unseen after it returns.

PageCacheMiddleware answers from the cache before the session, CSRF, authentication and message middleware run;
the pages it stores are only those that `public_page` views have marked, with the headers every middleware gave
them on the way out.
"""

import hashlib
import logging
import math
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.db.models import F, Min
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag

logger = logging.getLogger(__name__)

CACHED_METHODS = ("GET", "HEAD")
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
# A fragment is replaced by a new generation at once; this only bounds how long a stale one takes up room, and
# what changes with time alone (comments closing after COMMENTS_CLOSE_AFTER_DAYS).
FRAGMENT_SECONDS = 300
GENERATION_KEY = "page-generation"
GENERATION_RECHECK_SECONDS = 5


# The generation.

def invalidate(*, replacing=None):
    """Start a new generation: every page cached so far is out of date.

    With `replacing`, only if the generation is still that number: of the readers who find together that a
    scheduled article's time has come, one starts the new generation.
    """
    from articles.models import Article, PageGeneration  # models import this module

    upcoming = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
    next_at = upcoming.aggregate(at=Min("published_at"))["at"]
    next_change_at = math.ceil(next_at.timestamp()) if next_at else None
    row = PageGeneration.objects.filter(pk=1)
    if replacing is not None:
        row = row.filter(number=replacing)
    updated = row.update(number=F("number") + 1, next_change_at=next_change_at)
    if not updated and replacing is None:
        PageGeneration.objects.get_or_create(pk=1, defaults={"number": 1, "next_change_at": next_change_at})
    if shared_cache():
        # Readers look in the database until the change commits (they see the old number there until then),
        # then the new number is in the cache for all. Robust: the change has committed whatever happens here.
        _cache_call("delete", GENERATION_KEY)
        transaction.on_commit(_publish_generation, robust=True)


def current_generation(request=None):
    """The generation readers see now; a scheduled article whose time has come starts a new one.

    Read once per request when `request` is given (the page cache reads it first, the view again).
    """
    if request is not None and hasattr(request, "page_generation"):
        return request.page_generation
    if shared_cache():
        generation = _from_entry(_cache_call("get", GENERATION_KEY))
    else:
        generation = _due(*_generation_row())
    if request is not None:
        request.page_generation = generation
    return generation


def shared_cache():
    """Whether every worker uses the same cache, so that the generation can be kept in it."""
    from django.core.cache import caches

    return not isinstance(caches["default"], LocMemCache | DummyCache)


def _generation_row():
    from articles.models import PageGeneration

    # Plain SQL: on a page served from the cache, building this query with the ORM costs more than running it.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number, next_change_at FROM {PageGeneration._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return row or (0, None)


def _due(number, next_change_at):
    if next_change_at is not None and next_change_at <= timezone.now().timestamp():
        invalidate(replacing=number)
        return number + 1
    return number


def _from_entry(entry):
    """The generation from the cache's entry, or from the database (put in the cache) when it has none."""
    if entry is None:
        entry = _generation_row()
        # add, not set: a newer number published meanwhile must not be replaced by this one
        _cache_call("add", GENERATION_KEY, tuple(entry), GENERATION_RECHECK_SECONDS)
    return _due(*entry)


def _publish_generation():
    _cache_call("set", GENERATION_KEY, tuple(_generation_row()), GENERATION_RECHECK_SECONDS)


# Pages.

def is_anonymous(request):
    """A reader who brings none of the site's cookies, and so sees the page everyone sees."""
    return not any(name in request.COOKIES for name in settings.PAGE_CACHE_PERSONAL_COOKIES)


def public_page(view):
    """Mark the view's page as one the page cache may keep for readers without state, and tell caches who may.

    Everyone else (staff, a reader with a pending comment, saved details or a message) gets a fresh page that no
    cache may keep.
    """
    @wraps(view)
    def public_view(request, *args, **kwargs):
        if request.method not in CACHED_METHODS or not is_anonymous(request):
            return _private(view(request, *args, **kwargs))
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds:
            current_generation(request)  # before rendering: the page is kept under the generation it shows
        response = _revalidated(request, view(request, *args, **kwargs), seconds)
        response.public_page = True
        return response
    public_view.public_page = True
    return public_view


class PageCacheMiddleware:
    """Answers readers without state from the page cache, and keeps the pages `public_page` views mark.

    Placed after the security and static-file middleware and before the rest, so that a page served from the cache
    costs a lookup, not a pass through the session, CSRF, authentication and message middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if (not seconds or request.method not in CACHED_METHODS or not is_anonymous(request)
                or not _is_public_path(getattr(request, "urlconf", None) or settings.ROOT_URLCONF, request.path_info)):
            return self.get_response(request)
        key = _key(request)
        stored = _lookup(request, key)
        if stored is not None:
            content, headers = stored  # with the ETag and Cache-Control computed once, when the page was stored
            return get_conditional_response(request, etag=headers.get("ETag"),
                                            response=HttpResponse(content, headers=headers))
        # The whole page, even for a conditional request (as a CDN's are), so that it can be kept; the 304 after.
        conditions = {name: request.META.pop(name) for name in CONDITIONAL_HEADERS if name in request.META}
        response = self.get_response(request)
        request.META.update(conditions)
        if not getattr(response, "public_page", False) or response.status_code != 200 or response.streaming:
            return response
        if response.cookies:  # set by a middleware after the view: this page is someone's own
            return _private(response)
        _cache_call("set", key, (current_generation(request), response.content, dict(response.headers)), seconds)
        return get_conditional_response(request, etag=response["ETag"], response=response)


def cached_fragment(name, *parts, render, generation=None, timeout=FRAGMENT_SECONDS):
    """A piece of a page that every reader sees alike, rendered once per generation and kept in the cache."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()  # parts may come from the query string
    generation = current_generation() if generation is None else generation
    key = f"fragment:{name}:{generation}:{digest}"
    html = _cache_call("get", key)
    if html is None:
        html = render()
        _cache_call("set", key, html, timeout)
    return html


def _key(request):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{request.scheme}:{request.get_host()}:{path}"  # feeds and sitemaps write absolute links


@lru_cache(maxsize=1024)
def _is_public_path(urlconf, path):
    """Whether the URL's view is a `public_page`: other URLs (the admin, posts, static files) skip the cache."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return False
    dispatch = getattr(getattr(match.func, "view_class", None), "dispatch", None)  # method_decorator keeps the mark
    return getattr(match.func, "public_page", False) or getattr(dispatch, "public_page", False)


def _lookup(request, key):
    """The stored page's content and headers if it is of the current generation.

    With a shared cache, the generation and the page come in one round trip.
    """
    if shared_cache():
        found = _cache_call("get_many", [GENERATION_KEY, key]) or {}
        request.page_generation = _from_entry(found.get(GENERATION_KEY))
        stored = found.get(key)
    else:
        stored = _cache_call("get", key)  # first, so that a URL no page is kept for costs no query
    if stored is None or stored[0] != current_generation(request):
        return None
    return stored[1:]


def _private(response):
    patch_cache_control(response, private=True, no_cache=True, no_store=True, max_age=0)
    return response


def _revalidated(request, response, seconds):
    """The response with its validator and freshness, or 304 Not Modified if the reader already has it."""
    if response.status_code != 200 or response.cookies:
        return _private(response)
    if callable(getattr(response, "render", None)):
        response = response.render()  # so that the ETag can be computed
    if seconds:
        response["Cache-Control"] = f"public, max-age={seconds}"
    else:
        response["Cache-Control"] = "no-cache"  # kept, but checked with the ETag before each use
    if not response.has_header("ETag"):
        set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response)


def _cache_call(method, *args):
    """The cache's method called, or None when the cache is unreachable: the page is rendered, or not kept."""
    try:
        return getattr(cache, method)(*args)
    except Exception as error:  # noqa: BLE001 - any cache backend's outage
        logger.warning("Page cache unavailable: %s", type(error).__name__)
        return None
