from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Article
from articles.pagecache import public_page
from comments import notifications, reports, visitor
from comments.forms import ReplyForm, ReportForm
from comments.models import Comment
from comments.posting import comments_are_open, submit_reply
from comments.ratelimit import is_rate_limited
from newsroom.http import require_same_origin


@csrf_exempt  # the form is served from a shared page cache, so it carries no per-reader token
@require_same_origin  # the CSRF protection instead: a browser posting from another site says so
@require_POST
@never_cache
def post_reply(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if not comments_are_open(article):
        return render(request, "comments/closed.html", {"article": article}, status=403)
    if is_rate_limited(client_ip=request.META.get("REMOTE_ADDR", "")):
        return render(request, "comments/rate_limited.html", {"article": article}, status=429)
    form = ReplyForm(request.POST, instance=Comment(article=article))
    if not form.is_valid():
        return render(request, "comments/reply_form.html", {"article": article, "form": form}, status=400)
    proof = visitor.trust_proof(request)
    comment = submit_reply(form.save(commit=False), client_ip=request.META.get("REMOTE_ADDR"),
                           user_agent=request.headers.get("User-Agent", ""), proof_ids=proof)
    if comment.is_approved:
        messages.success(request, "Your comment is published.")
    else:
        # Spam is answered and shown to its poster like a held comment, so a spammer learns nothing.
        visitor.remember_pending(request, comment)
        messages.info(request, "Your comment is awaiting moderation.")
    response = redirect(comment.get_absolute_url())
    visitor.save_author(response, request, form.cleaned_data, comment, proof)
    return response


@never_cache
def permalink(request, pk):
    """Sends a link to a comment to the page of the article that holds it."""
    mine = visitor.pending_ids(request)
    visible = Comment.objects.visible_to(mine)
    comment = get_object_or_404(visible.select_related("article"), pk=pk, article__in=Article.objects.published())
    page = comment.thread_page(pending_ids=mine)
    query = f"?cpage={page}" if page > 1 else ""
    return redirect(f"{comment.article.get_absolute_url()}{query}#comment-{comment.pk}")


@require_http_methods(["GET", "POST"])
@never_cache
def report(request, pk):
    """A reader reports a comment readers see to the moderators, once, with what is wrong with it."""
    visible = Comment.objects.shown().select_related("article")
    comment = get_object_or_404(visible, pk=pk, article__in=Article.objects.published())
    client_ip = request.META.get("REMOTE_ADDR", "")
    context = {"comment": comment, "article": comment.article}
    if request.method == "GET":
        reported = reports.has_reported(comment, session_key=request.session.session_key, client_ip=client_ip)
        return render(request, "comments/report_form.html", {**context, "form": ReportForm(), "reported": reported})
    if is_rate_limited(client_ip=client_ip, action="report"):
        return render(request, "comments/rate_limited.html", {**context, "reporting": True}, status=429)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "comments/report_form.html", {**context, "form": form}, status=400)
    if request.session.session_key is None:
        request.session.save()  # a session key tells this reader's reports apart from others'
        request.session.modified = True  # so the session cookie is sent with the answer
    recorded = reports.report_comment(comment, session_key=request.session.session_key, client_ip=client_ip,
                                      **form.cleaned_data)
    if recorded:
        messages.success(request, "Thank you for your report. A moderator will look at this comment.")
    else:
        messages.info(request, "You have already reported this comment. A moderator will look at it.")
    if comment.is_approved:
        return redirect(comment.get_absolute_url())
    return redirect(f"{comment.article.get_absolute_url()}#comments")


@csrf_exempt  # the signed token is the proof; mail clients send RFC 8058 one-click posts without a CSRF token
@require_http_methods(["GET", "POST"])
@never_cache
def unsubscribe(request, token):
    """Stops notices to a commenter: GET asks to confirm, POST (the button, or a mail client's one click) does it."""
    comment = notifications.comment_for_unsubscribe_token(token)
    if comment is None:
        return render(request, "comments/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        notifications.unsubscribe(comment)
        return render(request, "comments/unsubscribe.html", {"done": True})
    return render(request, "comments/unsubscribe.html", {"token": token})


@public_page
def privacy(request):
    """What is stored about commenters, for how long and why, and how to ask for a copy or its erasure."""
    return render(request, "comments/privacy.html", {
        "keep_days": settings.COMMENTS_KEEP_CLIENT_DAYS, "privacy_email": settings.PRIVACY_EMAIL,
        "session_days": settings.SESSION_COOKIE_AGE // (60 * 60 * 24),
    })
