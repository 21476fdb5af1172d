"""Periodic jobs without a cron: the worker queues each when it is due, once across all workers."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.utils import timezone

from comments import tasks
from comments.models import ScheduledRun

NEVER = datetime(2000, 1, 1, tzinfo=dt_timezone.utc)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    task: object
    kwargs: dict = field(default_factory=dict)


JOBS = [
    # A digest owed for comments held during the last period goes out when the period is over, post or no post.
    Job("moderator-digest", timedelta(minutes=1), tasks.send_moderator_digest, {"owed_only": True}),
    # Old comments' client addresses and browsers, and expired sessions (see README "Privacy").
    Job("purge-personal-data", timedelta(days=1), tasks.purge_personal_data),
    Job("prune-task-results", timedelta(days=1), tasks.prune_task_results),
]


def queue_due_jobs(now=None):
    """Queue every job whose period has passed since it last started; returns the names of those queued."""
    now = now or timezone.now()
    queued = []
    for job in JOBS:
        if claim(job.name, every=job.every, now=now):
            job.task.enqueue(**job.kwargs)
            queued.append(job.name)
    return queued


def claim(name, *, every, now):
    """Whether this worker starts the job now: one conditional update, so two workers never both do."""
    ScheduledRun.objects.get_or_create(name=name, defaults={"last_run_at": NEVER})
    return ScheduledRun.objects.filter(name=name, last_run_at__lte=now - every).update(last_run_at=now) == 1
