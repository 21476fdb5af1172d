"""Moderation rules and writes that span models: the one place a reply is accepted."""

import ipaddress
import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from articles.sanitize import strip_control_characters
from comments import moderation
from comments.models import Ban, Comment, Report, shown_condition

logger = logging.getLogger(__name__)

SESSION_PENDING_KEY = "comments_pending"
SESSION_PENDING_LIMIT = 20
DIGEST_CACHE_KEY = "comments:moderator-digest"  # when the last digest went out, for COMMENTS_DIGEST_MINUTES
DIGEST_WAITING_KEY = "comments:moderator-digest-waiting"  # comments were held since the last digest
DIGEST_LISTED = 10
UNSUBSCRIBE_SALT = "comments.unsubscribe"


def comments_are_open(article):
    """Replies are open while the article allows them and it is not older than COMMENTS_CLOSE_AFTER_DAYS."""
    if not article.comments_open:
        return False
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days is None or article.published_at is None:
        return True
    return article.published_at > timezone.now() - timedelta(days=days)


def client_network(address):
    """The network a client address stands for: an IPv4 address itself, or the /64 an IPv6 address belongs to."""
    # One IPv6 subscriber gets a whole /64 and can pick any address in it, so it counts as one client.
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return address or ""
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return ipaddress.ip_network(f"{ip}/64", strict=False).compressed
    return str(ip)


def is_rate_limited(client_ip, action="post"):
    """Count one attempt to post (or report) from `client_ip`'s network and say whether it went over the limit."""
    network = client_network(client_ip)
    key = f"comments:rate:{network}" if action == "post" else f"comments:rate:{action}:{network}"
    period = settings.COMMENTS_RATE_PERIOD
    if cache.add(key, 1, timeout=period):
        return settings.COMMENTS_RATE_LIMIT < 1
    try:
        attempts = cache.incr(key)
    except ValueError:  # the window expired between add() and incr()
        cache.add(key, 1, timeout=period)
        attempts = 1
    return attempts > settings.COMMENTS_RATE_LIMIT


def submit_reply(comment, client_ip=None, user_agent="", session=None, proof_ids=()):
    """Store a reader's reply with the status and reason the moderation rules give it, and tell whom it concerns."""
    # A reply held or sent to spam is remembered for its poster's session, who sees either as awaiting moderation;
    # a held one is announced to moderators. An approved one is announced to the commenter it answers, if they
    # asked. Mail goes out once the reply is committed.
    comment.ip_address = client_ip or None
    comment.user_agent = strip_control_characters(user_agent or "")[:300]  # PostgreSQL refuses null bytes
    verdict = moderation.assess(comment, client_ip=comment.ip_address, proof_ids=proof_ids)
    comment.status, comment.reason, comment.reason_kind = verdict.status, verdict.reason, verdict.kind
    comment.save()
    if not comment.is_approved and session is not None:
        pending = [pk for pk in session.get(SESSION_PENDING_KEY, []) if pk != comment.pk]
        session[SESSION_PENDING_KEY] = [*pending, comment.pk][-SESSION_PENDING_LIMIT:]
    if comment.is_pending:
        transaction.on_commit(notify_moderators)
    else:
        transaction.on_commit(send_owed_digest)
    if comment.is_approved and comment.parent_id:
        transaction.on_commit(partial(send_commenter_notices, [comment.pk]))
    return comment


def decide(queryset, status, by, rejection_reason=""):
    """Apply a moderator's decision and, after commit, mail the commenters who asked; returns {comment: old status}."""
    Status = Comment.Status
    if status not in Status.values:
        raise ValueError(f"Unknown comment status: {status!r}")
    before = dict(queryset.values_list("pk", "status"))
    if status == Status.APPROVED:
        queryset.approve(by=by)
    elif status == Status.REJECTED:
        queryset.reject(by=by, reason=rejection_reason)
    elif status == Status.SPAM:
        queryset.mark_spam(by=by)
    elif status == Status.PENDING:
        queryset.hold(by=by)
    after = Comment.objects.filter(pk__in=before).select_related("article")
    changed = {comment: before[comment.pk] for comment in after if comment.status != before[comment.pk]}
    approved = [comment.pk for comment in changed if comment.is_approved]
    if approved:
        transaction.on_commit(partial(send_commenter_notices, approved))
    return changed


def reader_keys(session_key, client_ip):
    """Keyed hashes that tell one reader's reports apart without storing their session or network."""
    return (salted_hmac("comments.report.session", session_key or "", algorithm="sha256").hexdigest(),
            salted_hmac("comments.report.address", client_network(client_ip), algorithm="sha256").hexdigest())


