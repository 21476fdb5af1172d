import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from newsroom.logging import JSONFormatter

PROJECT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {"DEBUG": "False", "SECRET_KEY": "x" * 20 + "-a-long-random-production-key-for-tests"}


def manage(*args, **env):
    inherited = ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")  # the last is set while a browser test runs
    environment = {key: value for key, value in os.environ.items() if key not in inherited}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT, env=environment | env,
                          capture_output=True, text=True, timeout=120)


def test_deploy_checks_pass_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="False", SECRET_KEY="")  # set, so that a local .env cannot fill it in
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_health_check_reports_database_and_cache(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_check_answers_load_balancers_probing_by_address(client, db):
    response = client.get("/healthz", HTTP_HOST="10.0.0.5")
    assert response.status_code == 200


def test_health_check_answers_503_when_the_cache_fails(client, db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "failing"


def test_reader_pages_forbid_inline_scripts(client, article):
    policy = client.get(article.get_absolute_url())["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_only_the_admin_allows_inline_scripts_for_its_editor(admin_client):
    policy = admin_client.get("/admin/articles/article/add/")["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy


def test_article_preview_keeps_the_strict_policy(admin_client, article):
    response = admin_client.get(f"/admin/articles/article/{article.pk}/preview/")
    assert response.status_code == 200
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_security_headers_are_sent(client, article):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_errors_show_no_details_to_the_public(db, settings):
    settings.ROOT_URLCONF = "tests.crashing_urls"
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "hunter2" not in response.text and "Traceback" not in response.text


@pytest.mark.parametrize("proxies, forwarded, expected", [
    (0, "203.0.113.9", "127.0.0.1"),  # no trusted proxy: the header is anyone's to forge
    (1, "203.0.113.9", "203.0.113.9"),
    (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the first entry was written by the client
    (2, "198.51.100.1, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
    (1, "203.0.113.9:4711", "203.0.113.9"),
    (1, "[2001:db8::1]:443", "2001:db8::1"),
    (1, "2001:db8::2", "2001:db8::2"),
    (1, "unknown", "127.0.0.1"),  # not an address: the connection's own address stays
    (3, "203.0.113.9", "127.0.0.1"),  # fewer hops than proxies: the header was not written by them
])
def test_client_address_comes_from_trusted_proxies_only(settings, rf, proxies, forwarded, expected):
    from newsroom.middleware import ProxiedClientAddressMiddleware

    settings.TRUSTED_PROXY_COUNT = proxies
    seen = {}
    middleware = ProxiedClientAddressMiddleware(lambda request: seen.setdefault("ip", request.META["REMOTE_ADDR"]))
    middleware(rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="127.0.0.1"))
    assert seen["ip"] == expected


def test_rate_limit_counts_each_forwarded_client_separately(client, article, settings, reply_data):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.COMMENTS_RATE_LIMIT = 1
    first = client.post(f"/comments/reply/{article.slug}/", reply_data(), HTTP_X_FORWARDED_FOR="203.0.113.1")
    other = client.post(f"/comments/reply/{article.slug}/", reply_data(body="Another view."),
                        HTTP_X_FORWARDED_FOR="203.0.113.2")
    again = client.post(f"/comments/reply/{article.slug}/", reply_data(body="Third."),
                        HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert (first.status_code, other.status_code, again.status_code) == (302, 302, 429)


def test_logs_are_one_json_object_per_line():
    record = logging.makeLogRecord({"name": "newsroom", "levelname": "WARNING", "msg": "Held %d comments",
                                    "args": (3,), "status_code": 429})
    entry = json.loads(JSONFormatter().format(record))
    assert entry["message"] == "Held 3 comments"
    assert entry["level"] == "WARNING" and entry["status_code"] == 429
