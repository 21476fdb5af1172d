import re

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from comments.decisions import decide
from comments.models import Comment, Report

Status = Comment.Status


def report_url(comment):
    return reverse("comments:report", kwargs={"pk": comment.pk})


def test_approved_comments_have_a_report_link_and_pending_ones_do_not(client, article, make_comment, send_reply):
    approved = make_comment("Approved.")
    send_reply(body="My own pending comment.")
    pending = Comment.objects.get(body="My own pending comment.")

    page = client.get(article.get_absolute_url())

    assertContains(page, f'href="{report_url(approved)}"')
    assertNotContains(page, f'href="{report_url(pending)}"')


def test_the_report_form_quotes_the_comment_and_asks_what_is_wrong(client, make_comment):
    comment = make_comment("Something questionable.", name="Quentin")

    page = client.get(report_url(comment))

    assertContains(page, "Report a comment")
    assertContains(page, "Quentin wrote")
    assertContains(page, "Something questionable.")
    for label in ("Off-topic", "Abusive or hateful", "Shares personal data"):
        assertContains(page, label)
    assertContains(page, 'name="csrfmiddlewaretoken"')
    assertContains(page, '<meta name="robots" content="noindex">')


def test_a_report_is_stored_and_the_reader_is_thanked(make_comment, send_report):
    comment = make_comment()

    response = send_report(comment, concern="personal_data", detail="It names my neighbour.", follow=True)

    report = Report.objects.get()
    assert (report.comment, report.concern, report.detail) == (comment, "personal_data", "It names my neighbour.")
    assertContains(response, "Thank you for your report.")


def test_who_reported_is_stored_only_as_keyed_hashes(make_comment, send_report):
    comment = make_comment()
    browser = Client()
    send_report(comment, by=browser, address="203.0.113.99")

    report = Report.objects.get()
    stored = " ".join([report.session_key, report.address_key])
    assert "203.0.113.99" not in stored
    assert browser.session.session_key not in stored
    assert re.fullmatch(r"[0-9a-f]{64} [0-9a-f]{64}", stored)


def test_a_reader_reports_a_comment_only_once(make_comment, send_report):
    comment = make_comment()
    browser = Client()

    send_report(comment, by=browser)
    again = send_report(comment, by=browser, address="198.51.100.1", follow=True)  # another network, same browser
    from_a_fresh_browser = send_report(comment, follow=True)  # same address, new browser

    assert Report.objects.count() == 1
    assertContains(again, "You have already reported this comment.")
    assertContains(from_a_fresh_browser, "You have already reported this comment.")
    assertContains(browser.get(report_url(comment)), "You have already reported this comment.")


def test_reports_from_enough_different_readers_send_the_comment_back_to_the_queue(settings, client, article,
                                                                                 make_comment, send_report):
    settings.COMMENTS_REPORT_THRESHOLD = 3
    comment = make_comment("Reported by many.")

    for n in range(2):
        send_report(comment, address=f"203.0.113.{n}")
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED

    response = send_report(comment, address="203.0.113.2", follow=True)

    comment.refresh_from_db()
    assert (comment.status, comment.reason, comment.reason_kind) == (
        Status.PENDING, "held: reported by 3 readers", Comment.ReasonKind.REPORTED)
    assert response.redirect_chain[-1][0] == f"{article.get_absolute_url()}#comments"
    assertNotContains(Client().get(article.get_absolute_url()), "Reported by many.")


def test_only_reports_since_the_last_approval_count(settings, make_comment, send_report, moderator):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    comment = make_comment()
    send_report(comment, address="203.0.113.1")
    send_report(comment, address="203.0.113.2")
    # A moderator looked and kept it.
    decide(Comment.objects.filter(pk=comment.pk), status=Comment.Status.APPROVED, by=moderator)

    send_report(comment, address="203.0.113.3")
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    send_report(comment, address="203.0.113.4")
    comment.refresh_from_db()
    assert (comment.status, comment.reason) == (Status.PENDING, "held: reported by 2 readers")


def test_a_moderator_sees_the_reports_on_the_comment_and_in_the_queue(settings, client, moderator, make_comment,
                                                                     send_report):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    comment = make_comment("Reported twice.")
    send_report(comment, address="203.0.113.1", concern="off_topic", detail="Nothing to do with the budget.")
    send_report(comment, address="203.0.113.2", concern="abusive")
    client.force_login(moderator)

    queue = client.get(reverse("admin:comments_comment_changelist") + "?reported=yes")
    page = client.get(reverse("admin:comments_comment_change", args=[comment.pk]))

    assertContains(queue, "Reported twice.")
    assertContains(queue, "held: reported by 2 readers")
    assertContains(page, "Off-topic: “Nothing to do with the budget.”")
    assertContains(page, "Abusive or hateful")