def has_reported(comment, session_key, client_ip):
    session_hash, address_hash = reader_keys(session_key, client_ip)
    return comment.reports.filter(Q(session_key=session_hash) | Q(address_key=address_hash)).exists()


def report_comment(comment, concern, detail="", session_key="", client_ip=""):
    """Record one reader's report, saying whether it was new; enough readers send the comment back to the queue."""
    # A reader is a browser session and a client address: either one already seen on this comment refuses the
    # report. Only reports since the comment's last moderation count, so a moderator's approval clears the slate.
    if has_reported(comment, session_key, client_ip):
        return False
    session_hash, address_hash = reader_keys(session_key, client_ip)
    try:
        with transaction.atomic():
            Report.objects.create(comment=comment, concern=concern, detail=detail, session_key=session_hash,
                                  address_key=address_hash)
    except IntegrityError:  # the same reader, in two requests at once
        return False
    reports = comment.reports.all()
    if comment.moderated_at is not None:
        reports = reports.filter(created_at__gt=comment.moderated_at)
    count = reports.count()
    if count >= settings.COMMENTS_REPORT_THRESHOLD:
        held = Comment.objects.approved().filter(pk=comment.pk).update(
            status=Comment.Status.PENDING, reason=f"held: reported by {count} readers",
            reason_kind=Comment.ReasonKind.REPORTED,
        )
        if held:
            transaction.on_commit(notify_moderators)
    comment.refresh_from_db()
    return True


def ban_commenters(comments, kind, by, reason="", expires_at=None):
    """Ban the email, email domain or client address of each comment, once each; returns the new bans."""
    values = set()
    for comment in comments:
        raw = {Ban.Kind.EMAIL: comment.email, Ban.Kind.DOMAIN: comment.email.rpartition("@")[2],
               Ban.Kind.ADDRESS: comment.ip_address}[kind]
        try:
            values.add(Ban.normalise(kind, raw))
        except ValueError:
            continue  # a comment without a client address, say
    in_force = set(Ban.objects.active().filter(kind=kind, value__in=values).values_list("value", flat=True))
    return Ban.objects.bulk_create([
        Ban(kind=kind, value=value, reason=reason, expires_at=expires_at, created_by=by)
        for value in sorted(values - in_force)
    ])


