"""Data requests about one email address: a copy of everything stored about it, or its erasure."""

import re
import secrets

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import pagecache
from comments import decisions
from comments.models import Ban, Comment, ModeratorNote, Report

ANONYMOUS = "Anonymous"
REDACTED = "[email address removed]"


def erased_email():
    """A placeholder for an erased address: unique to each comment, never anyone's (.invalid is reserved)."""
    return f"erased-{secrets.token_hex(8)}@erased.invalid"


def export(email):
    """Everything stored about this email address, as plain values ready for JSON."""
    comments = Comment.objects.from_email(email).select_related("article").prefetch_related("reports")
    comments = list(comments.order_by("created_at", "pk"))
    addresses = {comment.ip_address for comment in comments if comment.ip_address}
    bans = Ban.objects.matching(email).filter(kind=Ban.Kind.EMAIL)
    for address in addresses:
        bans |= Ban.objects.matching("", address).filter(kind=Ban.Kind.ADDRESS)
    return {
        "email": email,
        "exported_at": _iso(timezone.now()),
        "comments": [_comment(comment) for comment in comments],
        "moderator_notes": [
            {"id": note.pk, "comment": note.comment_id, "note": note.body, "written_at": _iso(note.created_at)}
            for note in ModeratorNote.objects.from_email(email).order_by("created_at", "pk")
        ],
        "bans": [
            {"id": ban.pk, "kind": ban.kind, "value": ban.value, "reason": ban.reason,
             "created_at": _iso(ban.created_at), "expires_at": _iso(ban.expires_at), "lifted_at": _iso(ban.lifted_at)}
            for ban in bans.distinct().order_by("created_at", "pk")
        ],
        "subscriptions": [
            {"comment": comment.pk, "article": comment.article.headline}
            for comment in comments if comment.is_subscribed
        ],
    }


def _comment(comment):
    return {
        "id": comment.pk,
        "article": comment.article.headline,
        "article_url": comment.article.get_absolute_url(),
        "in_reply_to": comment.parent_id,
        "status": comment.status,
        "created_at": _iso(comment.created_at),
        "moderated_at": _iso(comment.moderated_at),
        "name": comment.name,
        "email": comment.email,
        "website": comment.website,
        "comment": comment.body,
        "client_address": comment.ip_address,
        "browser": comment.user_agent,
        "wants_email_notices": comment.is_subscribed,
        "reports": [
            {"concern": report.concern, "detail": report.detail, "created_at": _iso(report.created_at)}
            for report in comment.reports.all()
        ],
    }


def _iso(moment):
    return moment.isoformat() if moment else None


def erase(email, *, delete_comments=False):
    """Remove this email address from every row that holds it; returns what was done, counted.

    Its comments are kept as "Anonymous", without email, client address, browser or website, or deleted (with
    the replies under them) when `delete_comments`; notes on it and bans of it are deleted, mail queued for it
    is cancelled, and the address is blanked wherever else it was written.
    """
    email = (email or "").strip()
    if not email:
        raise ValueError("An email address is needed.")
    done = {"comments_anonymised": 0, "comments_deleted": 0, "notes_deleted": 0, "bans_deleted": 0,
            "queued_mail_cancelled": 0, "texts_redacted": 0}
    with transaction.atomic():
        comments = Comment.objects.from_email(email)
        if delete_comments:
            done["comments_deleted"] = decisions.delete(comments)
        else:
            done["comments_anonymised"] = _anonymise(list(comments.select_related("article", "parent")))
        done["notes_deleted"], _ = ModeratorNote.objects.from_email(email).delete()
        done["bans_deleted"], _ = Ban.objects.matching(email).filter(kind=Ban.Kind.EMAIL).delete()
        done["queued_mail_cancelled"] = _cancel_tasks(email)
        done["texts_redacted"] = _redact_everywhere(email)
    return done


def _anonymise(comments):
    content_type = ContentType.objects.get_for_model(Comment)
    for comment in comments:
        comment.name, comment.email, comment.website = ANONYMOUS, erased_email(), ""
        comment.ip_address, comment.user_agent, comment.is_subscribed = None, "", False
        comment.save(update_fields=["name", "email", "website", "ip_address", "user_agent", "is_subscribed"])
        # The admin history names the comment by its commenter's name.
        LogEntry.objects.filter(content_type=content_type, object_id=str(comment.pk)).update(
            object_repr=str(comment)[:200])
    if comments:
        pagecache.invalidate()
    return len(comments)


def _cancel_tasks(email):
    """Delete the queued or finished tasks that carry the address in the database: mail to it, above all."""
    holding = DBTaskResult.objects.alias(
        arguments=Cast("args_kwargs", TextField()), returned=Cast("return_value", TextField()),
    ).filter(Q(arguments__icontains=email) | Q(returned__icontains=email) | Q(traceback__icontains=email))
    count, _ = holding.delete()
    return count


def _redact_everywhere(email):
    """Blank the address where people wrote it: comment texts, notes, reports and the admin history."""
    pattern = re.compile(re.escape(email), re.IGNORECASE)
    count = 0
    for comment in Comment.objects.filter(body__icontains=email):
        comment.body = pattern.sub(REDACTED, comment.body)
        comment.save(update_fields=["body", "body_html", "body_digest"])
        count += 1
    for model, fields in [(ModeratorNote, ["body"]), (Report, ["detail"]),
                          (LogEntry, ["object_repr", "change_message"])]:
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": email})
        for row in model.objects.filter(condition):
            for name in fields:
                setattr(row, name, pattern.sub(REDACTED, getattr(row, name)))
            row.save(update_fields=fields)
            count += 1
    if count:
        pagecache.invalidate()
    return count
