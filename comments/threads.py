"""The read side: a page of an article's comment section, as one reader sees it, in a fixed number of queries."""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q

from comments.models import Comment, shown_condition


@dataclass
class Thread:
    """A page of an article's comment section: top-level comments with their replies, or the editors' picks."""

    page: object
    approved_count: int
    picks_count: int = 0
    showing_picks: bool = False
    has_pending: bool = False


class CountedPaginator(Paginator):
    """A paginator told its count, when a query that was needed anyway has already counted the items."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # fills Paginator.count, a cached property


def build_thread(article, *, pending_ids=(), page_number=1, picks_only=False):
    """One page of the comment section in three queries, however long the discussion: counts, threads, replies."""
    visible = article.comments.visible_to(pending_ids)
    counts = visible.aggregate(
        threads=Count("pk", filter=Q(parent=None)),
        approved=Count("pk", filter=shown_condition()),
        picks=Count("pk", filter=shown_condition() & Q(is_pick=True)),
    )
    showing_picks = picks_only and counts["picks"] > 0
    if showing_picks:
        picks = article.comments.shown().filter(is_pick=True).select_related("parent").order_by("created_at", "pk")
        page = CountedPaginator(picks, settings.COMMENTS_PER_PAGE, counts["picks"]).get_page(page_number)
        comments = page.object_list = list(page.object_list)
        for comment in comments:
            comment.children, comment.in_reply_to = [], comment.parent
    else:
        threads = visible.filter(parent=None).order_by("created_at", "pk")
        page = CountedPaginator(threads, settings.COMMENTS_PER_PAGE, counts["threads"]).get_page(page_number)
        page.object_list = list(page.object_list)
        replies = visible.filter(thread__in=page.object_list).order_by("created_at", "pk") if page.object_list else []
        comments = arrange(page.object_list, replies)
    max_depth = settings.COMMENTS_MAX_DEPTH
    for comment in comments:
        comment.accepts_replies = comment.is_approved and comment.depth + 1 < max_depth
        comment.badge = staff_badge(comment, article)
    return Thread(page=page, approved_count=counts["approved"], picks_count=counts["picks"],
                  showing_picks=showing_picks, has_pending=any(not comment.is_approved for comment in comments))


def staff_badge(comment, article):
    """“Author” on a staff reply by the article's own journalist, “Staff” on other staff replies, else empty."""
    # Only staff replies carry an account: readers post without one.
    if comment.user_id is None:
        return ""
    return "Author" if comment.user_id == article.author.user_id else "Staff"


def arrange(roots, replies):
    """Hang each reply under its parent and return every comment shown, in thread order."""
    by_id = {}
    for comment in [*roots, *replies]:
        by_id[comment.pk] = comment
        comment.children = []
    for comment in [*roots, *replies]:
        comment.in_reply_to = by_id.get(comment.parent_id)
        if comment.in_reply_to is not None:
            comment.in_reply_to.children.append(comment)
        # A reply whose parent is hidden stays hidden with it.
    return list(walk(roots))


def walk(comments):
    """The comments and all their replies, in thread order."""
    for comment in comments:
        yield comment
        yield from walk(comment.children)


def replying_to(thread, raw_id):
    """The approved comment on this page of the thread that the reader chose to answer, if any."""
    try:
        comment = next(comment for comment in walk(thread.page.object_list) if comment.pk == int(raw_id))
    except (TypeError, ValueError, StopIteration):
        return None
    return comment if comment.is_approved else None


def approved_counts(articles):
    """Comments readers see per article id, for a list of articles, in one query."""
    ids = [article.pk for article in articles]
    if not ids:
        return {}
    rows = Comment.objects.shown().filter(article__in=ids).values("article").annotate(n=Count("pk"))
    return {row["article"]: row["n"] for row in rows}
