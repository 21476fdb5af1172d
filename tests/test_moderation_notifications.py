import logging
import smtplib
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemEmailBackend
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments import notifications
from comments.models import Comment, WordRule

CHANGELIST = reverse("admin:comments_comment_changelist")


class BrokenMailBackend(BaseEmailBackend):
    """A mail server that refuses every message, as a failing SMTP server does."""

    error = smtplib.SMTPRecipientsRefused({"rita@example.org": (550, b"mailbox unavailable")})

    def send_messages(self, messages):
        raise self.error


class UnreachableMailBackend(BrokenMailBackend):
    error = ConnectionRefusedError(111, "Connection refused")


class CountingMailBackend(LocmemEmailBackend):
    """Keeps mail like the test backend, and opens a connection per batch as the SMTP backend does."""

    connections = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_open = False

    def open(self):
        if self.is_open:
            return False
        self.is_open = True
        type(self).connections += 1
        return True

    def close(self):
        self.is_open = False

    def send_messages(self, messages):
        opened = self.open()
        try:
            return super().send_messages(messages)
        finally:
            if opened:
                self.close()


@pytest.fixture
def clock(monkeypatch):
    """Moves time forward, as the cache sees it, so that a digest period can pass."""
    now = time.time()

    def advance(minutes):
        nonlocal now
        now += minutes * 60
        monkeypatch.setattr(time, "time", lambda: now)
    return advance


def approve(client, *comments):
    return client.post(f"{CHANGELIST}?status=all",
                       {"action": "approve", "_selected_action": [c.pk for c in comments]}, follow=True)


def sent_to(address):
    return [message for message in mail.outbox if address in message.to]


