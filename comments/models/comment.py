"""Comments: what readers see of them, and every moderation state."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from articles import pagecache
from articles.models import Article
from comments.sanitize import clean_reply_body


class Concern(models.TextChoices):
    """What is wrong with a comment: a moderator's reason to reject it, or a reader's reason to report it."""

    OFF_TOPIC = "off_topic", "Off-topic"
    ABUSIVE = "abusive", "Abusive or hateful"
    SPAM = "spam", "Spam or advertising"
    PERSONAL_DATA = "personal_data", "Shares personal data"
    LEGAL = "legal", "Legal risk (defamation, contempt of court…)"
    OTHER = "other", "Other"


def shown_condition():
    """Approved, with every comment above it approved too, down to the COMMENTS_MAX_DEPTH levels of a thread."""
    # One condition per level a reply can sit at, and the thread's top-level comment too: it still covers the
    # replies posted before COMMENTS_MAX_DEPTH was lowered.
    hidden = [status for status in Comment.Status.values if status != Comment.Status.APPROVED]
    condition = Q(status=Comment.Status.APPROVED) & ~Q(thread__status__in=hidden)
    for level in range(1, settings.COMMENTS_MAX_DEPTH):
        condition &= ~Q(**{LOOKUP_SEP.join(["parent"] * level + ["status__in"]): hidden})
    return condition


def digest(body):
    """The fingerprint of a comment's text that tells a repeated post from a new one."""
    return hashlib.sha256(body.encode()).hexdigest()


