from django import template
from django.template import Context
from django.utils.translation import ngettext

from articles import pagecache
from comments import threads
from comments.forms import ReplyForm, sign_render_time
from comments.models import Comment
from comments.posting import comments_are_open

register = template.Library()


@register.simple_tag(takes_context=True)
def reply_section(context, article):
    """The “Leave a Reply” section of an article page: the approved thread, the poster's pending replies, the form.

    A reader who brings nothing of their own sees what every such reader sees, kept once per page generation;
    its form's signed render time is then that of the rendering, as on a page from the page cache, so the
    minimum fill time holds only for the first reader of a generation.
    """
    reader = context["commenter"]  # comments.context_processors.commenter
    is_preview = bool(context.get("is_preview"))
    template = context.template.engine.get_template("comments/includes/reply_section.html")
    if is_preview or reader.pending_ids or reader.remembered or reader.replying_to:
        return template.render(Context(section(article, reader, is_preview=is_preview)))
    return pagecache.cached_fragment(
        "reply-section", article.pk, reader.page_number, reader.picks_only, generation=context.get("page_generation"),
        render=lambda: template.render(Context(section(article, reader, is_preview=False))),
    )


def section(article, reader, *, is_preview):
    thread = threads.build_thread(article, pending_ids=reader.pending_ids, page_number=reader.page_number,
                                  picks_only=reader.picks_only)
    replying_to = threads.replying_to(thread, reader.replying_to)
    is_open = comments_are_open(article) and not is_preview
    form = None
    if is_open:
        initial = {**reader.remembered, "parent": replying_to.pk if replying_to else None,
                   "remember": bool(reader.remembered.get("email"))}
        form = ReplyForm(instance=Comment(article=article), initial=initial)
    return {
        "article": article,
        "thread": thread,
        "form": form,
        "is_open": is_open,
        "can_report": not is_preview,
        "replying_to": replying_to,
    }


@register.simple_tag
def approved_comment_counts(articles):
    """Approved comments per article for a list of articles, in one query."""
    return threads.approved_counts(articles)


@register.simple_tag
def comment_count_label(counts, article):
    count = counts.get(article.pk, 0)
    if not count:
        return "No comments"
    return ngettext("%d comment", "%d comments", count) % count


@register.simple_tag
def reply_render_time(article, parent_id=None):
    """A fresh signed render time for a reply to the article (or to a comment on it), so a form shown again with
    errors restarts the minimum fill time."""
    return sign_render_time(article.pk, parent_id)
