import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles import pagecache
from comments import decisions, threads
from comments.models import Comment

JSON = {"HTTP_ACCEPT": "application/json"}


def reply_url(comment):
    return reverse("admin:comments_comment_reply", args=[comment.pk])


def test_a_staff_reply_is_published_at_once_under_the_username_linked_to_the_account(
    client, moderator, make_comment, mailoutbox
):
    comment = make_comment("Is the ferry running on Sunday?", is_subscribed=True, moderated_at=None)
    client.force_login(moderator)

    answer = client.post(reply_url(comment), {"body": "Yes, on the winter timetable."}, **JSON).json()

    reply = Comment.objects.get(parent=comment)
    assert answer["ok"] and answer["reply_url"] == reply.get_absolute_url()
    assert (reply.status, reply.user, reply.name, reply.moderated_by) == ("approved", moderator, "moderator",
                                                                         moderator)
    assert reply.email == f"staff-{moderator.pk}@staff.invalid"  # the account has none: a placeholder
    assert LogEntry.objects.get(object_id=str(reply.pk)).change_message == "Published a staff reply."


def test_a_staff_reply_uses_the_author_name_and_email_and_says_author_on_the_own_article(
    client, journalist, make_article, make_comment
):
    own = make_article("Harbour works", author=journalist.author)
    comment = make_comment("When do the works end?", article=own)

    reply = decisions.staff_reply(comment, body="In March.", by=journalist)

    assert (reply.name, reply.email) == ("Jo Journalist", "journalist@staff.invalid")
    assert threads.staff_badge(reply, own) == "Author" and threads.staff_badge(comment, own) == ""
    page = client.get(own.get_absolute_url())
    assertContains(page, '<span class="comment__badge comment__badge--author">Author</span>', html=True)
    assertNotContains(page, "journalist@staff.invalid")


def test_the_public_page_shows_a_staff_badge_and_never_the_staff_email(client, editor, article, make_comment,
                                                                      uncached):
    editor.email = "editor@staff.invalid"
    editor.save()
    comment = make_comment("A question.")
    decisions.staff_reply(comment, body="An answer from the desk.", by=editor)

    page = client.get(article.get_absolute_url())

    assertContains(page, "An answer from the desk.")
    assertContains(page, '<span class="comment__badge comment__badge--staff">Staff</span>', html=True)
    assertNotContains(page, "editor@staff.invalid")
    assert page.text.count("class=\"comment__badge ") == 1  # readers' comments carry none


def test_replying_to_a_waiting_comment_approves_it_first_and_starts_a_page_generation(moderator, make_comment):
    comment = make_comment("Waiting.", status=Comment.Status.PENDING)
    before = pagecache.current_generation()

    reply = decisions.staff_reply(comment, body="Thanks.", by=moderator)

    comment.refresh_from_db()
    assert comment.is_approved and reply.is_approved
    assert Comment.objects.shown().filter(pk=reply.pk).exists()
    assert pagecache.current_generation() != before


def test_a_staff_reply_is_never_rate_limited_or_held(client, moderator, make_comment, settings, make_word_rule):
    settings.COMMENTS_RATE_LIMIT = 1
    make_word_rule("ferry")  # would hold a reader's comment
    comment = make_comment("A question.")
    client.force_login(moderator)

    for number in range(3):
        answer = client.post(reply_url(comment), {"body": f"Ferry answer {number}."}, **JSON).json()
        assert answer["ok"]

    assert comment.replies.approved().count() == 3


def test_a_staff_reply_to_the_deepest_level_joins_the_thread(moderator, make_comment, settings):
    settings.COMMENTS_MAX_DEPTH = 2
    top = make_comment("Top.")
    deepest = make_comment("Reply.", parent=top)

    reply = decisions.staff_reply(deepest, body="Staff.", by=moderator)

    assert (reply.parent, reply.depth) == (top, 1)


def test_an_empty_reply_is_refused(client, moderator, make_comment):
    comment = make_comment("A question.")
    client.force_login(moderator)
    response = client.post(reply_url(comment), {"body": "  "}, **JSON)
    assert response.status_code == 409 and not comment.replies.exists()


def test_a_staff_reply_tells_the_commenter_who_asked(moderator, make_comment, mailoutbox,
                                                     django_capture_on_commit_callbacks):
    comment = make_comment("A question.", is_subscribed=True, email="asker@example.org")
    Comment.objects.filter(pk=comment.pk).update(moderated_at=comment.created_at, moderated_by=moderator)
    comment.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        decisions.staff_reply(comment, body="An answer.", by=moderator)

    assert [message.to for message in mailoutbox] == [["asker@example.org"]]


def test_a_moderator_replies_from_the_comment_change_page(client, moderator, make_comment):
    comment = make_comment("Waiting.", status=Comment.Status.PENDING)
    client.force_login(moderator)
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    assertContains(client.get(url), "Publish a staff reply")

    client.post(url, {"status": "pending", "rejection_reason": "", "reply": "Thanks for writing."}, follow=True)

    reply = comment.replies.get()
    assert reply.body == "Thanks for writing." and reply.user == moderator
    comment.refresh_from_db()
    assert comment.is_approved


@pytest.mark.parametrize("status, replied", [("approved", True), ("rejected", False)])
def test_a_decision_on_the_change_page_comes_before_the_reply(client, moderator, make_comment, status, replied):
    comment = make_comment("Waiting.", status=Comment.Status.PENDING)
    client.force_login(moderator)
    url = reverse("admin:comments_comment_change", args=[comment.pk])

    response = client.post(url, {"status": status, "rejection_reason": "", "reply": "Noted."}, follow=True)

    comment.refresh_from_db()
    assert comment.status == status
    assert comment.replies.exists() == replied
    if not replied:
        assertContains(response, "approve it before replying")


def test_staff_without_the_moderate_permission_see_no_reply_field(client, comment_viewer, make_comment):
    comment = make_comment("A question.")
    client.force_login(comment_viewer)
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    assertNotContains(client.get(url), "Publish a staff reply")
    client.post(url, {"reply": "Sneaky."})
    assert not comment.replies.exists()
