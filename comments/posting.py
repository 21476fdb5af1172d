"""Posting a reply: the rules decide its status, it is stored, and whom it concerns is told after commit."""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.sanitize import strip_control_characters
from comments import decisions, moderation, tasks
from comments.models import Comment
from comments.models.comment import digest


def comments_are_open(article):
    """Replies are open while the article allows them and it is not older than COMMENTS_CLOSE_AFTER_DAYS."""
    if not article.comments_open:
        return False
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days is None or article.published_at is None:
        return True
    return article.published_at > timezone.now() - timedelta(days=days)


def submit_reply(comment, *, client_ip=None, user_agent="", proof_ids=()):
    """Store a reader's reply with the status and reason the moderation rules give it, and tell whom it concerns."""
    # A held one is announced to moderators; an approved one to the commenter it answers, if they asked.
    comment.ip_address = client_ip or None
    comment.user_agent = strip_control_characters(user_agent or "")[:300]  # PostgreSQL refuses null bytes
    decisions.apply_verdict(comment, moderation.assess(comment, client_ip=comment.ip_address, proof_ids=proof_ids))
    try:
        with transaction.atomic():
            comment.save()  # an approved one starts a new page generation
    except IntegrityError:
        # The same text from the same email on this article, sent twice at once: the first one stands, and the
        # second is answered as it was.
        first = Comment.objects.from_email(comment.email).filter(article=comment.article,
                                                                   body_digest=digest(comment.body)).first()
        if first is None:
            raise
        return first
    transaction.on_commit(partial(tasks.send_moderator_digest.enqueue, owed_only=not comment.is_pending))
    if comment.is_approved and comment.parent_id:
        transaction.on_commit(partial(tasks.send_commenter_notices.enqueue, [comment.pk]))
    return comment