def unsubscribe_url(comment):
    """An address that stops notices to the commenter of `comment`, proven by its signature, not a login."""
    token = signing.dumps(comment.pk, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("comments:unsubscribe", kwargs={"token": token})


def comment_for_unsubscribe_token(token):
    """The comment an unsubscribe link was made for, or None if the link was altered or the comment is gone."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Comment.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def unsubscribe(comment):
    """Stop every notice to the email of `comment`, for all the comments posted with it."""
    return Comment.objects.from_email(comment.email).filter(is_subscribed=True).update(is_subscribed=False)


def moderator_addresses():
    """The email addresses of active staff who may moderate comments."""
    permission = {"codename": "moderate_comment", "content_type__app_label": "comments"}
    can_moderate = (Q(is_superuser=True) | Q(**{f"user_permissions__{k}": v for k, v in permission.items()})
                    | Q(**{f"groups__permissions__{k}": v for k, v in permission.items()}))
    users = get_user_model().objects.filter(can_moderate, is_active=True, is_staff=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def notify_moderators():
    """Email moderators what waits in the queue, at most once every COMMENTS_DIGEST_MINUTES; returns mails sent."""
    # The period starts when a digest has gone out. Comments held within it are noted in the cache, and the next
    # digest, sent when a comment is posted after the period, lists the whole queue with them.
    if not settings.COMMENTS_NOTIFY_MODERATORS:
        return 0
    now, period = time.time(), settings.COMMENTS_DIGEST_MINUTES * 60
    # add() claims the period atomically across workers; the stored time also ends it where the cache's own
    # expiry is late or does not follow the clock.
    if not cache.add(DIGEST_CACHE_KEY, now, timeout=period):
        sent_at = cache.get(DIGEST_CACHE_KEY)
        if isinstance(sent_at, float) and now - sent_at < period:
            cache.set(DIGEST_WAITING_KEY, True, timeout=None)
            return 0
        cache.set(DIGEST_CACHE_KEY, now, timeout=period)
    cache.delete(DIGEST_WAITING_KEY)
    recipients = moderator_addresses()
    pending = Comment.objects.pending().select_related("article").order_by("created_at", "pk")
    count = pending.count() if recipients else 0
    sent = 0
    if count:
        context = {"count": count, "comments": list(pending[:DIGEST_LISTED]),
                   "minutes": settings.COMMENTS_DIGEST_MINUTES, "site_name": settings.SITE_NAME,
                   "queue_url": settings.SITE_URL + reverse("admin:comments_comment_changelist")}
        subject = f"[{settings.SITE_NAME}] {count} comment{'s' if count != 1 else ''} waiting for moderation"
        body = render_to_string("comments/email/moderator_digest.txt", context)
        sent = _send([EmailMessage(subject, body, to=[address]) for address in recipients])
    if not sent:
        cache.delete(DIGEST_CACHE_KEY)  # nothing went out, so the next held comment is announced at once
        if count:
            cache.set(DIGEST_WAITING_KEY, True, timeout=None)  # the mail server failed: still owed
    return sent


def send_owed_digest():
    """Send the digest owed for comments held during the last period, if that period is over."""
    if cache.get(DIGEST_WAITING_KEY):
        return notify_moderators()
    return 0


def send_commenter_notices(comment_ids):
    """Tell opted-in commenters that a moderator approved their comment, or that an approved reply answers it."""
    approved = Comment.objects.approved().filter(pk__in=comment_ids).select_related("article", "parent")
    # A comment put back after readers reported it was announced when it was first published.
    approved = list(approved.exclude(reason_kind=Comment.ReasonKind.REPORTED))
    messages = [_approval_notice(comment) for comment in approved
                if comment.is_subscribed and comment.is_approved_by_moderator]
    replies_by_parent = {}
    for reply in approved:
        parent = reply.parent
        if parent is not None and parent.email.lower() != reply.email.lower():
            replies_by_parent.setdefault(parent, []).append(reply)
    for parent, replies in replies_by_parent.items():
        # A comment published by a rule vouches for nothing: its email may be a stranger's, typed by someone else.
        if parent.is_subscribed and parent.is_approved_by_moderator:
            messages.append(_reply_notice(parent, replies))
    _send(messages)


def _approval_notice(comment):
    subject = f"Your comment on “{comment.article.headline}” is published"
    return _notice(comment, subject, "comments/email/comment_approved.txt", {})


def _reply_notice(parent, replies):
    subject = f"New repl{'ies' if len(replies) > 1 else 'y'} to your comment on “{parent.article.headline}”"
    links = [(reply, settings.SITE_URL + reply.get_absolute_url()) for reply in replies]
    return _notice(parent, subject, "comments/email/reply_posted.txt", {"replies": links})


def _notice(comment, subject, template_name, context):
    """A message to a commenter with a one-click unsubscribe link (RFC 8058) in its body and headers."""
    unsubscribe = unsubscribe_url(comment)
    context = {"comment": comment, "comment_url": settings.SITE_URL + comment.get_absolute_url(),
               "unsubscribe_url": unsubscribe, "site_name": settings.SITE_NAME, **context}
    headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return EmailMessage(" ".join(subject.split()), render_to_string(template_name, context), to=[comment.email],
                        headers=headers)


def _send(messages):
    """Send each message over one connection; a failing mail server is logged, and what was stored stays stored."""
    if not messages:
        return 0
    connection = get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        for message in messages:
            _log_unsent(message, error)
        return 0
    sent = 0
    try:
        for message in messages:  # one at a time, so that one refused recipient does not stop the others
            try:
                sent += connection.send_messages([message]) or 0
            except (smtplib.SMTPException, OSError) as error:
                _log_unsent(message, error)
    finally:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            pass  # the messages were handed over; a failed goodbye loses nothing
    return sent


def _log_unsent(message, error):
    # The class name only: refused-recipient errors carry the addresses, which logs must not keep.
    logger.error("Mail “%s” not sent: %s", message.subject, type(error).__name__)


def pending_ids(session):
    return session.get(SESSION_PENDING_KEY, []) if session is not None else []


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


def build_thread(article, session=None, page_number=1, picks_only=False):
    """One page of the comment section in three queries, however long the discussion: counts, threads, replies."""
    visible = article.comments.visible_to(pending_ids(session))
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
    return Thread(page=page, approved_count=counts["approved"], picks_count=counts["picks"],
                  showing_picks=showing_picks, has_pending=any(not comment.is_approved for comment in comments))


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


def approved_counts(articles):
    """Comments readers see per article id, for a list of articles, in one query."""
    ids = [article.pk for article in articles]
    if not ids:
        return {}
    rows = Comment.objects.shown().filter(article__in=ids).values("article").annotate(n=Count("pk"))
    return {row["article"]: row["n"] for row in rows}
