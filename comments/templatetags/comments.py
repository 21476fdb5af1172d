from django import template
from django.utils.translation import ngettext

from comments import services
from comments.forms import ReplyForm, sign_render_time
from comments.models import Comment
from comments.views import remembered_author

register = template.Library()


@register.inclusion_tag("comments/includes/reply_section.html", takes_context=True)
def reply_section(context, article):
    """The “Leave a Reply” section of an article page: the approved thread, the poster's pending replies, the form."""
    request = context.get("request")
    session = getattr(request, "session", None)
    query = getattr(request, "GET", {})
    thread = services.build_thread(article, session=session, page_number=query.get("cpage", 1),
                                   picks_only=query.get("comments") == "picks")
    replying_to = _replying_to(query.get("replyto"), thread)
    is_preview = bool(context.get("is_preview"))
    is_open = services.comments_are_open(article) and not is_preview
    form = None
    remembered = remembered_author(request) if request is not None else {}
    if is_open:
        initial = dict(remembered)
        initial["parent"] = replying_to.pk if replying_to else None
        initial["remember"] = bool(initial.get("email"))
        form = ReplyForm(instance=Comment(article=article), initial=initial)
    if request is not None and (thread.has_pending or remembered):
        request.shows_private_content = True  # see comments.middleware.PrivatePagesMiddleware
    return {
        "article": article,
        "thread": thread,
        "form": form,
        "is_open": is_open,
        "can_report": not is_preview,
        "replying_to": replying_to,
        "request": request,
    }


def _replying_to(raw_id, thread):
    """The approved comment on this page that the reader chose to answer, if any."""
    try:
        comment = next(comment for comment in services.walk(thread.page.object_list) if comment.pk == int(raw_id))
    except (TypeError, ValueError, StopIteration):
        return None
    return comment if comment.is_approved else None


@register.simple_tag
def approved_comment_counts(articles):
    """Approved comments per article for a list of articles, in one query."""
    return services.approved_counts(articles)


@register.simple_tag
def comment_count_label(counts, article):
    count = counts.get(article.pk, 0)
    if not count:
        return "No comments"
    return ngettext("%d comment", "%d comments", count) % count


@register.simple_tag
def reply_render_time():
    """A fresh signed render time, so a form shown again with errors restarts the minimum fill time."""
    return sign_render_time()
