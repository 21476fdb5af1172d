"""What readers and staff get while Redis or the database is down, and right after they come back."""

import json
import time

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from comments.models import Comment
from tests.servers import TcpProxy, database_url, fetch, serving

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="kills PostgreSQL connections")


# Redis down: sessions fall back to the database, so logged-in staff and readers with a session keep working.

def test_the_admin_keeps_working_while_redis_is_down(private_redis, editor, client, caplog):
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200

    private_redis.stop()
    response = client.get("/admin/articles/article/")
    assert response.status_code == 200
    assert "Select article to change" in response.text
    assert "Session cache read failed, using the database alone" in caplog.text

    private_redis.start()
    assert client.get("/admin/articles/article/").status_code == 200


def test_staff_log_in_and_out_while_redis_is_down(private_redis, editor, client):
    private_redis.stop()
    response = client.post("/admin/login/?next=/admin/", {"username": "editor", "password": "pw-for-tests-only"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    response = client.post("/admin/logout/")
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302  # to the login page: the session is gone


def test_a_reader_with_a_session_still_sees_their_pending_comment_while_redis_is_down(private_redis, send_reply,
                                                                                     article, client):
    send_reply(body="Held for the moderators, shown to me.")
    assert Comment.objects.filter(body__contains="shown to me").exists()

    private_redis.stop()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Held for the moderators, shown to me." in response.text
    assert "awaiting moderation" in response.text


def test_comments_posted_while_redis_stops_midway_are_all_stored(private_redis, send_reply, article, caplog):
    bodies = [f"Comment number {n} of a breaking story." for n in range(6)]
    for n, body in enumerate(bodies):
        if n == 3:
            private_redis.stop()
        response = send_reply(body=body)
        assert response.status_code == 302, response.status_code
    assert sorted(Comment.objects.values_list("body", flat=True)) == sorted(bodies)
    assert "Rate limit not checked, the cache is unavailable" in caplog.text
    private_redis.start()
    assert Client().get(article.get_absolute_url()).status_code == 200


def test_reader_pages_are_served_while_redis_is_down(private_redis, article, make_comment):
    make_comment("Seen with or without the cache.")
    private_redis.stop()
    for path in ("/", article.get_absolute_url(), "/feed/"):
        response = Client().get(path)
        assert response.status_code == 200
    assert "Seen with or without the cache." in Client().get(article.get_absolute_url()).text


def test_health_check_reports_redis_down_and_back(private_redis, client, db):
    private_redis.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "failing", "database": "ok", "cache": "failing"}

    private_redis.start()
    assert client.get("/healthz").status_code == 200


# The database down: a friendly 503 page, never the 500 page.

@pytest.fixture
def database_down(db, monkeypatch):
    """Makes every query fail with `error`, until the test ends (before the test database is rolled back)."""
    def fail(error):
        def cursor(*args, **kwargs):
            raise error
        monkeypatch.setattr(connection, "cursor", cursor)
    yield fail
    monkeypatch.undo()


@pytest.mark.parametrize("error", [OperationalError("server closed the connection unexpectedly"),
                                   InterfaceError("connection already closed")])
def test_a_page_that_cannot_reach_the_database_gets_the_503_page(database_down, error):
    database_down(error)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert "We’ll be back in a moment" in response.text
    assert "connection" not in response.text
    assert response["Retry-After"] == "30"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_other_server_errors_still_get_the_500_page(database_down):
    database_down(ValueError("a bug"))
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text


def test_health_check_reports_the_database_down_and_back(client, database_down, monkeypatch):
    database_down(OperationalError("connection refused"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "failing"
    monkeypatch.undo()
    assert client.get("/healthz").status_code == 200


# PostgreSQL for real: the site served by gunicorn in production mode, with its connections killed or cut off.

def terminate_other_connections():
    """Kills the site's connections to the test database (this test's own is spared), as a server restart would."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        killed = cursor.fetchall()
        for _ in range(50):
            cursor.execute("SELECT count(*) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.05)
    return len(killed)


@postgres_only
def test_killed_database_connections_are_replaced_without_an_error(db, tmp_path):
    with serving(tmp_path, database_url(), CONN_HEALTH_CHECKS="True") as site:
        statuses = []
        for _ in range(5):
            statuses.append(fetch(f"{site}/feed/")[0])
            assert terminate_other_connections() == 1  # the site's one kept connection
            statuses.append(fetch(f"{site}/feed/")[0])
    assert statuses == [200] * 10


@postgres_only
def test_without_health_checks_a_killed_connection_costs_one_503_never_a_500(db, tmp_path):
    with serving(tmp_path, database_url(), CONN_HEALTH_CHECKS="False") as site:
        answers = []
        for _ in range(3):
            answers.append(fetch(f"{site}/feed/"))
            terminate_other_connections()
            answers.append(fetch(f"{site}/feed/"))
    statuses = [status for status, _ in answers]
    assert set(statuses) <= {200, 503}, statuses
    assert statuses[1] == 503  # the dead connection is found by the first query on it
    assert "We’ll be back in a moment" in answers[1][1]


@postgres_only
def test_while_the_database_is_unreachable_pages_and_health_check_answer_503_and_recover_at_once(db, tmp_path):
    database = connection.settings_dict
    proxy = TcpProxy((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)))
    proxy.start()
    try:
        with serving(tmp_path, database_url(port=proxy.port)) as site:
            assert fetch(f"{site}/feed/")[0] == 200
            proxy.stop()

            status, body = fetch(f"{site}/healthz")
            assert (status, json.loads(body)) == (503, {"status": "failing", "database": "failing", "cache": "ok"})
            status, body = fetch(f"{site}/feed/")
            assert status == 503
            assert "We’ll be back in a moment" in body

            proxy.start()
            assert fetch(f"{site}/healthz")[0] == 200
            assert fetch(f"{site}/feed/")[0] == 200
    finally:
        proxy.stop()