def test_reports_are_rate_limited_per_client_address(settings, make_comment, make_article, send_report):
    settings.COMMENTS_RATE_LIMIT = 2
    comments = [make_comment(f"Comment {n}.") for n in range(3)]
    statuses = [send_report(comment, address="203.0.113.50").status_code for comment in comments]
    assert statuses == [302, 302, 429]
    assert Report.objects.count() == 2


def test_the_rate_limited_page_speaks_of_reports(settings, make_comment, send_report):
    settings.COMMENTS_RATE_LIMIT = 0
    assertContains(send_report(make_comment()), "You have sent several reports", status_code=429)


def test_a_report_without_the_csrf_token_is_refused(make_comment):
    comment = make_comment()
    response = Client(enforce_csrf_checks=True).post(report_url(comment), {"concern": "abusive"})
    assert response.status_code == 403
    assert Report.objects.count() == 0


def test_the_report_form_on_its_page_posts_with_its_own_csrf_token(make_comment):
    comment = make_comment()
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(report_url(comment)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(report_url(comment), {"csrfmiddlewaretoken": token, "concern": "spam"}).status_code == 302
    assert Report.objects.get().concern == "spam"


def test_a_report_without_a_reason_is_refused_keeping_what_was_typed(make_comment, send_report):
    response = send_report(make_comment(), concern="", detail="Please look at this one.")
    assertContains(response, "Please choose what is wrong with this comment.", status_code=400)
    assertContains(response, "Please look at this one.", status_code=400)
    assert Report.objects.count() == 0


@pytest.mark.parametrize("fields", [
    pytest.param({"concern": "nonsense"}, id="unknown reason"),
    pytest.param({"concern": ["abusive", "spam"]}, id="two reasons"),
    pytest.param({"detail": "x" * 100_000}, id="100k detail"),
    pytest.param({"detail": "Null\x00byte"}, id="null byte"),
    pytest.param({"concern": "abusive\x00"}, id="null byte in reason"),
    pytest.param({"detail": "\u202eevil\u202c"}, id="bidi"),
])
def test_odd_report_input_never_causes_a_server_error(make_comment, send_report, fields):
    response = send_report(make_comment(), **fields)
    assert response.status_code in (302, 400)
    for report in Report.objects.all():
        assert "\x00" not in report.detail


@pytest.mark.parametrize("status", [Status.PENDING, Status.REJECTED, Status.SPAM])
def test_only_approved_comments_can_be_reported(client, make_comment, send_report, status):
    comment = make_comment(status=status)
    assert client.get(report_url(comment)).status_code == 404
    assert send_report(comment).status_code == 404


@pytest.mark.parametrize("path", ["/comments/424242/report/", "/comments/99999999999999999999999/report/"])
def test_reporting_a_missing_comment_is_not_found(client, db, path):
    assert client.get(path).status_code == 404


def test_a_comment_taken_down_with_its_thread_cannot_be_reported(client, moderator, make_comment, send_report):
    root = make_comment("Root, rejected later.")
    reply = make_comment("An approved reply, hidden with its thread.", parent=root)
    decide(Comment.objects.filter(pk=root.pk), status=Comment.Status.REJECTED, by=moderator)

    assert client.get(report_url(reply)).status_code == 404
    assert send_report(reply).status_code == 404
    assert Report.objects.count() == 0


def test_readers_on_one_ipv6_network_count_as_one_reader(settings, make_comment, send_report):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    comment = make_comment("Reported from one network.")

    send_report(comment, address="2001:db8:1:2::1")
    again = send_report(comment, address="2001:db8:1:2:ffff::9", follow=True)  # a fresh browser, same /64

    assertContains(again, "You have already reported this comment.")
    assert Report.objects.count() == 1
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    send_report(comment, address="2001:db8:1:3::1")  # another network
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_reports_are_rate_limited_per_ipv6_network(settings, make_comment, send_report):
    settings.COMMENTS_RATE_LIMIT = 2
    addresses = ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2::3", "2001:db8:1:3::1"]
    statuses = [send_report(make_comment(f"Comment {n}."), address=address).status_code
                for n, address in enumerate(addresses)]
    assert statuses == [302, 302, 429, 302]
