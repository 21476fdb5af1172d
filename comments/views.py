import json

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from articles.models import Article
from comments.forms import ReplyForm
from comments.models import Comment
from comments.services import comments_are_open, is_rate_limited, pending_ids, submit_reply

REMEMBER_COOKIE = "comment_author"
REMEMBER_SALT = "comments.remember"
REMEMBER_FIELDS = ("name", "email", "website")
REMEMBER_MAX_AGE = 60 * 60 * 24 * 365


def remembered_author(request):
    """Name, email and website saved in this browser by the poster's own choice, or an empty dict."""
    try:
        data = json.loads(request.get_signed_cookie(REMEMBER_COOKIE, salt=REMEMBER_SALT, default="{}"))
    except ValueError:
        return {}
    return {key: str(data[key]) for key in REMEMBER_FIELDS if key in data} if isinstance(data, dict) else {}


@require_POST
def post_reply(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not comments_are_open(article):
        return render(request, "comments/closed.html", {"article": article}, status=403)
    if is_rate_limited(request.META.get("REMOTE_ADDR", "")):
        return render(request, "comments/rate_limited.html", {"article": article}, status=429)
    form = ReplyForm(request.POST, instance=Comment(article=article))
    if not form.is_valid():
        return render(request, "comments/reply_form.html", {"article": article, "form": form}, status=400)
    comment = submit_reply(
        form.save(commit=False),
        client_ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.headers.get("User-Agent", ""),
        session=request.session,
    )
    messages.info(request, "Your comment is awaiting moderation.")
    response = redirect(comment.get_absolute_url())
    if form.cleaned_data["remember"]:
        saved = json.dumps({key: form.cleaned_data[key] for key in REMEMBER_FIELDS})
        response.set_signed_cookie(REMEMBER_COOKIE, saved, salt=REMEMBER_SALT, max_age=REMEMBER_MAX_AGE,
                                   httponly=True, samesite="Lax", secure=request.is_secure())
    else:
        response.delete_cookie(REMEMBER_COOKIE, samesite="Lax")
    return response


def permalink(request, pk):
    """Sends a link to a comment to the page of the article that holds it."""
    visible = Comment.objects.visible_to(pending_ids(request.session))
    comment = get_object_or_404(visible.select_related("article"), pk=pk, article__in=Article.objects.published())
    page = comment.thread_page()
    query = f"?cpage={page}" if page > 1 else ""
    return redirect(f"{comment.article.get_absolute_url()}{query}#comment-{comment.pk}")
