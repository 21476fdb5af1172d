"""What moderators and commenters are told by email, and the unsubscribe links; tasks.py sends it."""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from comments.models import Comment

DIGEST_CACHE_KEY = "comments:moderator-digest"  # when the last digest went out, for COMMENTS_DIGEST_MINUTES
DIGEST_WAITING_KEY = "comments:moderator-digest-waiting"  # comments were held since the last digest
DIGEST_LISTED = 10
UNSUBSCRIBE_SALT = "comments.unsubscribe"


def mail(subject, body, to, headers=None):
    """A message as plain values, so that a task can carry it until the mail server takes it."""
    return {"subject": " ".join(subject.split()), "body": body, "to": list(to), "headers": headers or {}}


def unsubscribe_url(comment):
    """An address that stops notices to the commenter of `comment`, proven by its signature, not a login."""
    token = signing.dumps(comment.pk, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("comments:unsubscribe", kwargs={"token": token})


def comment_for_unsubscribe_token(token):
    """The comment an unsubscribe link was made for, or None if the link was altered or the comment is gone."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Comment.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def unsubscribe(comment):
    """Stop every notice to the email of `comment`, for all the comments posted with it."""
    return Comment.objects.from_email(comment.email).filter(is_subscribed=True).update(is_subscribed=False)


def moderator_addresses():
    """The email addresses of active staff who may moderate comments."""
    permission = {"codename": "moderate_comment", "content_type__app_label": "comments"}
    can_moderate = (Q(is_superuser=True) | Q(**{f"user_permissions__{k}": v for k, v in permission.items()})
                    | Q(**{f"groups__permissions__{k}": v for k, v in permission.items()}))
    users = get_user_model().objects.filter(can_moderate, is_active=True, is_staff=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def moderator_digest(*, owed_only=False):
    """The digest of the moderation queue for each moderator, at most once every COMMENTS_DIGEST_MINUTES.

    The period starts when a digest is made. Comments held within it are noted in the cache, and the next
    digest, made when a comment arrives after the period, lists the whole queue with them. With `owed_only`,
    a digest is made only if one is owed for such comments.
    """
    if not settings.COMMENTS_NOTIFY_MODERATORS or (owed_only and not cache.get(DIGEST_WAITING_KEY)):
        return []
    now, period = time.time(), settings.COMMENTS_DIGEST_MINUTES * 60
    # add() claims the period atomically across workers; the stored time also ends it where the cache's own
    # expiry is late or does not follow the clock.
    if not cache.add(DIGEST_CACHE_KEY, now, timeout=period):
        sent_at = cache.get(DIGEST_CACHE_KEY)
        if isinstance(sent_at, float) and now - sent_at < period:
            cache.set(DIGEST_WAITING_KEY, True, timeout=None)
            return []
        cache.set(DIGEST_CACHE_KEY, now, timeout=period)
    cache.delete(DIGEST_WAITING_KEY)
    recipients = moderator_addresses()
    pending = Comment.objects.pending().select_related("article").order_by("created_at", "pk")
    count = pending.count() if recipients else 0
    if not count:
        cache.delete(DIGEST_CACHE_KEY)  # nothing was said, so the next held comment is announced at once
        return []
    context = {"count": count, "comments": list(pending[:DIGEST_LISTED]),
               "minutes": settings.COMMENTS_DIGEST_MINUTES, "site_name": settings.SITE_NAME,
               "queue_url": settings.SITE_URL + reverse("admin:comments_comment_changelist")}
    subject = f"[{settings.SITE_NAME}] {count} comment{'s' if count != 1 else ''} waiting for moderation"
    body = render_to_string("comments/email/moderator_digest.txt", context)
    return [mail(subject, body, [address]) for address in recipients]


def commenter_notices(comment_ids):
    """Notices for opted-in commenters: a moderator approved their comment, or an approved reply answers it."""
    approved = Comment.objects.approved().filter(pk__in=comment_ids).select_related("article", "parent__article")
    # A comment put back after readers reported it was announced when it was first published.
    approved = list(approved.exclude(reason_kind=Comment.ReasonKind.REPORTED))
    messages = [_approval_notice(comment) for comment in approved
                if comment.is_subscribed and comment.is_approved_by_moderator]
    replies_by_parent = {}
    for reply in approved:
        parent = reply.parent
        if parent is not None and parent.email.lower() != reply.email.lower():
            replies_by_parent.setdefault(parent, []).append(reply)
    for parent, replies in replies_by_parent.items():
        # A comment published by a rule vouches for nothing: its email may be a stranger's, typed by someone else.
        if parent.is_subscribed and parent.is_approved_by_moderator:
            messages.append(_reply_notice(parent, replies))
    return messages


def _approval_notice(comment):
    subject = f"Your comment on “{comment.article.headline}” is published"
    return _notice(comment, subject, "comments/email/comment_approved.txt", {})


def _reply_notice(parent, replies):
    subject = f"New repl{'ies' if len(replies) > 1 else 'y'} to your comment on “{parent.article.headline}”"
    links = [(reply, settings.SITE_URL + reply.get_absolute_url()) for reply in replies]
    return _notice(parent, subject, "comments/email/reply_posted.txt", {"replies": links})


def _notice(comment, subject, template_name, context):
    """A message to a commenter with a one-click unsubscribe link (RFC 8058) in its body and headers."""
    unsubscribe = unsubscribe_url(comment)
    context = {"comment": comment, "comment_url": settings.SITE_URL + comment.get_absolute_url(),
               "unsubscribe_url": unsubscribe, "site_name": settings.SITE_NAME, **context}
    headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return mail(subject, render_to_string(template_name, context), [comment.email], headers)
