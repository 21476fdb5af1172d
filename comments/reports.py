"""Readers' reports: one per reader and comment; enough of them send a comment back to the moderators."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.crypto import salted_hmac

from comments import decisions
from comments.models import Report
from comments.ratelimit import client_network


def reader_keys(session_key, client_ip):
    """Keyed hashes that tell one reader's reports apart without storing their session or network."""
    return (salted_hmac("comments.report.session", session_key or "", algorithm="sha256").hexdigest(),
            salted_hmac("comments.report.address", client_network(client_ip), algorithm="sha256").hexdigest())


def has_reported(comment, *, session_key, client_ip):
    session_hash, address_hash = reader_keys(session_key, client_ip)
    return comment.reports.filter(Q(session_key=session_hash) | Q(address_key=address_hash)).exists()


def report_comment(comment, *, concern, detail="", session_key="", client_ip=""):
    """Record one reader's report, saying whether it was new; enough readers send the comment back to the queue."""
    # A reader is a browser session and a client address: either one already seen on this comment refuses the
    # report. Only reports since the comment's last moderation count, so a moderator's approval clears the slate.
    if has_reported(comment, session_key=session_key, client_ip=client_ip):
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
        decisions.hold_reported(comment, report_count=count)
    comment.refresh_from_db()
    return True
