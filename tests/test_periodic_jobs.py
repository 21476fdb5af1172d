"""Periodic jobs: queued once per period across workers, and what each one does."""

from dataclasses import replace
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone

from comments import schedule


def test_each_job_is_queued_once_per_period_however_many_workers_look(db, monkeypatch):
    queued = []

    class Recorder:
        def __init__(self, name):
            self.name = name

        def enqueue(self, **kwargs):
            queued.append(self.name)

    monkeypatch.setattr(schedule, "JOBS", [replace(job, task=Recorder(job.name)) for job in schedule.JOBS])
    now = timezone.now()

    daily = ["purge-personal-data", "prune-task-results"]
    assert schedule.queue_due_jobs(now) == ["moderator-digest", *daily]
    assert schedule.queue_due_jobs(now) == []  # a second worker, at the same moment
    assert schedule.queue_due_jobs(now + timedelta(minutes=1)) == ["moderator-digest"]
    assert schedule.queue_due_jobs(now + timedelta(days=1)) == ["moderator-digest", *daily]
    assert queued == ["moderator-digest", *daily, "moderator-digest", "moderator-digest", *daily]


def test_a_digest_owed_at_the_end_of_a_period_goes_out_without_another_comment(
    settings, monkeypatch, mailed_moderator, send_reply, django_capture_on_commit_callbacks
):
    import time

    with django_capture_on_commit_callbacks(execute=True):
        send_reply(body="First, announced at once.")
        send_reply(body="Second, held within the period.")
    assert len(mail.outbox) == 1

    later = time.time() + settings.COMMENTS_DIGEST_MINUTES * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    schedule.queue_due_jobs()

    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "[Newsroom] 2 comments waiting for moderation"
    schedule.queue_due_jobs(timezone.now() + timedelta(minutes=1))
    assert len(mail.outbox) == 2  # nothing more was owed


def test_clearing_sessions_removes_only_expired_ones(db):
    from django.contrib.sessions.backends.db import SessionStore

    for expiry in (-1, 1):
        store = SessionStore()
        store["comments_pending"] = [1]
        store.set_expiry(expiry * 3600)
        store.save()
    schedule.tasks.purge_personal_data.call()
    assert Session.objects.count() == 1
    assert Session.objects.get().expire_date > timezone.now()


def test_finished_tasks_are_pruned_after_a_day(db, settings):
    from django_tasks_db.models import DBTaskResult

    from comments import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    tasks.deliver.enqueue({"subject": "s", "body": "b", "to": ["rita@example.org"], "headers": {}})
    DBTaskResult.objects.update(status="SUCCESSFUL", finished_at=timezone.now() - timedelta(days=2))
    tasks.prune_task_results.call()
    assert not DBTaskResult.objects.exists()
