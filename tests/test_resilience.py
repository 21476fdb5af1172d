"""Nothing lost under failure or load: mail through a flaky mail server, double submits and bursts of posts."""

import email
import email.policy
import threading
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from comments import decisions
from comments.models import Comment
from tests.servers import SECRET_KEY, collect_static, database_url, free_port, serving

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="needs PostgreSQL: gunicorn's workers share the test database with the test")


# The mail server refuses for a while: each notice is delivered once it accepts again, and only once.

class FlakyMailServer:
    """An SMTP server on a free loopback port that answers 451 (try again later) to its first `refusals` messages."""

    def __init__(self, refusals):
        self.refusals = refusals
        self.received = Counter()  # (recipient, subject) -> messages accepted
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server, session, envelope):
        if self.refusals:
            self.refusals -= 1
            return "451 4.3.0 Try again later"
        subject = email.message_from_bytes(envelope.content, policy=email.policy.default)["Subject"]
        # A long encoded subject is folded onto the next line; the folding whitespace is not part of it.
        self.received.update((recipient, str(subject).strip()) for recipient in envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def flaky_mail_server(settings):
    """The site's mail goes by SMTP to a server that refuses the first four messages, then accepts."""
    server = FlakyMailServer(refusals=4)
    server.controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield server
    finally:
        server.controller.stop()


def test_notices_refused_by_the_mail_server_are_delivered_once_after_it_recovers(
    settings, monkeypatch, flaky_mail_server, mailed_moderator, make_comment, send_reply, run_worker,
    django_capture_on_commit_callbacks,
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    parent = make_comment("The minutes should be published.", email="parent@example.org", is_subscribed=True,
                          moderated_by=mailed_moderator, moderated_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reply(body="They will be, on Monday.", parent=parent.pk, is_subscribed="on").status_code == 302
    run_worker()  # the moderators' digest of the held reply: refused
    reply = Comment.objects.get(parent=parent)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.decide(Comment.objects.filter(pk=reply.pk), status=Comment.Status.APPROVED, by=mailed_moderator)
    run_worker()  # the approval notice to its commenter and the reply notice to the parent's: refused
    assert flaky_mail_server.refusals == 1
    assert flaky_mail_server.received == Counter()

    start = timezone.now()
    for minutes in (1, 3, 60 * 24 * 2):  # past the first retry (30 s), the second (1 min), and long after
        monkeypatch.setattr(timezone, "now", lambda minutes=minutes: start + timedelta(minutes=minutes))
        run_worker()
        if minutes == 1:  # one message was refused a second time
            assert flaky_mail_server.refusals == 0
            assert flaky_mail_server.received.total() == 2

    headline = reply.article.headline
    assert flaky_mail_server.received == Counter({
        ("desk@staff.invalid", "[Newsroom] 1 comment waiting for moderation"): 1,
        ("rita@example.org", f"Your comment on “{headline}” is published"): 1,
        ("parent@example.org", f"New reply to your comment on “{headline}”"): 1,
    })


# Posts sent at once to the site under gunicorn: each stored exactly once, none answered 500.

class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the answer itself is what the test checks


def post(site, path, fields):
    """POSTs a form as a browser on the site's own page does; returns the status and the Location it answered."""
    request = urllib.request.Request(f"{site}{path}", data=urlencode(fields).encode(), headers={"Origin": site})
    try:
        with urllib.request.build_opener(NoRedirects).open(request, timeout=30) as response:
            return response.status, response.headers.get("Location")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location")


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    collect_static(root)
    return root


@pytest.fixture
def busy_site(settings, transactional_db, tmp_path, static_root):
    """The site under gunicorn with two workers on the test database, with no rate limit or fill time to slow posts."""
    settings.SECRET_KEY = SECRET_KEY  # the reply form's render time is signed with the served site's key
    with serving(tmp_path, database_url(), workers=2, STATIC_ROOT=str(static_root), COMMENTS_RATE_LIMIT="100000",
                 COMMENTS_MIN_FILL_SECONDS="0") as site:
        yield site


@postgres_only
def test_thirty_simultaneous_double_submits_store_thirty_comments_each_answered_alike(busy_site, article,
                                                                                        reply_data):
    path = reverse("comments:post", kwargs={"slug": article.slug})
    forms = [reply_data(body=f"Double click number {n}.", email=f"reader{n}@example.org") for n in range(30)]
    start = threading.Barrier(60)

    def submit(fields):
        start.wait(timeout=30)
        return post(busy_site, path, fields)

    with ThreadPoolExecutor(max_workers=60) as pool:
        answers = list(pool.map(submit, [fields for fields in forms for _ in range(2)]))

    assert Comment.objects.count() == 30
    permalinks = {comment.body: comment.get_absolute_url() for comment in Comment.objects.all()}
    for fields, first, second in zip(forms, answers[::2], answers[1::2], strict=True):
        assert first == second == (302, permalinks[fields["body"]]), (fields["body"], first, second)


@postgres_only
def test_two_hundred_concurrent_posts_through_two_workers_are_all_stored(busy_site, article, reply_data):
    path = reverse("comments:post", kwargs={"slug": article.slug})
    forms = [reply_data(body=f"Breaking story, comment {n}.") for n in range(200)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = Counter(status for status, _ in pool.map(lambda fields: post(busy_site, path, fields), forms))

    assert statuses == Counter({302: 200})
    assert sorted(Comment.objects.values_list("body", flat=True)) == sorted(fields["body"] for fields in forms)