def with_email(queryset, email):
    """The rows of `queryset` whose email is this address, whatever its case."""
    # Lower() on both sides, so both databases fold case alike and use the email index of each model.
    return queryset.alias(address=Lower("email")).filter(address=Lower(Value((email or "").strip())))


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """Comments every reader sees."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        """Comments waiting in the moderation queue."""
        return self.filter(status=Comment.Status.PENDING)

    def approved_by_moderator(self):
        """Approved comments that a moderator approved, not a rule."""
        return self.approved().exclude(moderated_at=None)

    def from_email(self, email):
        """Comments posted with this email address, whatever its case."""
        return with_email(self, email)

    def with_commenter_history(self):
        """Each comment with how many comments from its email wait, were approved, rejected and spam, and notes."""
        def count(rows):
            rows = rows.annotate(address=Lower("email")).filter(address=Lower(OuterRef("email"))).order_by()
            return Coalesce(Subquery(rows.values("address").annotate(n=Count("pk")).values("n")[:1]), 0)

        from comments.models.records import ModeratorNote  # records point back at comments

        notes = ModeratorNote.objects.annotate(address=Lower("email"))
        notes = notes.filter(address=Lower(OuterRef("email"))).order_by().values("address")
        return self.annotate(
            history_pending=count(Comment.objects.pending()),
            history_approved=count(Comment.objects.approved()),
            history_rejected=count(Comment.objects.filter(status=Comment.Status.REJECTED)),
            history_spam=count(Comment.objects.filter(status=Comment.Status.SPAM)),
            history_notes=Coalesce(Subquery(notes.annotate(n=Count("pk")).values("n")[:1]), 0),
        )

    def visible_to(self, pending_ids=()):
        """Comments readers see, plus those this reader posted that await a moderator (ids from their session)."""
        # A comment a rule sent to spam is shown to its poster as awaiting moderation, like a held one, so that a
        # spammer learns nothing; once a moderator has decided, only an approval shows it.
        awaiting = Q(status=Comment.Status.PENDING) | Q(status=Comment.Status.SPAM, moderated_at=None)
        return self.filter(shown_condition() | (Q(pk__in=pending_ids) & awaiting))

    def shown(self):
        """Approved comments that readers see: replies under a comment taken down are hidden with it."""
        return self.filter(shown_condition())


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        REJECTED = "rejected", "Rejected"

    class ReasonKind(models.TextChoices):
        HOLD_ALL = "hold_all", "Every new comment held"
        STRICT_TAG = "strict_tag", "Strict tag"
        LINKS = "links", "Too many links"
        WATCHLIST = "watchlist", "Watchlist word"
        BLOCKLIST = "blocklist", "Blocklist word"
        BANNED = "banned", "Blocked email, domain or address"
        REPORTED = "reported", "Reported by readers"
        TRUSTED = "trusted", "Trusted commenter"
        MODERATOR = "moderator", "Put back by a moderator"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    thread = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, editable=False, related_name="thread_replies",
        help_text="The top-level comment of this reply's thread, so that a page of threads is fetched at once.",
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    name = models.CharField(max_length=80)
    email = models.EmailField(max_length=254)
    website = models.URLField(max_length=200, blank=True)
    body = models.TextField(max_length=5000)
    body_html = models.TextField(editable=False)
    body_digest = models.CharField(
        max_length=64, editable=False, help_text="SHA-256 of the body: one commenter posts a text once per article.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField("client address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    reason = models.CharField(
        "why", max_length=300, blank=True, editable=False,
        help_text="Why a rule held this comment, sent it to spam or let it through.",
    )
    reason_kind = models.CharField("reason", max_length=20, choices=ReasonKind.choices, blank=True, editable=False)
    rejection_reason = models.CharField(
        max_length=20, choices=Concern.choices, blank=True, help_text="Recorded when the comment is rejected."
    )
    is_pick = models.BooleanField("editors' pick", default=False, editable=False)
    is_subscribed = models.BooleanField(
        "wants email notices", default=False,
        help_text="The commenter asked to be emailed when this comment is approved and when someone replies.",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_status_idx"),
            models.Index(fields=["status", "created_at"], name="comment_queue_idx"),
            models.Index(Lower("email"), name="comment_email_idx"),  # a commenter's history
        ]
        constraints = [
            # A double click sends the form twice at once: the database keeps one.
            models.UniqueConstraint("article", Lower("email"), "body_digest", name="comment_once_per_article",
                                    violation_error_message="You have already posted this comment on this article."),
        ]
        permissions = [
            ("moderate_comment", "Can approve, reject and mark comments as spam"),
            ("view_commenter_private_data", "Can see commenters' emails, client addresses and browsers"),
        ]

    def __str__(self):
        return f"{self.name} on “{Truncator(self.article.headline).chars(60)}”"

    def save(self, **kwargs):
        self.body_html = clean_reply_body(self.body)
        self.body_digest = digest(self.body)
        self.depth = self.parent.depth + 1 if self.parent_id else 0
        self.thread_id = (self.parent.thread_id or self.parent_id) if self.parent_id else None
        super().save(**kwargs)
        if self.is_approved:  # readers see it: cached pages are out of date
            pagecache.invalidate()

    def get_absolute_url(self):
        """The article page that holds this comment, scrolled to it."""
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def is_approved_by_moderator(self):
        """Approved by a moderator, not by a rule: only such a comment vouches for its email address."""
        return self.is_approved and self.moderated_at is not None

    @property
    def initials(self):
        """Up to two initials of the name, for an avatar that reveals nothing else."""
        words = [word for word in self.name.split() if word[:1].isalnum()]
        return "".join(word[0] for word in words[:2]).upper() or "?"

    @property
    def avatar_colour(self):
        """One of the stylesheet's twelve avatar colours, taken from the name alone."""
        return sum(map(ord, self.name)) % 12

    @property
    def excerpt(self):
        return Truncator(self.body).chars(90)

    def thread_page(self, pending_ids=()):
        """The page of the article's comment section that holds this comment's thread, as this reader sees it."""
        root = self.thread or self
        earlier_roots = self.article.comments.visible_to(pending_ids).filter(
            Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk), parent=None
        ).count()
        return earlier_roots // settings.COMMENTS_PER_PAGE + 1