class TestModeratorDigest:
    def test_a_held_comment_emails_the_moderators_after_it_is_committed(self, mailed_moderator, article, send_reply,
                                                                        django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks() as callbacks:
            send_reply(body="Please look at me.", name="Rita Reader")
        assert mail.outbox == []  # nothing goes out before the comment is committed

        for callback in callbacks:
            callback()

        [digest] = mail.outbox
        assert digest.to == ["desk@staff.invalid"]
        assert digest.subject == "[Newsroom] 1 comment waiting for moderation"
        assert "Rita Reader on “Council approves budget” (held: every new comment is held):" in digest.body
        assert "Please look at me." in digest.body
        assert f"http://127.0.0.1:8000{CHANGELIST}" in digest.body
        assert "rita@example.org" not in digest.body

    def test_many_held_comments_send_one_digest_per_period(self, settings, clock, mailed_moderator, send_reply,
                                                           django_capture_on_commit_callbacks):
        settings.COMMENTS_DIGEST_MINUTES = 10
        with django_capture_on_commit_callbacks(execute=True):
            for n in range(3):
                send_reply(body=f"Held comment {n}.")
        assert len(mail.outbox) == 1

        clock(minutes=9)
        with django_capture_on_commit_callbacks(execute=True):
            send_reply(body="Still within the period.")
        assert len(mail.outbox) == 1

        clock(minutes=2)
        with django_capture_on_commit_callbacks(execute=True):
            send_reply(body="One more.")
        assert len(mail.outbox) == 2
        assert mail.outbox[1].subject == "[Newsroom] 5 comments waiting for moderation"
        for body in ("Held comment 1.", "Held comment 2.", "Still within the period.", "One more."):
            assert body in mail.outbox[1].body

    def test_comments_held_within_the_period_are_announced_by_the_next_post_after_it(
        self, settings, clock, mailed_moderator, make_word_rule, send_reply, django_capture_on_commit_callbacks
    ):
        settings.COMMENTS_HOLD_ALL = False
        make_word_rule("lawsuit")
        with django_capture_on_commit_callbacks(execute=True):
            send_reply(body="A lawsuit, first.")
            send_reply(body="A lawsuit, second.")
        assert len(mail.outbox) == 1

        clock(minutes=settings.COMMENTS_DIGEST_MINUTES + 1)
        with django_capture_on_commit_callbacks(execute=True):
            send_reply(body="A comment published at once.")

        assert Comment.objects.get(body="A comment published at once.").is_approved
        assert len(mail.outbox) == 2
        assert mail.outbox[1].subject == "[Newsroom] 2 comments waiting for moderation"
        assert "A lawsuit, second." in mail.outbox[1].body
        with django_capture_on_commit_callbacks(execute=True):
            send_reply(body="Another one published at once.")
        assert len(mail.outbox) == 2  # nothing more was owed

    def test_a_digest_the_mail_server_refused_is_delivered_once_it_is_back(
        self, settings, monkeypatch, mailed_moderator, send_reply, django_capture_on_commit_callbacks, run_worker
    ):
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        settings.EMAIL_BACKEND = f"{__name__}.UnreachableMailBackend"
        with django_capture_on_commit_callbacks(execute=True):
            response = send_reply(body="Held while the mail server is down.")
        assert response.status_code == 302  # the reader did not wait for the mail server
        run_worker()
        with django_capture_on_commit_callbacks(execute=True):
            send_reply(body="Held within the same period.")  # owed, not a second attempt of its own
        run_worker()
        assert mail.outbox == []

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        later = timezone.now() + timedelta(minutes=1)  # the first retry waits 30 seconds
        monkeypatch.setattr(timezone, "now", lambda: later)
        run_worker()
        run_worker()

        [digest] = mail.outbox
        assert digest.subject == "[Newsroom] 1 comment waiting for moderation"
        assert "Held while the mail server is down." in digest.body

    def test_a_held_comment_without_moderators_to_tell_does_not_start_the_period(
        self, make_user, send_reply, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            send_reply(body="Nobody to tell yet.")
        make_user("new-moderator", "Moderator", email="new@staff.invalid")

        with django_capture_on_commit_callbacks(execute=True):
            send_reply(body="Now someone is listening.")

        [digest] = mail.outbox
        assert digest.to == ["new@staff.invalid"]
        assert digest.subject == "[Newsroom] 2 comments waiting for moderation"

    def test_only_staff_who_moderate_and_have_an_email_get_the_digest(self, admin_user, mailed_moderator, moderator,
                                                                     journalist, make_user, send_reply,
                                                                     django_capture_on_commit_callbacks):
        make_user("away", "Moderator", email="away@staff.invalid", is_active=False)
        with django_capture_on_commit_callbacks(execute=True):
            send_reply()
        assert sorted(address for message in mail.outbox for address in message.to) == [
            admin_user.email, "desk@staff.invalid"]

    def test_spam_sends_no_digest(self, mailed_moderator, make_word_rule, send_reply,
                                  django_capture_on_commit_callbacks):
        make_word_rule("casino", WordRule.Action.SPAM)
        with django_capture_on_commit_callbacks(execute=True):
            send_reply(body="Casino!")
        assert mail.outbox == []

    def test_the_digest_can_be_switched_off(self, settings, mailed_moderator, send_reply,
                                            django_capture_on_commit_callbacks):
        settings.COMMENTS_NOTIFY_MODERATORS = False
        with django_capture_on_commit_callbacks(execute=True):
            send_reply()
        assert mail.outbox == []

    def test_a_comment_sent_back_by_reports_emails_the_moderators(self, settings, mailed_moderator, make_comment,
                                                                  send_report, django_capture_on_commit_callbacks):
        settings.COMMENTS_REPORT_THRESHOLD = 1
        with django_capture_on_commit_callbacks(execute=True):
            send_report(make_comment("Reported."))
        [digest] = mail.outbox
        assert "(held: reported by 1 readers)" in digest.body


class TestCommenterNotices:
    def test_a_fresh_pending_comment_sends_nothing_to_its_commenter(self, mailed_moderator, send_reply,
                                                                    django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            send_reply(is_subscribed="on", email="stranger@example.org")
        assert Comment.objects.get().is_subscribed
        assert sent_to("stranger@example.org") == []
        assert [message.to for message in mail.outbox] == [["desk@staff.invalid"]]

    def test_an_opted_in_commenter_is_told_once_a_moderator_approves(self, client, moderator, article, send_reply,
                                                                     django_capture_on_commit_callbacks):
        send_reply(is_subscribed="on", body="Tell me when it is up.")
        comment = Comment.objects.get()
        client.force_login(moderator)

        with django_capture_on_commit_callbacks(execute=True):
            approve(client, comment)

        [notice] = sent_to("rita@example.org")
        assert notice.subject == "Your comment on “Council approves budget” is published"
        assert f"http://127.0.0.1:8000{comment.get_absolute_url()}" in notice.body
        unsubscribe = notifications.unsubscribe_url(comment)
        assert unsubscribe in notice.body
        assert notice.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
        assert notice.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    def test_a_commenter_who_did_not_opt_in_gets_no_mail(self, client, moderator, send_reply,
                                                         django_capture_on_commit_callbacks):
        send_reply()
        client.force_login(moderator)
        with django_capture_on_commit_callbacks(execute=True):
            approve(client, Comment.objects.get())
        assert mail.outbox == []

    def test_an_opted_in_commenter_is_told_of_an_approved_reply(self, client, moderator, make_comment, send_reply,
                                                                django_capture_on_commit_callbacks):
        parent = make_comment("The parent.", name="Paula", email="paula@example.org", is_subscribed=True,
                              moderated_by=moderator, moderated_at=timezone.now())
        send_reply(parent=str(parent.pk), name="Rhys Replier", email="rhys@example.org", body="I disagree, Paula.")
        reply = Comment.objects.get(body="I disagree, Paula.")
        client.force_login(moderator)

        with django_capture_on_commit_callbacks(execute=True):
            approve(client, reply)

        [notice] = sent_to("paula@example.org")
        assert notice.subject == "New reply to your comment on “Council approves budget”"
        assert "Rhys Replier: I disagree, Paula." in notice.body
        assert f"http://127.0.0.1:8000{reply.get_absolute_url()}" in notice.body
        assert "rhys@example.org" not in notice.body
        assert sent_to("rhys@example.org") == []

    def test_a_reply_to_oneself_sends_no_reply_notice(self, client, moderator, make_comment, send_reply,
                                                      django_capture_on_commit_callbacks):
        parent = make_comment("The parent.", email="RITA@example.org", is_subscribed=True, moderated_by=moderator,
                              moderated_at=timezone.now())
        send_reply(parent=str(parent.pk))
        client.force_login(moderator)
        with django_capture_on_commit_callbacks(execute=True):
            approve(client, Comment.objects.get(body="I was at the meeting and agree."))
        assert mail.outbox == []

    def test_no_mail_goes_to_an_address_no_moderator_ever_approved(self, settings, client, article, send_reply,
                                                                   django_capture_on_commit_callbacks):
        # With every comment published at once, a stranger's address typed in the form is never vouched for.
        settings.COMMENTS_HOLD_ALL = False
        send_reply(body="Typed with a stranger's address.", email="stranger@example.org", is_subscribed="on")
        parent = Comment.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            send_reply(by=Client(), parent=str(parent.pk), email="someone@example.org", body="A reply.")
        assert Comment.objects.get(body="A reply.").is_approved
        assert mail.outbox == []

    def test_a_reply_to_a_comment_published_by_a_rule_tells_no_one_even_under_a_vouched_email(
        self, settings, moderator, make_comment, send_reply, django_capture_on_commit_callbacks
    ):
        # Paula's email is vouched for by an earlier comment; Mallory types it on a comment of hers and subscribes.
        make_comment("Paula's own comment.", email="paula@example.org", moderated_by=moderator,
                     moderated_at=timezone.now())
        settings.COMMENTS_HOLD_ALL = False
        send_reply(by=Client(), body="Posted under Paula's email.", email="paula@example.org", is_subscribed="on")
        parent = Comment.objects.get(body="Posted under Paula's email.")
        assert (parent.is_approved, parent.is_subscribed) == (True, True)

        with django_capture_on_commit_callbacks(execute=True):
            send_reply(by=Client(), parent=str(parent.pk), email="someone@example.org", body="A reply.")

        assert Comment.objects.get(body="A reply.").is_approved
        assert sent_to("paula@example.org") == []

    def test_a_reply_published_at_once_tells_the_vouched_parent(self, settings, moderator, make_comment, send_reply,
                                                                django_capture_on_commit_callbacks):
        settings.COMMENTS_HOLD_ALL = False
        parent = make_comment("The parent.", email="paula@example.org", is_subscribed=True, moderated_by=moderator,
                              moderated_at=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            send_reply(parent=str(parent.pk))
        assert len(sent_to("paula@example.org")) == 1


class TestUnsubscribe:
    @pytest.fixture
    def subscribed(self, make_comment):
        first = make_comment("First.", email="rita@example.org", is_subscribed=True)
        make_comment("Second.", email="RITA@example.org", is_subscribed=True)
        return first

    def test_the_link_asks_to_confirm_without_a_login_and_changes_nothing_on_get(self, client, subscribed):
        page = client.get(notifications.unsubscribe_url(subscribed))
        assertContains(page, "Stop emails about your comments?")
        assertContains(page, '<button type="submit" class="button">Unsubscribe</button>', html=True)
        assertNotContains(page, "rita@example.org")
        assert Comment.objects.filter(is_subscribed=True).count() == 2

    def test_confirming_stops_every_notice_to_the_address(self, client, subscribed, make_comment):
        other = make_comment("Someone else's.", email="other@example.org", is_subscribed=True)

        page = client.post(notifications.unsubscribe_url(subscribed))

        assertContains(page, "You are unsubscribed")
        assert list(Comment.objects.filter(is_subscribed=True)) == [other]

    def test_a_mail_clients_one_click_post_works_without_a_csrf_token(self, subscribed):
        browser = Client(enforce_csrf_checks=True)
        response = browser.post(notifications.unsubscribe_url(subscribed), "List-Unsubscribe=One-Click",
                                content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
        assert not Comment.objects.filter(is_subscribed=True).exists()

    @pytest.mark.parametrize("token", ["nonsense", "1:abc", "\x00", "a" * 5000, "eyJ9:1abc:def"])
    def test_an_altered_link_is_refused_with_a_clear_page(self, client, subscribed, token):
        url = reverse("comments:unsubscribe", kwargs={"token": "PLACEHOLDER"}).replace("PLACEHOLDER", token)
        for response in (client.get(url), client.post(url)):
            assertContains(response, "This link does not work", status_code=400)
        assert Comment.objects.filter(is_subscribed=True).count() == 2

    def test_after_unsubscribing_no_notice_is_sent(self, client, moderator, send_reply,
                                                   django_capture_on_commit_callbacks):
        send_reply(is_subscribed="on")
        comment = Comment.objects.get()
        Client().post(notifications.unsubscribe_url(comment))
        client.force_login(moderator)
        with django_capture_on_commit_callbacks(execute=True):
            approve(client, comment)
        assert mail.outbox == []


def test_the_mail_server_connection_times_out_after_ten_seconds_by_default(settings):
    assert settings.EMAIL_TIMEOUT == 10
    assert get_connection("django.core.mail.backends.smtp.EmailBackend").timeout == 10


def test_each_notice_is_handed_over_on_its_own_so_a_retry_never_sends_one_twice(
    settings, client, moderator, make_comment, send_reply, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.CountingMailBackend"
    parent = make_comment("The parent.", email="paula@example.org", is_subscribed=True, moderated_by=moderator,
                          moderated_at=timezone.now())
    send_reply(parent=str(parent.pk), is_subscribed="on", body="Tell us both.")
    client.force_login(moderator)
    CountingMailBackend.connections = 0

    with django_capture_on_commit_callbacks(execute=True):
        approve(client, Comment.objects.get(body="Tell us both."))

    assert sorted(message.to[0] for message in mail.outbox) == ["paula@example.org", "rita@example.org"]
    assert CountingMailBackend.connections == 2


@pytest.mark.parametrize("backend", ["BrokenMailBackend", "UnreachableMailBackend"])
def test_a_failing_mail_server_is_logged_and_never_loses_a_comment(settings, caplog, client, article, moderator,
                                                                   mailed_moderator, send_reply, backend,
                                                                   django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = f"{__name__}.{backend}"

    with caplog.at_level(logging.ERROR, logger="comments.tasks"):
        with django_capture_on_commit_callbacks(execute=True):
            response = send_reply(is_subscribed="on", follow=True)
        comment = Comment.objects.get()
        client.force_login(moderator)
        with django_capture_on_commit_callbacks(execute=True):
            approved = approve(client, comment)

    assertContains(response, "Your comment is awaiting moderation.")
    assertContains(approved, "1 comment approved.")
    comment.refresh_from_db()
    assert comment.is_approved
    error = "SMTPRecipientsRefused" if backend == "BrokenMailBackend" else "ConnectionRefusedError"
    assert [record.getMessage() for record in caplog.records] == [
        f"Mail “[Newsroom] 1 comment waiting for moderation” not sent, given up after 1 attempts: {error}",
        f"Mail “Your comment on “Council approves budget” is published” not sent, given up after 1 attempts: {error}",
    ]
    assert "rita@example.org" not in caplog.text
