"""What moderators and readers record about comments: notes on commenters, readers' reports."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from comments.models.comment import Concern, with_email


class ModeratorNoteQuerySet(models.QuerySet):
    def from_email(self, email):
        """Notes on the commenter with this email address, whatever its case."""
        return with_email(self, email)


class ModeratorNote(models.Model):
    """A moderator's note on a commenter, shown with their history to staff who see private data; kept as a record
    when the comment it was written on is deleted."""

    comment = models.ForeignKey("comments.Comment", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="notes")
    email = models.EmailField("commenter's email", max_length=254, editable=False,
                              help_text="The email of the comment the note was written on, kept with the note.")
    body = models.TextField("note", max_length=2000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ModeratorNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(Lower("email"), name="moderatornote_email_idx")]  # a commenter's history
        verbose_name = "moderator note"

    def __str__(self):
        # Names no text: delete pages and logs list notes by this, and staff without the permission read those.
        return f"Moderator note #{self.pk}"

    def save(self, **kwargs):
        if not self.email and self.comment_id:
            self.email = self.comment.email
        super().save(**kwargs)


class Report(models.Model):
    """A reader's report of an approved comment; readers are told apart by keyed hashes, never stored as such."""

    comment = models.ForeignKey("comments.Comment", on_delete=models.CASCADE, related_name="reports")
    concern = models.CharField("what is wrong", max_length=20, choices=Concern.choices)
    detail = models.TextField(max_length=500, blank=True)
    session_key = models.CharField(max_length=64, editable=False)
    address_key = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "session_key"], name="report_once_per_session"),
            models.UniqueConstraint(fields=["comment", "address_key"], name="report_once_per_address"),
        ]

    def __str__(self):
        return f"{self.get_concern_display()} on comment {self.comment_id}"


class BulkDecision(models.Model):
    """A moderator's decision on more comments than one request should handle, carried out by the task queue."""

    status = models.CharField("decision", max_length=10)
    reason = models.CharField(max_length=20, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    comment_ids = models.JSONField(default=list, editable=False)
    done = models.PositiveIntegerField("comments handled", default=0)
    changed = models.PositiveIntegerField("comments changed", default=0)
    refused = models.PositiveIntegerField("replies refused", default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "bulk decision"

    def __str__(self):
        return f"Bulk decision #{self.pk}: {self.status}, {self.done} of {self.total}"

    @property
    def total(self):
        return len(self.comment_ids)

    @property
    def is_finished(self):
        return self.finished_at is not None


class ScheduledRun(models.Model):
    """When a periodic job last started, so that one worker among many starts it each period."""

    name = models.CharField(max_length=50, unique=True)
    last_run_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name}, last run {self.last_run_at:%Y-%m-%d %H:%M}"
