import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


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
