import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comments.models import Comment

WORKSPACE = reverse("admin:comments_comment_workspace")
JSON = {"HTTP_ACCEPT": "application/json"}


def decide_url(comment):
    return reverse("admin:comments_comment_decide", args=[comment.pk])


def reply_url(comment):
    return reverse("admin:comments_comment_reply", args=[comment.pk])


@pytest.fixture
def desk(client, moderator):
    client.force_login(moderator)
    return client


def test_the_workspace_shows_each_pending_comment_as_a_card_with_what_a_moderator_needs(
    desk, make_comment, send_report
):
    waiting = make_comment("A long comment " + "with many words " * 20 + "and its ending.",
                           status=Comment.Status.PENDING, reason="held: 3 links (limit 2)")
    make_comment("Already approved.")

    response = desk.get(WORKSPACE)

    assert response.status_code == 200
    assertContains(response, "Moderation workspace")
    assertContains(response, "and its ending.")  # the full text, not an excerpt
    assertContains(response, waiting.article.headline)
    assertContains(response, "held: 3 links (limit 2)")
    assertContains(response, 'data-pending-count>1<', count=2)
    assertNotContains(response, "Already approved.")
    assertContains(response, f'action="{decide_url(waiting)}"')
    assertContains(response, 'src="/static/js/workspace.js"')
    assert "<script>" not in response.text  # no inline script: the page's code is a static file


def test_cards_show_the_commenter_history_with_pending_comments_only_with_the_private_data_permission(
    client, moderator, make_comment
):
    for body in ("One.", "Two.", "Three."):
        make_comment(body, status=Comment.Status.PENDING, email="rita@example.org")
    make_comment("Earlier.", email="RITA@example.org")
    client.force_login(moderator)

    assertContains(client.get(WORKSPACE), "3 pending · 1 approved · 0 rejected · 0 spam")


def test_a_moderator_without_the_private_data_permission_sees_no_email_or_history(client, make_user, make_comment):
    from django.contrib.auth.models import Permission

    user = make_user("plain-moderator")
    user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="comments", codename__in=["view_comment", "change_comment", "moderate_comment"]))
    make_comment("Waiting.", status=Comment.Status.PENDING, email="secret@example.org")
    client.force_login(user)

    response = client.get(WORKSPACE)

    assert response.status_code == 200
    assertNotContains(response, "secret@example.org")
    assertNotContains(response, "pending · ")


@pytest.mark.parametrize("decision, status", [("approve", "approved"), ("spam", "spam"), ("reject", "rejected")])
def test_a_decision_answers_json_with_the_new_pending_count_and_what_undo_needs(
    desk, moderator, make_comment, decision, status
):
    comment = make_comment("Decide me.", status=Comment.Status.PENDING)
    make_comment("Another.", status=Comment.Status.PENDING)

    response = desk.post(decide_url(comment), {"decision": decision, "reason": "abusive"}, **JSON)

    assert response.status_code == 200
    answer = response.json()
    assert answer["ok"] and answer["status"] == status and answer["pending_count"] == "1"
    assert answer["undo"] == {"previous": "pending", "was_pick": False}
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == (status, moderator)
    assert comment.rejection_reason == ("abusive" if decision == "reject" else "")
    assert LogEntry.objects.get(object_id=str(comment.pk), user=moderator).change_message.startswith("Status:")


def test_undo_goes_back_to_the_previous_status_through_decide(desk, moderator, make_comment):
    comment = make_comment("Oops.", status=Comment.Status.PENDING)
    desk.post(decide_url(comment), {"decision": "spam"}, **JSON)

    answer = desk.post(decide_url(comment), {"decision": "undo", "previous": "pending", "was_pick": "0"},
                       **JSON).json()

    comment.refresh_from_db()
    assert answer["ok"] and comment.status == Comment.Status.PENDING and answer["pending_count"] == "1"
    assert LogEntry.objects.filter(object_id=str(comment.pk)).count() == 2  # each step is in the history


def test_pick_approves_and_picks_and_undo_takes_both_back(desk, make_comment):
    comment = make_comment("Insightful.", status=Comment.Status.PENDING)

    answer = desk.post(decide_url(comment), {"decision": "pick"}, **JSON).json()
    comment.refresh_from_db()
    assert comment.is_approved and comment.is_pick

    desk.post(decide_url(comment), {"decision": "undo", **answer["undo"], "was_pick": "0"}, **JSON)
    comment.refresh_from_db()
    assert comment.is_pending and not comment.is_pick


def test_without_javascript_a_decision_redirects_back_with_a_message_and_an_undo_form(desk, make_comment):
    comment = make_comment("Plain form.", status=Comment.Status.PENDING)

    response = desk.post(decide_url(comment), {"decision": "approve", "next": WORKSPACE})

    assertRedirects(response, f"{WORKSPACE}?undo={comment.pk}&previous=pending&was_pick=0",
                    fetch_redirect_response=False)
    page = desk.get(response.url)
    assertContains(page, "Approved.")
    assertContains(page, 'name="decision" value="undo"')


