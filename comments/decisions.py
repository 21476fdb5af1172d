"""The one place a comment's moderation state changes: rules' verdicts, moderators' decisions, readers' reports."""

from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles import pagecache
from comments import tasks
from comments.models import Ban, BulkDecision, Comment, Concern

HELD_BY_MODERATOR = "held: put back in the queue by a moderator"


@dataclass
class Outcome:
    """What a decision did: the comments it changed, each with its status before, and the replies it refused."""

    changed: dict = field(default_factory=dict)
    refused: list = field(default_factory=list)
    job: object = None  # the BulkDecision that will carry out a decision too large for one request

    def __len__(self):
        return len(self.changed)


def apply_verdict(comment, verdict):
    """Give a new, unsaved comment the status and reason the moderation rules decided for it."""
    comment.status, comment.reason, comment.reason_kind = verdict.status, verdict.reason, verdict.kind


def decide(comments, *, status, by, reason=""):
    """Move comments to a moderation state in one transaction, with their audit records and notices.

    Approval skips replies whose parent is neither approved nor approved with them; `reason` is a Concern,
    recorded with a rejection.
    """
    Status = Comment.Status
    _check_status(status)
    rejection_reason = reason if status == Status.REJECTED and reason in Concern.values else ""
    with transaction.atomic():
        chosen = list(comments.select_related("article", "parent").order_by("created_at", "pk"))
        outcome = Outcome()
        approved_with = set()
        for comment in chosen:
            if comment.status == status:
                continue
            if status == Status.APPROVED and not _parent_is_shown(comment, approved_with):
                outcome.refused.append(comment)
                continue
            outcome.changed[comment] = comment.status
            approved_with.add(comment.pk)
        fields = {"status": status, "moderated_at": timezone.now(), "moderated_by": by,
                  "rejection_reason": rejection_reason}
        if status == Status.PENDING:
            fields |= {"reason": HELD_BY_MODERATOR, "reason_kind": Comment.ReasonKind.MODERATOR}
        _update(outcome.changed, **fields)
        because = f" Reason: {Concern(rejection_reason).label}." if rejection_reason else ""
        _record(by, [(comment, f"Status: {Status(before).label} → {Status(status).label}.{because}")
                     for comment, before in outcome.changed.items()])
        approved = [comment.pk for comment in outcome.changed if status == Status.APPROVED]
        if approved:
            transaction.on_commit(partial(tasks.send_commenter_notices.enqueue, approved))
    return outcome


def hold_reported(comment, *, report_count):
    """Send an approved comment that enough readers reported back to the queue, and tell the moderators."""
    with transaction.atomic():
        held = Comment.objects.filter(pk=comment.pk, status=Comment.Status.APPROVED).update(
            status=Comment.Status.PENDING, reason=f"held: reported by {report_count} readers",
            reason_kind=Comment.ReasonKind.REPORTED,
        )
        if held:
            pagecache.invalidate()
            transaction.on_commit(tasks.send_moderator_digest.enqueue)
    return bool(held)


def set_pick(comments, *, is_pick, by):
    """Make approved comments editors' picks, or stop them being picks; returns the comments changed."""
    with transaction.atomic():
        chosen = comments.filter(is_pick=not is_pick)
        if is_pick:
            chosen = chosen.filter(status=Comment.Status.APPROVED)
        chosen = list(chosen.select_related("article"))
        _update(chosen, is_pick=is_pick)
        message = "Marked as an editors' pick." if is_pick else "Removed from the editors' picks."
        _record(by, [(comment, message) for comment in chosen])
    return chosen


def ban_commenters(comments, *, kind, by, reason="", expires_at=None, mark_spam=False):
    """Ban the email, email domain or client address of each comment, once each, and send the comments to spam
    if asked; returns the new bans and the outcome of marking spam (None when not asked)."""
    values = set()
    for comment in comments:
        raw = {Ban.Kind.EMAIL: comment.email, Ban.Kind.DOMAIN: comment.email.rpartition("@")[2],
               Ban.Kind.ADDRESS: comment.ip_address}[kind]
        try:
            values.add(Ban.normalise(kind, raw))
        except ValueError:
            continue  # a comment without a client address, say
    with transaction.atomic():
        in_force = set(Ban.objects.active().filter(kind=kind, value__in=values).values_list("value", flat=True))
        bans = Ban.objects.bulk_create([
            Ban(kind=kind, value=value, reason=reason, expires_at=expires_at, created_by=by)
            for value in sorted(values - in_force)
        ])
        outcome = decide_or_queue(comments, status=Comment.Status.SPAM, by=by) if mark_spam else None
    return bans, outcome


