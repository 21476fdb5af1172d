from django.utils.functional import SimpleLazyObject

from comments import visitor
from comments.models import Comment
from newsroom.admin import capped_count, count_label

QUEUE_COUNT_CAP = 999


def moderation_queue(request):
    """The number of comments waiting, for staff who moderate; counted only when a template asks for it."""
    def pending_comments_count():
        user = getattr(request, "user", None)
        if user is None or not user.has_perm("comments.moderate_comment"):
            return None
        # Counted no further than the cap: every admin page shows it, and a flood must not slow them all.
        return count_label(capped_count(Comment.objects.pending(), QUEUE_COUNT_CAP), QUEUE_COUNT_CAP)

    return {"pending_comments_count": pending_comments_count}


class Commenter:
    """The reader as the comment section sees them: their pending comments, saved details and chosen page."""

    def __init__(self, request):
        self.pending_ids = visitor.pending_ids(request)
        self.remembered = visitor.remembered_author(request)
        # A number, or the first page: the page is part of a cache key, which odd values must not multiply.
        try:
            self.page_number = int(request.GET.get("cpage", 1))
        except ValueError:
            self.page_number = 1
        self.picks_only = request.GET.get("comments") == "picks"
        self.replying_to = request.GET.get("replyto")


def commenter(request):
    """The reader's state for the comment section, read only when an article page shows one."""
    return {"commenter": SimpleLazyObject(lambda: Commenter(request))}
