from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment

CHANGELIST = reverse("admin:comments_comment_changelist")
PENDING_QUEUE = f"{CHANGELIST}?status=pending"
DECISIONS = [
    ("approve", Comment.Status.APPROVED, "1 comment approved.", "Status: Pending → Approved."),
    ("reject", Comment.Status.REJECTED, "1 comment rejected.", "Status: Pending → Rejected."),
    ("mark_spam", Comment.Status.SPAM, "1 comment marked as spam.", "Status: Pending → Spam."),
]


def run_action(client, action, *comments):
    return client.post(PENDING_QUEUE, {"action": action, "_selected_action": [c.pk for c in comments]}, follow=True)


def test_the_queue_opens_on_pending_comments_for_a_moderator(client, moderator, make_comment):
    make_comment("Waiting here.", status=Comment.Status.PENDING)
    make_comment("Decided already.", status=Comment.Status.APPROVED)
    client.force_login(moderator)
    response = client.get(CHANGELIST)
    assertContains(response, "Waiting here.")
    assertNotContains(response, "Decided already.")
    assertContains(response, '<li class="selected">\n    <a href="?status=pending"', html=False)


def test_the_queue_lists_pending_comments_oldest_first(client, moderator, make_comment):
    now = timezone.now()
    newer = make_comment("Newer pending.", status=Comment.Status.PENDING, created_at=now - timedelta(minutes=5))
    oldest = make_comment("Oldest pending.", status=Comment.Status.PENDING, created_at=now - timedelta(days=2))
    middle = make_comment("Middle pending.", status=Comment.Status.PENDING, created_at=now - timedelta(hours=3))
    make_comment("Already approved.", created_at=now - timedelta(days=3))
    client.force_login(moderator)

    response = client.get(CHANGELIST, follow=True)

    html = response.content.decode()
    assert html.index(oldest.body) < html.index(middle.body) < html.index(newer.body)
    assertNotContains(response, "Already approved.")
    assertContains(response, "2\xa0days")  # how long the oldest has waited


def test_the_all_filter_lists_every_status(client, moderator, make_comment):
    for status in Comment.Status:
        make_comment(f"A {status.label.lower()} comment.", status=status)
    client.force_login(moderator)

    response = client.get(f"{CHANGELIST}?status=all")

    assert response.status_code == 200
    for status in Comment.Status:
        assertContains(response, f"A {status.label.lower()} comment.")


def test_the_queue_can_be_filtered_by_article_and_searched(client, moderator, make_article, make_comment):
    other = make_article("Other story")
    make_comment("About the budget.", status=Comment.Status.PENDING)
    make_comment("About the other story.", status=Comment.Status.PENDING, article=other)
    client.force_login(moderator)

    by_article = client.get(f"{PENDING_QUEUE}&article__id__exact={other.pk}")
    searched = client.get(f"{PENDING_QUEUE}&q=budget")

    assertContains(by_article, "About the other story.")
    assertNotContains(by_article, "About the budget.")
    assertContains(searched, "About the budget.")
    assertNotContains(searched, "About the other story.")


@pytest.mark.parametrize("action, status, message, history", DECISIONS)
def test_each_bulk_action_changes_the_status_and_records_it_in_the_history(
    admin_client, admin_user, pending_comment, action, status, message, history
):
    response = run_action(admin_client, action, pending_comment)

    assertContains(response, message)
    pending_comment.refresh_from_db()
    assert pending_comment.status == status
    assert pending_comment.moderated_by == admin_user
    entry = LogEntry.objects.get(object_id=str(pending_comment.pk))
    assert (entry.user, entry.get_change_message()) == (admin_user, history)
    history_page = admin_client.get(reverse("admin:comments_comment_history", args=[pending_comment.pk]))
    assertContains(history_page, history)
    assertContains(history_page, admin_user.username)


@pytest.mark.parametrize("staff", ["moderator", "editor"])
@pytest.mark.parametrize("action, status, message, history", DECISIONS)
def test_moderators_and_editors_can_run_each_bulk_action(
    request, client, pending_comment, staff, action, status, message, history
):
    user = request.getfixturevalue(staff)
    client.force_login(user)

    assertContains(run_action(client, action, pending_comment), message)

    pending_comment.refresh_from_db()
    assert (pending_comment.status, pending_comment.moderated_by) == (status, user)


def test_approving_a_reply_whose_parent_is_not_approved_is_refused_with_a_message(
    admin_client, make_comment
):
    parent = make_comment("The parent.", status=Comment.Status.PENDING)
    reply = make_comment("The reply.", status=Comment.Status.PENDING, parent=parent)

    response = run_action(admin_client, "approve", reply)

    assertContains(response, "0 comments approved.")
    assertContains(response, "1 reply was not approved because the comment it answers is not approved.")
    reply.refresh_from_db()
    assert reply.status == Comment.Status.PENDING
    assert not LogEntry.objects.filter(object_id=str(reply.pk)).exists()


def test_approving_a_parent_and_its_reply_together_approves_both(admin_client, make_comment):
    parent = make_comment("The parent.", status=Comment.Status.PENDING)
    reply = make_comment("The reply.", status=Comment.Status.PENDING, parent=parent)

    response = run_action(admin_client, "approve", reply, parent)

    assertContains(response, "2 comments approved.")
    assertNotContains(response, "was not approved")
    assert set(Comment.objects.approved()) == {parent, reply}
    assert LogEntry.objects.filter(object_id__in=[str(parent.pk), str(reply.pk)]).count() == 2


