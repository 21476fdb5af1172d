from datetime import timedelta

from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from comments import tasks
from comments.decisions import ban_commenters
from comments.models import Ban, Comment
from comments.retention import purge_client_data


def test_client_addresses_and_browsers_older_than_the_setting_are_cleared(settings, make_comment):
    settings.COMMENTS_KEEP_CLIENT_DAYS = 30
    old = make_comment("Old.", created_at=timezone.now() - timedelta(days=31))
    recent = make_comment("Recent.", created_at=timezone.now() - timedelta(days=29))

    assert purge_client_data() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (old.name, old.email, old.body) == ("Reader", "reader@example.org", "Old.")  # the comment itself stays
    assert (recent.ip_address, recent.user_agent) == ("192.0.2.7", "TestBrowser/1.0")
    assert purge_client_data() == 0  # nothing left to clear


def test_a_ban_made_from_a_comment_stays_in_force_once_its_address_is_cleared(settings, client, article, moderator,
                                                                              make_comment, reply_data):
    settings.COMMENTS_KEEP_CLIENT_DAYS = 1
    comment = make_comment("Flooding.", ip_address="2001:db8:7:7::1", created_at=timezone.now() - timedelta(days=2))
    ban_commenters(Comment.objects.filter(pk=comment.pk), kind=Ban.Kind.ADDRESS, by=moderator)

    purge_client_data()

    assert Comment.objects.get(pk=comment.pk).ip_address is None
    assert Ban.objects.get().value == "2001:db8:7:7::/64"
    url = reverse("comments:post", kwargs={"slug": article.slug})
    client.post(url, reply_data(body="Flooding again."), REMOTE_ADDR="2001:db8:7:7::99")
    assert Comment.objects.get(body="Flooding again.").status == Comment.Status.SPAM


def test_the_daily_command_clears_old_client_data_and_expired_sessions(settings, capsys, make_comment):
    settings.COMMENTS_KEEP_CLIENT_DAYS = 30
    old = make_comment("Old.", created_at=timezone.now() - timedelta(days=40))
    Session.objects.create(session_key="expired", session_data="", expire_date=timezone.now() - timedelta(days=1))
    Session.objects.create(session_key="current", session_data="", expire_date=timezone.now() + timedelta(days=1))

    call_command("purge_personal_data")

    assert "Cleared the client address and browser of 1 comment(s) older than 30 days." in capsys.readouterr().out
    old.refresh_from_db()
    assert old.ip_address is None
    assert list(Session.objects.values_list("session_key", flat=True)) == ["current"]


def test_the_task_queue_runs_the_same_job(settings, make_comment):
    settings.COMMENTS_KEEP_CLIENT_DAYS = 30
    make_comment("Old.", created_at=timezone.now() - timedelta(days=40))
    Session.objects.create(session_key="expired", session_data="", expire_date=timezone.now() - timedelta(days=1))

    result = tasks.purge_personal_data.enqueue()

    assert result.return_value == 1
    assert Comment.objects.get().user_agent == ""
    assert not Session.objects.exists()
