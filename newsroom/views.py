import logging
import sys
import uuid

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.static import serve

logger = logging.getLogger(__name__)


@require_safe
@never_cache
def healthz(request):
    """Answers 200 when the database and the cache both work, 503 otherwise, for load balancers."""
    checks = {"database": _check_database, "cache": _check_cache}
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception:  # any failure of a backing service means this machine can't serve
            logger.exception("Health check failed: %s", name)
            results[name] = "failing"
    healthy = all(result == "ok" for result in results.values())
    return JsonResponse({"status": "ok" if healthy else "failing", **results}, status=200 if healthy else 503)


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache():
    key, value = f"healthz:{uuid.uuid4().hex}", "1"
    cache.set(key, value, timeout=5)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)


@require_safe
def serve_media(request, path):
    """Django's static file view for uploads, answering 404 to names the file system cannot even look up."""
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT)
    except (OSError, ValueError) as error:  # a name too long for the file system, or one with a NUL byte
        raise Http404("No such file") from error


def bad_request(request, exception):
    """The site's 400 page, rendered without the CSRF check that the unreadable request just failed."""
    try:
        return render(request, "400.html", status=400)
    except Exception:  # the page itself must not turn a bad request into a server error
        logger.exception("The 400 page could not be rendered")
        return HttpResponseBadRequest("Bad request", content_type="text/plain")


def server_error(request):
    """The 500 page, or the 503 page when the database could not be reached, so clients know to try again."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):  # lost connection, server down
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


def login_locked_out(request, original_response=None, credentials=None):
    """The page a locked-out admin login gets (django-axes' AXES_LOCKOUT_CALLABLE): why, how long, who unlocks."""
    context = {
        **admin.site.each_context(request),
        "is_nav_sidebar_enabled": False,  # as on the login page: nothing to navigate before logging in
        "title": "Too many failed logins",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": round(settings.AXES_COOLOFF_TIME.total_seconds() / 60),
    }
    return render(request, "admin/locked_out.html", context, status=429)
