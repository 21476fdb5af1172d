import json

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Article
from comments import moderation, services
from comments.forms import ReplyForm, ReportForm
from comments.models import Comment
from comments.services import comments_are_open, is_rate_limited, pending_ids, submit_reply

REMEMBER_COOKIE = "comment_author"
REMEMBER_SALT = "comments.remember"
REMEMBER_FIELDS = ("name", "email", "website")
REMEMBER_MAX_AGE = 60 * 60 * 24 * 365
# Proof that this browser posted earlier comments: their ids, signed. Trust needs it (see README).
TRUST_COOKIE = "comment_trust"
TRUST_SALT = "comments.trust"


def remembered_author(request):
    """Name, email and website saved in this browser by the poster's own choice, or an empty dict."""
    try:
        data = json.loads(request.get_signed_cookie(REMEMBER_COOKIE, salt=REMEMBER_SALT, default="{}"))
    except ValueError:
        return {}
    return {key: str(data[key]) for key in REMEMBER_FIELDS if key in data} if isinstance(data, dict) else {}


def trust_proof(request):
    """The ids of the comments this browser posted, from its signed cookie; an empty list if absent or forged."""
    try:
        data = json.loads(request.get_signed_cookie(TRUST_COOKIE, salt=TRUST_SALT, default="[]"))
    except ValueError:
        return []
    if not isinstance(data, list):
        return []
    return [pk for pk in data if isinstance(pk, int)][-moderation.proof_size():]


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
    proof = trust_proof(request)
    comment = submit_reply(
        form.save(commit=False),
        client_ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.headers.get("User-Agent", ""),
        session=request.session,
        proof_ids=proof,
    )
    if comment.is_approved:
        messages.success(request, "Your comment is published.")
    else:
        # Spam is answered and shown to its poster like a held comment, so a spammer learns nothing.
        messages.info(request, "Your comment is awaiting moderation.")
    response = redirect(comment.get_absolute_url())
    cookie = {"max_age": REMEMBER_MAX_AGE, "httponly": True, "samesite": "Lax", "secure": request.is_secure()}
    if form.cleaned_data["remember"]:
        saved = json.dumps({key: form.cleaned_data[key] for key in REMEMBER_FIELDS})
        response.set_signed_cookie(REMEMBER_COOKIE, saved, salt=REMEMBER_SALT, **cookie)
        proof = json.dumps(moderation.proof_to_keep(proof, comment))
        response.set_signed_cookie(TRUST_COOKIE, proof, salt=TRUST_SALT, **cookie)
    else:
        response.delete_cookie(REMEMBER_COOKIE, samesite="Lax")
        response.delete_cookie(TRUST_COOKIE, samesite="Lax")
    return response


def permalink(request, pk):
    """Sends a link to a comment to the page of the article that holds it."""
    mine = pending_ids(request.session)
    visible = Comment.objects.visible_to(mine)
    comment = get_object_or_404(visible.select_related("article"), pk=pk, article__in=Article.objects.published())
    page = comment.thread_page(pending_ids=mine)
    query = f"?cpage={page}" if page > 1 else ""
    return redirect(f"{comment.article.get_absolute_url()}{query}#comment-{comment.pk}")


@require_http_methods(["GET", "POST"])
def report(request, pk):
    """A reader reports a comment readers see to the moderators, once, with what is wrong with it."""
    visible = Comment.objects.shown().select_related("article")
    comment = get_object_or_404(visible, pk=pk, article__in=Article.objects.published())
    client_ip = request.META.get("REMOTE_ADDR", "")
    context = {"comment": comment, "article": comment.article}
    if request.method == "GET":
        reported = services.has_reported(comment, request.session.session_key, client_ip)
        return render(request, "comments/report_form.html", {**context, "form": ReportForm(), "reported": reported})
    if is_rate_limited(client_ip, action="report"):
        return render(request, "comments/rate_limited.html", {**context, "reporting": True}, status=429)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "comments/report_form.html", {**context, "form": form}, status=400)
    if request.session.session_key is None:
        request.session.save()  # a session key tells this reader's reports apart from others'
        request.session.modified = True  # so the session cookie is sent with the answer
    recorded = services.report_comment(comment, session_key=request.session.session_key, client_ip=client_ip,
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
def unsubscribe(request, token):
    """Stops notices to a commenter: GET asks to confirm, POST (the button, or a mail client's one click) does it."""
    comment = services.comment_for_unsubscribe_token(token)
    if comment is None:
        return render(request, "comments/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        services.unsubscribe(comment)
        return render(request, "comments/unsubscribe.html", {"done": True})
    return render(request, "comments/unsubscribe.html", {"token": token})
