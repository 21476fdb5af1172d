from comments.models import Comment


def moderation_queue(request):
    """The number of comments waiting, for staff who moderate; counted only when a template asks for it."""
    def pending_comments_count():
        user = getattr(request, "user", None)
        if user is None or not user.has_perm("comments.moderate_comment"):
            return None
        return Comment.objects.pending().count()

    return {"pending_comments_count": pending_comments_count}