def test_next_may_not_send_the_moderator_to_another_site(desk, make_comment):
    comment = make_comment("Plain form.", status=Comment.Status.PENDING)
    response = desk.post(decide_url(comment), {"decision": "approve", "next": "https://evil.example/"})
    assert response.url.startswith(WORKSPACE)


def test_a_refused_approval_answers_409_with_the_reason(desk, make_comment):
    parent = make_comment("Held parent.", status=Comment.Status.PENDING)
    reply = make_comment("Reply.", status=Comment.Status.PENDING, parent=parent)

    response = desk.post(decide_url(reply), {"decision": "approve"}, **JSON)

    assert response.status_code == 409
    assert "approve that one first" in response.json()["message"]
    reply.refresh_from_db()
    assert reply.is_pending


def test_an_unknown_decision_changes_nothing(desk, make_comment):
    comment = make_comment("Odd.", status=Comment.Status.PENDING)
    assert desk.post(decide_url(comment), {"decision": "delete"}, **JSON).status_code == 409
    assert desk.post(decide_url(comment), {"decision": "undo", "previous": "gone"}, **JSON).status_code == 409
    comment.refresh_from_db()
    assert comment.is_pending


def test_the_endpoints_refuse_get(desk, make_comment):
    comment = make_comment("Odd.", status=Comment.Status.PENDING)
    assert desk.get(decide_url(comment)).status_code == 405
    assert desk.get(reply_url(comment)).status_code == 405


def test_a_journalist_gets_403_on_the_workspace_and_its_endpoints(client, journalist, make_comment):
    comment = make_comment("Private.", status=Comment.Status.PENDING)
    client.force_login(journalist)

    assert client.get(WORKSPACE).status_code == 403
    assert client.post(decide_url(comment), {"decision": "approve"}, **JSON).status_code == 403
    assert client.post(reply_url(comment), {"body": "Hello."}, **JSON).status_code == 403
    comment.refresh_from_db()
    assert comment.is_pending and not comment.replies.exists()


def test_staff_who_may_view_but_not_moderate_get_403(client, comment_viewer, make_comment):
    comment = make_comment("Private.", status=Comment.Status.PENDING)
    client.force_login(comment_viewer)
    assert client.get(WORKSPACE).status_code == 403
    assert client.post(decide_url(comment), {"decision": "spam"}, **JSON).status_code == 403


def test_the_endpoints_need_the_csrf_token(moderator, make_comment):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(moderator)
    comment = make_comment("Private.", status=Comment.Status.PENDING)
    assert browser.post(decide_url(comment), {"decision": "approve"}, **JSON).status_code == 403
    comment.refresh_from_db()
    assert comment.is_pending


def test_the_admin_header_links_the_workspace_with_the_count(desk, make_comment):
    make_comment("Waiting.", status=Comment.Status.PENDING)
    response = desk.get(reverse("admin:index"))
    assertContains(response, f'href="{WORKSPACE}" class="moderation-queue-link"')
    assertContains(response, "Moderation queue (<span data-pending-count>1</span>)", html=False)


@pytest.mark.parametrize("query", ["undo=abc&previous=pending", "undo=99999999999999999999999&previous=pending",
                                   "undo=1&previous=gone", "undo=424242&previous=pending"])
def test_an_odd_undo_offer_in_the_address_is_ignored(desk, query):
    response = desk.get(f"{WORKSPACE}?{query}")
    assert response.status_code == 200
    assertNotContains(response, 'value="undo"')


def test_a_pick_refused_half_way_changes_nothing(desk, make_comment):
    parent = make_comment("Held parent.", status=Comment.Status.PENDING)
    reply = make_comment("Reply.", status=Comment.Status.PENDING, parent=parent)

    assert desk.post(decide_url(reply), {"decision": "pick"}, **JSON).status_code == 409

    reply.refresh_from_db()
    assert reply.is_pending and not reply.is_pick
    assert not LogEntry.objects.filter(object_id=str(reply.pk)).exists()


def test_the_workspace_counts_what_is_waiting_no_further_than_the_cap(desk, make_comment):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from newsroom import admin as newsroom_admin

    comment = make_comment("Decide me.", status=Comment.Status.PENDING)
    with CaptureQueriesContext(connection) as queries:
        assert desk.get(reverse("admin:comments_comment_workspace")).status_code == 200
        desk.post(decide_url(comment), {"decision": "approve"}, **JSON)
    counts = [query["sql"] for query in queries
              if "COUNT(" in query["sql"].upper() and "comments_comment" in query["sql"]
              and "GROUP BY" not in query["sql"].upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts)
    assert newsroom_admin.count_label(10_001) == "10,000+" and newsroom_admin.count_label(1234) == "1,234"
