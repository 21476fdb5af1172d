import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from comments.decisions import decide
from comments.models import Comment

Status = Comment.Status
DECISIONS = [Status.APPROVED, Status.REJECTED, Status.SPAM]


@pytest.mark.parametrize("status", DECISIONS)
def test_each_decision_records_the_status_the_moderator_and_the_time(pending_comment, moderator, status):
    count = len(decide(Comment.objects.filter(pk=pending_comment.pk), status=status, by=moderator))

    pending_comment.refresh_from_db()
    assert count == 1
    assert pending_comment.status == status
    assert pending_comment.moderated_by == moderator
    assert timezone.now() - pending_comment.moderated_at < timedelta(seconds=5)


@pytest.mark.parametrize("status", DECISIONS)
def test_a_decision_already_taken_is_not_recorded_again(make_comment, moderator, editor, status):
    earlier = timezone.now() - timedelta(days=2)
    comment = make_comment(status=status, moderated_by=editor, moderated_at=earlier)

    count = len(decide(Comment.objects.filter(pk=comment.pk), status=status, by=moderator))

    comment.refresh_from_db()
    assert count == 0
    assert (comment.moderated_by, comment.moderated_at) == (editor, earlier)


@pytest.mark.parametrize("status", [Status.REJECTED, Status.SPAM])
def test_an_approved_comment_can_still_be_taken_down(make_comment, moderator, status):
    comment = make_comment(status=Status.APPROVED)
    decide(Comment.objects.filter(pk=comment.pk), status=status, by=moderator)
    comment.refresh_from_db()
    assert comment.status == status
    assert list(Comment.objects.approved()) == []


@pytest.mark.parametrize("parent_status", [Status.PENDING, Status.REJECTED, Status.SPAM])
def test_approving_a_reply_whose_parent_is_not_approved_is_refused(make_comment, moderator, parent_status):
    parent = make_comment("The parent.", status=parent_status)
    reply = make_comment("The reply.", status=Status.PENDING, parent=parent)

    count = len(decide(Comment.objects.filter(pk=reply.pk), status=Comment.Status.APPROVED, by=moderator))

    reply.refresh_from_db()
    assert count == 0
    assert reply.status == Status.PENDING
    assert reply.moderated_by is None


def test_approving_a_parent_and_its_replies_together_approves_them_all(make_comment, moderator):
    parent = make_comment("The parent.", status=Status.PENDING)
    reply = make_comment("The reply.", status=Status.PENDING, parent=parent)
    reply_to_reply = make_comment("The reply to the reply.", status=Status.PENDING, parent=reply)

    chosen = Comment.objects.filter(pk__in=[reply_to_reply.pk, reply.pk, parent.pk])
    count = len(decide(chosen, status=Comment.Status.APPROVED, by=moderator))

    assert count == 3
    assert set(Comment.objects.approved()) == {parent, reply, reply_to_reply}


def test_approving_a_mixed_selection_approves_only_the_replies_with_an_approved_parent(make_comment, moderator):
    approved_parent = make_comment("Approved parent.")
    pending_parent = make_comment("Pending parent.", status=Status.PENDING)
    answerable = make_comment("Answers the approved one.", status=Status.PENDING, parent=approved_parent)
    orphaned = make_comment("Answers the pending one.", status=Status.PENDING, parent=pending_parent)

    decide(Comment.objects.filter(pk__in=[answerable.pk, orphaned.pk]), status=Comment.Status.APPROVED, by=moderator)

    assert set(Comment.objects.approved()) == {approved_parent, answerable}
    assert set(Comment.objects.pending()) == {pending_parent, orphaned}


def test_approved_and_pending_name_what_readers_and_moderators_see(make_comment):
    approved = make_comment("Approved.")
    pending = make_comment("Pending.", status=Status.PENDING)
    make_comment("Spam.", status=Status.SPAM)
    make_comment("Rejected.", status=Status.REJECTED)

    assert list(Comment.objects.approved()) == [approved]
    assert list(Comment.objects.pending()) == [pending]


def test_visible_to_adds_only_the_pending_comments_the_reader_posted(make_comment):
    approved = make_comment("Approved.")
    mine = make_comment("Mine, pending.", status=Status.PENDING)
    make_comment("Someone else's, pending.", status=Status.PENDING)
    rejected = make_comment("Mine, rejected.", status=Status.REJECTED)

    assert list(Comment.objects.visible_to([mine.pk, rejected.pk])) == [approved, mine]
    assert list(Comment.objects.visible_to()) == [approved]


def test_a_reply_is_one_level_deeper_than_its_parent(make_comment):
    root = make_comment("Root.")
    reply = make_comment("Reply.", parent=root)
    assert (root.depth, reply.depth, make_comment("Deeper.", parent=reply).depth) == (0, 1, 2)


def test_a_comment_names_its_author_and_article_but_not_the_email(make_comment):
    text = str(make_comment(name="Rita Reader", email="rita.private@example.org"))
    assert "Rita Reader" in text
    assert "Council approves budget" in text
    assert "rita.private" not in text


def test_hold_puts_comments_back_in_the_queue_and_records_who_did_it(make_comment, moderator):
    published = make_comment("Published.")
    spam = make_comment("Spam.", status=Status.SPAM)
    waiting = make_comment("Waiting.", status=Status.PENDING)

    count = len(decide(Comment.objects.all(), status=Comment.Status.PENDING, by=moderator))

    assert count == 2
    assert set(Comment.objects.pending()) == {published, spam, waiting}
    published.refresh_from_db()
    assert (published.moderated_by, published.reason) == (moderator, "held: put back in the queue by a moderator")
    waiting.refresh_from_db()
    assert waiting.moderated_by is None  # already waiting: nothing was decided


def test_a_decision_with_an_unknown_status_is_refused(pending_comment, moderator):
    with pytest.raises(ValueError, match="Unknown comment status"):
        decide(Comment.objects.all(), status="deleted", by=moderator)
    pending_comment.refresh_from_db()
    assert pending_comment.status == Status.PENDING


def test_the_thread_backfill_gives_every_reply_its_top_level_comment_in_one_update_per_level(
    make_comment, django_assert_max_num_queries
):
    fill_threads = importlib.import_module("comments.migrations.0005_comment_thread").fill_threads
    root, other_root = make_comment("Root."), make_comment("Other root.")
    children = [make_comment(f"Child {n}.", parent=root) for n in range(5)]
    grandchild = make_comment("Grandchild.", parent=children[0])
    great_grandchild = make_comment("Great-grandchild.", parent=grandchild)
    other_child = make_comment("Other child.", parent=other_root)
    Comment.objects.update(thread=None)

    with django_assert_max_num_queries(4):  # depth 1, the deepest level, depths 2 and 3
        fill_threads(django_apps, schema_editor=None)

    threads = dict(Comment.objects.values_list("pk", "thread_id"))
    assert threads == {root.pk: None, other_root.pk: None, **{child.pk: root.pk for child in children},
                       grandchild.pk: root.pk, great_grandchild.pk: root.pk, other_child.pk: other_root.pk}
