from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from articles import sanitize
from articles.models import Article


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """Comments every reader sees."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        """Comments waiting in the moderation queue."""
        return self.filter(status=Comment.Status.PENDING)

    def visible_to(self, pending_ids=()):
        """Approved comments, plus the pending ones this reader posted (their ids come from the session)."""
        return self.filter(Q(status=Comment.Status.APPROVED) | Q(status=Comment.Status.PENDING, pk__in=pending_ids))

    def approvable(self):
        """The comments of this queryset whose parent is approved or approved along with them."""
        chosen = list(self.select_related("parent").order_by("created_at", "pk"))
        approved_ids = set()
        for comment in chosen:
            if comment.parent is None or comment.parent.is_approved or comment.parent_id in approved_ids:
                approved_ids.add(comment.pk)
        return self.filter(pk__in=approved_ids)

    def approve(self, by):
        """Approve comments whose parent is approved or approved with them; others stay where they are."""
        return self.approvable().exclude(status=Comment.Status.APPROVED)._moderate(Comment.Status.APPROVED, by)

    def reject(self, by):
        return self.exclude(status=Comment.Status.REJECTED)._moderate(Comment.Status.REJECTED, by)

    def mark_spam(self, by):
        return self.exclude(status=Comment.Status.SPAM)._moderate(Comment.Status.SPAM, by)

    def _moderate(self, status, by):
        return self.update(status=status, moderated_at=timezone.now(), moderated_by=by)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        REJECTED = "rejected", "Rejected"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    name = models.CharField(max_length=80)
    email = models.EmailField(max_length=254)
    website = models.URLField(max_length=200, blank=True)
    body = models.TextField(max_length=5000)
    body_html = models.TextField(editable=False)
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

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_status_idx"),
            models.Index(fields=["status", "created_at"], name="comment_queue_idx"),
        ]
        permissions = [
            ("moderate_comment", "Can approve, reject and mark comments as spam"),
            ("view_commenter_private_data", "Can see commenters' emails, client addresses and browsers"),
        ]

    def __str__(self):
        return f"{self.name} on “{Truncator(self.article.headline).chars(60)}”"

    def save(self, **kwargs):
        self.body_html = sanitize.clean_reply_body(self.body)
        self.depth = self.parent.depth + 1 if self.parent_id else 0
        super().save(**kwargs)

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

    def root(self):
        comment = self
        while comment.parent_id:
            comment = comment.parent
        return comment

    def thread_page(self):
        """The page of the article's comment section that holds this comment's thread."""
        root = self.root()
        earlier_roots = self.article.comments.approved().filter(
            Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk), parent=None
        ).count()
        return earlier_roots // settings.COMMENTS_PER_PAGE + 1
