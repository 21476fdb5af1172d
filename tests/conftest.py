import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, Author, Tag
from comments.forms import sign_render_time
from comments.models import Ban, Comment, WordRule
from tests.servers import free_port


@pytest.fixture(autouse=True)
def clear_cache():
    """Rate limits live in the cache; each test starts with none spent."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def site_url(settings):
    """A public address unlike the test client's host, so links can only have come from SITE_URL."""
    settings.SITE_URL = "https://news.example.org"
    return settings.SITE_URL


@pytest.fixture
def uncached(settings):
    """Pages rendered for every request, as for a reader the page cache does not serve."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Tasks run as they are queued, so a test sees their mail; tests of the queue itself use the database."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def make_user(db):
    # Log staff in with client.force_login (or admin_client): django-axes refuses client.login(), which
    # authenticates without the request it needs.
    def make(username, group=None, **fields):
        user = User.objects.create_user(username=username, password="pw-for-tests-only", is_staff=True, **fields)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user
    return make


@pytest.fixture
def journalist(make_user):
    user = make_user("journalist", "Journalist", email="journalist@staff.invalid")
    Author.objects.create(name="Jo Journalist", slug="jo-journalist", user=user, bio="Covers the council.")
    return user


@pytest.fixture
def other_journalist(make_user):
    user = make_user("other", "Journalist")
    Author.objects.create(name="Olly Other", slug="olly-other", user=user)
    return user


@pytest.fixture
def editor(make_user):
    return make_user("editor", "Editor")


@pytest.fixture
def moderator(make_user):
    return make_user("moderator", "Moderator")


@pytest.fixture
def author(db):
    return Author.objects.create(name="Ada Reporter", slug="ada-reporter", bio="Ada writes about transport.")


@pytest.fixture
def make_tag(db):
    def make(name):
        return Tag.objects.get_or_create(name=name, slug=slugify(name))[0]
    return make


@pytest.fixture
def make_article(author):
    def make(headline="Council approves budget", tags=(), **fields):
        defaults = {"slug": slugify(headline), "author": author, "status": Article.Status.PUBLISHED,
                    "published_at": timezone.now() - timedelta(hours=1), "standfirst": f"About {headline}.",
                    "body": f"<p>The full story of {headline}.</p>"}
        article = Article.objects.create(headline=headline, **(defaults | fields))
        article.tags.set(tags)
        return article
    return make


@pytest.fixture
def article(make_article):
    return make_article()


@pytest.fixture
def make_comment(article):
    def make(body="A thoughtful reply.", status=Comment.Status.APPROVED, **fields):
        defaults = {"article": article, "name": "Reader", "email": "reader@example.org", "status": status,
                    "ip_address": "192.0.2.7", "user_agent": "TestBrowser/1.0"}
        return Comment.objects.create(body=body, **(defaults | fields))
    return make


@pytest.fixture
def pending_comment(make_comment):
    return make_comment("Waiting for a moderator.", status=Comment.Status.PENDING)


@pytest.fixture
def reply_data(article):
    """A valid reply form submission to an article (the `article` fixture unless `on` is given), shown to the
    reader long enough ago to pass the minimum fill time."""
    def make(on=None, **fields):
        stamp = sign_render_time((on or article).pk, fields.get("parent"), time.time() - 60)
        return {"body": "I was at the meeting and agree.", "name": "Rita Reader", "email": "rita@example.org",
                "website": "", "parent": "", "honeypot": "", "rendered_at": stamp, **fields}
    return make


@pytest.fixture
def comment_viewer(make_user):
    """Staff who may open and change comments but may not see commenters' emails, addresses or browsers."""
    user = make_user("comment-viewer")
    user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="comments", codename__in=["view_comment", "change_comment"]
    ))
    return user


@pytest.fixture
def send_reply(client, article, reply_data):
    """Posts the “Leave a Reply” form of an article (the `article` fixture unless `to` is given) from a client."""
    def send(to=None, by=None, follow=False, **fields):
        url = reverse("comments:post", kwargs={"slug": (to or article).slug})
        return (by or client).post(url, reply_data(on=to, **fields), follow=follow)
    return send


@pytest.fixture
def mailed_moderator(make_user):
    """A moderator with an email address, who gets the moderation digest."""
    return make_user("mailed-moderator", "Moderator", email="desk@staff.invalid")


@pytest.fixture
def make_word_rule(db):
    def make(phrase, action=WordRule.Action.HOLD):
        return WordRule.objects.create(phrase=phrase, action=action)
    return make


@pytest.fixture
def make_ban(db):
    def make(value, kind=Ban.Kind.EMAIL, **fields):
        return Ban.objects.create(kind=kind, value=value, **fields)
    return make


@pytest.fixture
def send_report(db):
    """Reports a comment from a reader: each `address` with a fresh browser is another reader."""
    def send(comment, by=None, address="203.0.113.10", concern="abusive", follow=False, **fields):
        browser = by or Client()
        url = reverse("comments:report", kwargs={"pk": comment.pk})
        return browser.post(url, {"concern": concern, "detail": "", **fields}, REMOTE_ADDR=address, follow=follow)
    return send


@pytest.fixture
def run_worker(settings, monkeypatch):
    """Runs the queued tasks that are due, as `manage.py db_worker` does, and returns when none is left."""
    # The worker closes connections it thinks stale; inside a test's transaction that would close the test's own
    # connection on PostgreSQL (an in-memory SQLite database is never closed).
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)

    def run():
        call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)
    return run


class PrivateRedis:
    """A redis-server of a test's own on a free loopback port, to stop and start without touching the shared one."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis(settings):
    """The site's cache on a private redis-server, which the test may stop (Redis down) and start again."""
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (scripts/test-services.sh installs it)")
    server = PrivateRedis()
    server.start()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": server.url,
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    yield server
    server.stop()
