"""Work that waits for no reader: mail, run by the task queue's worker (`manage.py db_worker`)."""

import logging
import smtplib
from datetime import timedelta

from django.core.mail import EmailMessage, get_connection
from django.core.management import call_command
from django.utils import timezone
from django_tasks import default_task_backend, task

from comments import notifications, retention

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12  # with the backoff below, a message is tried for about a day and a half


@task()
def send_moderator_digest(owed_only=False):
    """Announce what waits in the moderation queue, if a digest is due."""
    for message in notifications.moderator_digest(owed_only=owed_only):
        deliver.enqueue(message)


@task()
def send_commenter_notices(comment_ids):
    """Tell opted-in commenters that their comment is published, or that a published reply answers it."""
    for message in notifications.commenter_notices(comment_ids):
        deliver.enqueue(message)


@task()
def deliver(message, attempt=1):
    """Hand one message to the mail server; while it fails, try again later, waiting longer each time."""
    # One message a task: a retry never sends again what the server already took.
    try:
        with get_connection() as connection:
            connection.send_messages([EmailMessage(message["subject"], message["body"], to=message["to"],
                                                   headers=message["headers"])])
    except (smtplib.SMTPException, OSError) as error:
        # The class name only: refused-recipient errors carry the addresses, which logs must not keep.
        if attempt >= MAX_ATTEMPTS or not default_task_backend.supports_defer:
            logger.error("Mail “%s” not sent, given up after %d attempts: %s", message["subject"], attempt,
                         type(error).__name__)
            return False
        wait = retry_delay(attempt)
        logger.warning("Mail “%s” not sent (%s); trying again in %s", message["subject"], type(error).__name__, wait)
        deliver.using(run_after=timezone.now() + wait).enqueue(message, attempt=attempt + 1)
        return False
    return True


@task()
def continue_bulk_decision(job_id):
    """Take the next batch of a bulk decision, then queue the rest, so that a restart resumes where it stopped."""
    from comments import decisions  # decisions queue this task
    from comments.models import BulkDecision

    job = BulkDecision.objects.filter(pk=job_id, finished_at=None).first()
    if job is not None and decisions.take_next_batch(job):
        continue_bulk_decision.enqueue(job_id)


@task()
def prune_task_results():
    """Delete finished tasks after a day (failed ones after a week): a sent notice's task holds its address."""
    call_command("prune_db_task_results", min_age_days=1, failed_min_age_days=7, verbosity=0)


def retry_delay(attempt):
    """30 s, 1 min, 2 min… doubling up to 4 hours between attempts."""
    return min(timedelta(seconds=30 * 2 ** (attempt - 1)), timedelta(hours=4))


@task()
def purge_personal_data():
    """Clear old comments' client addresses and browsers, and expired sessions: the daily privacy job."""
    count = retention.purge_client_data()
    call_command("clearsessions")
    return count
