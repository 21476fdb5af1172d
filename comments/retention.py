"""How long commenters' client addresses and browsers are kept: COMMENTS_KEEP_CLIENT_DAYS, then cleared."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from comments.models import Comment


def purge_client_data(*, now=None):
    """Clear the client address and browser of comments older than COMMENTS_KEEP_CLIENT_DAYS; returns how many."""
    # Bans made from a comment store their own value, so clearing the comment's address keeps them in force.
    cutoff = (now or timezone.now()) - timedelta(days=settings.COMMENTS_KEEP_CLIENT_DAYS)
    kept = Comment.objects.filter(created_at__lt=cutoff).filter(~Q(ip_address=None) | ~Q(user_agent=""))
    return kept.update(ip_address=None, user_agent="")