def _check_status(status):
    if status not in Comment.Status.values:
        raise ValueError(f"Unknown comment status: {status!r}")


def _parent_is_shown(comment, approved_with):
    return comment.parent is None or comment.parent.is_approved or comment.parent_id in approved_with


def _update(comments, **fields):
    if comments:
        Comment.objects.filter(pk__in=[comment.pk for comment in comments]).update(**fields)
        pagecache.invalidate()


def _record(user, entries):
    """Each comment's admin history entry, written in one query with the change it records."""
    if user is None or not entries:
        return
    content_type = ContentType.objects.get_for_model(Comment)
    LogEntry.objects.bulk_create([
        LogEntry(user=user, content_type=content_type, object_id=str(comment.pk), object_repr=str(comment)[:200],
                 action_flag=CHANGE, change_message=message)
        for comment, message in entries
    ])


def delete(comments):
    """Delete comments and, with them, their replies; readers stop seeing them at once."""
    with transaction.atomic():
        deleted, _ = comments.delete()
        if deleted:
            pagecache.invalidate()
    return deleted


def decide_or_queue(comments, *, status, by, reason=""):
    """decide() now, or, for more than COMMENTS_BULK_TASK_THRESHOLD comments, in the task queue."""
    if comments.count() > settings.COMMENTS_BULK_TASK_THRESHOLD:
        return Outcome(job=decide_later(comments, status=status, by=by, reason=reason))
    return decide(comments, status=status, by=by, reason=reason)


def decide_later(comments, *, status, by, reason=""):
    """Queue a decision on many comments, taken a batch at a time by the task queue; returns its progress record."""
    _check_status(status)
    ids = list(comments.order_by("created_at", "pk").values_list("pk", flat=True))  # parents before replies
    job = BulkDecision.objects.create(status=status, reason=reason, decided_by=by, comment_ids=ids)
    transaction.on_commit(partial(tasks.continue_bulk_decision.enqueue, job.pk))
    return job


def take_next_batch(job):
    """Decide the next COMMENTS_BULK_BATCH comments of a bulk decision; returns whether any are left."""
    with transaction.atomic():
        job = BulkDecision.objects.select_for_update().get(pk=job.pk)
        batch = job.comment_ids[job.done:job.done + settings.COMMENTS_BULK_BATCH]
        outcome = decide(Comment.objects.filter(pk__in=batch), status=job.status, by=job.decided_by,
                         reason=job.reason)
        finished = job.done + len(batch) >= job.total
        BulkDecision.objects.filter(pk=job.pk).update(
            done=F("done") + len(batch), changed=F("changed") + len(outcome.changed),
            refused=F("refused") + len(outcome.refused), finished_at=timezone.now() if finished else None,
        )
    return not finished


STAFF_REPLY_REASON = "published: staff reply"


def staff_email(user):
    """The address stored with a staff reply: the account's, or a placeholder that is never shown or mailed."""
    return user.email or f"staff-{user.pk}@staff.invalid"


def staff_name(user):
    """The name a staff reply is published under: the staff member's author name, else their user name."""
    author = getattr(user, "author", None)
    return author.name if author is not None else user.get_username()


def staff_reply(parent, *, body, by):
    """Publish a staff member's reply to a comment at once, linked to their account: never held, never rate limited.

    A comment still waiting is approved first, since a reply under a hidden comment would be hidden too; one
    rejected or marked as spam is not answered (ValueError).
    """
    with transaction.atomic():
        if parent.is_pending:
            outcome = decide(Comment.objects.filter(pk=parent.pk), status=Comment.Status.APPROVED, by=by)
            if outcome.refused:
                raise ValueError("This reply answers a comment that is not approved: approve that one first.")
        elif not parent.is_approved:
            raise ValueError("Readers do not see this comment: approve it before replying.")
        parent = Comment.objects.select_related("article__author", "parent").get(pk=parent.pk)
        while parent.depth + 1 >= settings.COMMENTS_MAX_DEPTH:  # joins the thread, as readers' replies do
            parent = parent.parent
        now = timezone.now()
        reply = Comment(article=parent.article, parent=parent, body=body, name=staff_name(by)[:80],
                        email=staff_email(by), user=by, status=Comment.Status.APPROVED, created_at=now,
                        moderated_at=now, moderated_by=by, reason=STAFF_REPLY_REASON)
        reply.save()  # approved, so it starts a new page generation
        _record(by, [(reply, "Published a staff reply.")])
        transaction.on_commit(partial(tasks.send_commenter_notices.enqueue, [reply.pk]))
    return reply
