"""Moderation rules and writes that span models: the one place a reply is accepted."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count
from django.utils import timezone

from articles.sanitize import strip_control_characters
from comments.models import Comment

SESSION_PENDING_KEY = "comments_pending"
SESSION_PENDING_LIMIT = 20


def comments_are_open(article):
    """Replies are open while the article allows them and it is not older than COMMENTS_CLOSE_AFTER_DAYS."""
    if not article.comments_open:
        return False
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days is None or article.published_at is None:
        return True
    return article.published_at > timezone.now() - timedelta(days=days)


def is_rate_limited(client_ip):
    """Count one posting attempt from `client_ip` and say whether it went over the limit for the period."""
    key = f"comments:rate:{client_ip}"
    period = settings.COMMENTS_RATE_PERIOD
    if cache.add(key, 1, timeout=period):
        return settings.COMMENTS_RATE_LIMIT < 1
    try:
        attempts = cache.incr(key)
    except ValueError:  # the window expired between add() and incr()
        cache.add(key, 1, timeout=period)
        attempts = 1
    return attempts > settings.COMMENTS_RATE_LIMIT


def submit_reply(comment, client_ip=None, user_agent="", session=None):
    """Store a reader's reply in the moderation queue and remember it for its poster's session."""
    comment.status = Comment.Status.PENDING
    comment.ip_address = client_ip or None
    comment.user_agent = strip_control_characters(user_agent or "")[:300]  # PostgreSQL refuses null bytes
    comment.save()
    if session is not None:
        pending = [pk for pk in session.get(SESSION_PENDING_KEY, []) if pk != comment.pk]
        session[SESSION_PENDING_KEY] = [*pending, comment.pk][-SESSION_PENDING_LIMIT:]
    return comment


def pending_ids(session):
    return session.get(SESSION_PENDING_KEY, []) if session is not None else []


@dataclass
class Thread:
    """A page of an article's comment section: top-level comments with their replies attached."""

    page: object
    approved_count: int


def build_thread(article, session=None, page_number=1):
    """Fetch the comments a reader may see in one query and arrange them as a paginated tree."""
    comments = list(article.comments.visible_to(pending_ids(session)).order_by("created_at", "pk"))
    by_id = {comment.pk: comment for comment in comments}
    roots = []
    max_depth = settings.COMMENTS_MAX_DEPTH
    for comment in comments:
        comment.children = []
        comment.accepts_replies = comment.is_approved and comment.depth + 1 < max_depth
    for comment in comments:
        parent = by_id.get(comment.parent_id)
        if comment.parent_id is None:
            roots.append(comment)
        elif parent is not None:
            parent.children.append(comment)
        # A reply whose parent is hidden stays hidden with it.
    approved_count = sum(1 for comment in comments if comment.is_approved)
    page = Paginator(roots, settings.COMMENTS_PER_PAGE).get_page(page_number)
    return Thread(page=page, approved_count=approved_count)


def approved_counts(articles):
    """Approved comments per article id, for a list of articles, in one query."""
    ids = [article.pk for article in articles]
    if not ids:
        return {}
    rows = Comment.objects.approved().filter(article__in=ids).values("article").annotate(n=Count("pk"))
    return {row["article"]: row["n"] for row in rows}