def test_a_moderator_can_delete_selected_comments(client, moderator, make_comment):
    spam = make_comment("Buy pills.", status=Comment.Status.SPAM)
    client.force_login(moderator)

    client.post(f"{CHANGELIST}?status=spam", {"action": "delete_selected", "_selected_action": [spam.pk],
                                               "post": "yes"})

    assert not Comment.objects.filter(pk=spam.pk).exists()


def test_a_moderator_decides_on_the_change_page_and_the_decision_is_recorded(client, moderator, pending_comment):
    client.force_login(moderator)
    url = reverse("admin:comments_comment_change", args=[pending_comment.pk])

    response = client.post(url, {"status": Comment.Status.APPROVED}, follow=True)

    assert response.status_code == 200
    pending_comment.refresh_from_db()
    assert (pending_comment.status, pending_comment.moderated_by) == (Comment.Status.APPROVED, moderator)
    entries = LogEntry.objects.filter(object_id=str(pending_comment.pk))
    assert [entry.get_change_message() for entry in entries] == ["Status: Pending → Approved."]
    history = client.get(reverse("admin:comments_comment_history", args=[pending_comment.pk]))
    assertContains(history, "Status: Pending → Approved.")


def test_approving_on_the_change_page_a_reply_whose_parent_is_not_approved_is_refused(
    client, moderator, make_comment
):
    parent = make_comment("The parent.", status=Comment.Status.PENDING)
    reply = make_comment("The reply.", status=Comment.Status.PENDING, parent=parent)
    client.force_login(moderator)

    response = client.post(reverse("admin:comments_comment_change", args=[reply.pk]),
                           {"status": Comment.Status.APPROVED}, follow=True)

    assertContains(response, "This reply was not approved because the comment it answers is not approved.")
    reply.refresh_from_db()
    assert reply.status == Comment.Status.PENDING
    assert not LogEntry.objects.filter(object_id=str(reply.pk)).exists()  # a refusal changes nothing


@pytest.mark.parametrize("staff", ["moderator", "editor"])
def test_the_admin_header_shows_the_moderation_queue_count_to_moderators(request, client, make_comment, staff):
    for n in range(3):
        make_comment(f"Waiting {n}.", status=Comment.Status.PENDING)
    make_comment("Approved.")
    client.force_login(request.getfixturevalue(staff))

    response = client.get(reverse("admin:index"))

    assertContains(response, f'href="{reverse("admin:comments_comment_workspace")}" class="moderation-queue-link"')
    assertContains(response, "Moderation queue (<span data-pending-count>3</span>)")


@pytest.mark.parametrize("staff", ["journalist", "comment_viewer"])
def test_staff_who_do_not_moderate_see_no_queue_count(request, client, pending_comment, staff):
    client.force_login(request.getfixturevalue(staff))
    assertNotContains(client.get(reverse("admin:index")), "Moderation queue")


def test_a_journalist_cannot_open_the_comments(client, journalist, pending_comment):
    client.force_login(journalist)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(PENDING_QUEUE).status_code == 403
    assert client.get(reverse("admin:comments_comment_change", args=[pending_comment.pk])).status_code == 403


def test_a_journalist_cannot_moderate(client, journalist, pending_comment):
    client.force_login(journalist)
    assert run_action(client, "approve", pending_comment).status_code == 403
    pending_comment.refresh_from_db()
    assert pending_comment.status == Comment.Status.PENDING


def test_staff_without_the_moderate_permission_can_neither_run_actions_nor_change_the_status(
    client, comment_viewer, pending_comment
):
    client.force_login(comment_viewer)

    queue = client.get(PENDING_QUEUE)
    run_action(client, "approve", pending_comment)
    client.post(reverse("admin:comments_comment_change", args=[pending_comment.pk]), {"status": "approved"})

    assertNotContains(queue, "Approve selected comments")
    pending_comment.refresh_from_db()
    assert pending_comment.status == Comment.Status.PENDING
    assert pending_comment.moderated_by is None


def test_replies_cannot_be_added_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:comments_comment_add")).status_code == 403


def test_setting_pending_on_the_change_page_puts_the_comment_back_in_the_queue(admin_client, admin_user,
                                                                              make_comment):
    comment = make_comment("Published too soon.")

    response = admin_client.post(reverse("admin:comments_comment_change", args=[comment.pk]),
                                 {"status": Comment.Status.PENDING}, follow=True)

    assert response.status_code == 200
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == (Comment.Status.PENDING, admin_user)
    assert (comment.reason, comment.reason_kind) == ("held: put back in the queue by a moderator",
                                                     Comment.ReasonKind.MODERATOR)
    entries = [entry.get_change_message() for entry in LogEntry.objects.filter(object_id=str(comment.pk))]
    assert entries == ["Status: Approved → Pending."]
    assertContains(admin_client.get(PENDING_QUEUE), "Published too soon.")


@pytest.mark.parametrize("action", ["approve", "reject", "mark_spam", "delete_selected"])
def test_an_action_posted_with_odd_ids_answers_with_a_message(client, moderator, pending_comment, action):
    client.force_login(moderator)
    for odd in ["abc", "1\x00", "99999999999999999999999"]:
        response = client.post(f"{CHANGELIST}?status=pending", {"action": action, "_selected_action": [odd]},
                               follow=True)
        assert response.status_code == 200, odd
        assert "The selection was not understood" in response.text
    pending_comment.refresh_from_db()
    assert pending_comment.is_pending
