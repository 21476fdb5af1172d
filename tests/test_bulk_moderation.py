"""Bulk decisions: a fixed number of queries, the task queue for large selections, and bans of any size."""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from comments.models import Ban, BulkDecision, Comment

CHANGELIST = reverse("admin:comments_comment_changelist")


def make_pending(make_comment, count, label="Waiting"):
    return [make_comment(f"{label} {n}.", status=Comment.Status.PENDING, email=f"r{n}@example.org")
            for n in range(count)]


def approve(admin_client, comments, follow=True):
    return admin_client.post(f"{CHANGELIST}?status=all", {
        "action": "approve", "_selected_action": [comment.pk for comment in comments]}, follow=follow)


def test_a_bulk_decision_takes_as_many_queries_for_fifty_comments_as_for_five(admin_client, make_comment):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    few, many = make_pending(make_comment, 5), make_pending(make_comment, 50, label="Later")
    ContentType.objects.get_for_model(Comment)  # cached for the life of the process, as in a running site
    counts = []
    for chosen in (few, many):
        with CaptureQueriesContext(connection) as queries:
            response = approve(admin_client, chosen, follow=False)
        counts.append(len(queries))
        assert response.status_code == 302
        approved = Comment.objects.filter(pk__in=[comment.pk for comment in chosen], status="approved")
        assert approved.count() == len(chosen)
    assert counts[0] == counts[1]
    assert LogEntry.objects.count() == 55


def test_a_selection_above_the_threshold_is_decided_by_the_task_queue(settings, admin_client, make_comment,
                                                                      django_capture_on_commit_callbacks):
    settings.COMMENTS_BULK_TASK_THRESHOLD, settings.COMMENTS_BULK_BATCH = 5, 4
    chosen = make_pending(make_comment, 11)

    with django_capture_on_commit_callbacks(execute=True):
        response = approve(admin_client, chosen)

    assert "11 comments will be decided in the background." in response.content.decode()
    job = BulkDecision.objects.get()
    assert (job.done, job.changed, job.refused, job.is_finished) == (11, 11, 0, True)
    assert Comment.objects.approved().count() == 11
    assert LogEntry.objects.filter(change_message="Status: Pending → Approved.").count() == 11
    page = admin_client.get(reverse("admin:comments_bulkdecision_change", args=[job.pk]))
    assert page.status_code == 200 and "11" in page.content.decode()


def test_select_all_over_a_big_queue_finishes(settings, admin_client, make_comment,
                                              django_capture_on_commit_callbacks):
    settings.COMMENTS_BULK_TASK_THRESHOLD, settings.COMMENTS_BULK_BATCH = 10, 7
    make_pending(make_comment, 30)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"{CHANGELIST}?status=pending", {
            "action": "mark_spam", "select_across": "1", "_selected_action": [Comment.objects.first().pk],
        }, follow=True)
    assert "30 comments will be decided in the background." in response.content.decode()
    assert Comment.objects.filter(status=Comment.Status.SPAM).count() == 30


def test_a_moderator_without_the_permission_sees_no_bulk_decisions(client, journalist):
    client.force_login(journalist)
    assert client.get(reverse("admin:comments_bulkdecision_changelist")).status_code == 403


def test_the_ban_page_takes_a_selection_larger_than_a_form_may_post(settings, admin_client, make_comment):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 40
    make_pending(make_comment, 60)
    first = Comment.objects.first().pk
    chosen = {"action": "ban_commenters", "select_across": "1", "_selected_action": [first]}

    page = admin_client.post(f"{CHANGELIST}?status=pending", chosen)
    assert page.status_code == 200
    assert "The selected comments (60)" in page.content.decode()
    assert page.content.decode().count('name="_selected_action"') == 1

    done = admin_client.post(f"{CHANGELIST}?status=pending", {
        **chosen, "apply": "yes", "kind": Ban.Kind.EMAIL, "reason": "flood", "duration": "30", "mark_spam": "on",
    }, follow=True)
    assert "60 bans added." in done.content.decode()
    assert Ban.objects.count() == 60
    assert Comment.objects.filter(status=Comment.Status.SPAM).count() == 60


def test_the_queue_opens_in_as_many_queries_for_sixty_comments_as_for_five_and_counts_no_further_than_it_needs(
    admin_client, make_comment, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queue = f"{CHANGELIST}?status=pending"
    make_pending(make_comment, 5)
    admin_client.get(queue)  # sessions, content types and permissions, cached as in a running site
    counts = []
    for label in ("More", "Still more"):
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(queue)
        counts.append(len(queries))
        assert response.status_code == 200
        make_pending(make_comment, 30, label=label)
    assert counts[0] == counts[1]
    full_counts = [query["sql"] for query in queries.captured_queries
                   if "COUNT(" in query["sql"].upper() and "LIMIT" not in query["sql"].upper()
                   and '"comments_comment"' in query["sql"] and "GROUP BY" not in query["sql"].upper()]
    assert full_counts == []
    # The capped count of the list counts ids: no commenter history or report count computed for each row.
    list_counts = [query["sql"] for query in queries.captured_queries
                   if query["sql"].upper().startswith("SELECT COUNT(*) FROM (SELECT")]
    assert list_counts and not any("comments_report" in sql or "LOWER(" in sql.upper() for sql in list_counts)
