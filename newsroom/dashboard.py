"""The admin's front page: what each staff member has to act on, by what their permissions let them see."""

from datetime import datetime, time, timedelta
from statistics import median

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from articles.models import Article
from comments.models import Comment, Report
from newsroom.charts import bar_chart

DAYS = 30
LISTED = 5
MEDIAN_SAMPLE = 5000  # the latest decisions the median is taken over


def for_user(user):
    """The dashboard panels this user may see: their own articles, the editors' desk, the moderators' queue."""
    panels = {}
    if hasattr(user, "author") and user.has_perm("articles.change_article"):
        panels["writing"] = writing(user)
    if user.has_perm("articles.publish_article"):
        panels["desk"] = desk()
    if user.has_perm("comments.moderate_comment"):
        panels["moderation"] = moderation()
        panels["activity"] = activity()
    return {"dashboard": panels}


def writing(user):
    mine = Article.objects.filter(author__user=user).order_by("-updated_at")
    return {"drafts": mine.filter(status=Article.Status.DRAFT)[:LISTED],
            "draft_count": mine.filter(status=Article.Status.DRAFT).count(),
            "in_review": mine.filter(status=Article.Status.REVIEW)[:LISTED]}


def desk():
    now = timezone.now()
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    published = Article.objects.filter(status=Article.Status.PUBLISHED).select_related("author")
    review = Article.objects.filter(status=Article.Status.REVIEW).select_related("author").order_by("updated_at")
    return {"review": review[:LISTED], "review_count": review.count(),
            "scheduled": published.filter(published_at__gt=now).order_by("published_at")[:LISTED],
            "published_today": published.filter(published_at__gte=start_of_day, published_at__lte=now)
                                        .order_by("-published_at")}


def moderation():
    pending = Comment.objects.pending()
    labels = dict(Comment.ReasonKind.choices)
    by_reason = pending.values("reason_kind").annotate(n=Count("pk")).order_by("-n", "reason_kind")
    return {"pending_count": pending.count(),
            "oldest": pending.select_related("article").order_by("created_at", "pk").first(),
            "reported_waiting": pending.filter(reason_kind=Comment.ReasonKind.REPORTED).count(),
            "reports_this_week": Report.objects.filter(created_at__gte=timezone.now() - timedelta(days=7)).count(),
            "by_reason": [(labels.get(row["reason_kind"], "Other"), row["n"]) for row in by_reason]}


def activity(days=DAYS):
    """Comments received, approved and rejected (or spam) per day, the median wait for a decision, busiest articles."""
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    since = timezone.make_aware(datetime.combine(first, time.min))
    dates = [first + timedelta(days=number) for number in range(days)]
    received = per_day(Comment.objects.filter(created_at__gte=since), "created_at")
    decided = Comment.objects.filter(moderated_at__gte=since, moderated_by__isnull=False)
    approved = per_day(decided.filter(status=Comment.Status.APPROVED), "moderated_at")
    rejected = per_day(decided.filter(status__in=[Comment.Status.REJECTED, Comment.Status.SPAM]), "moderated_at")
    chart = bar_chart([date.strftime("%d %b") for date in dates], {
        "received": [received.get(date, 0) for date in dates],
        "approved": [approved.get(date, 0) for date in dates],
        "rejected or spam": [rejected.get(date, 0) for date in dates],
    })
    busiest = (Comment.objects.filter(created_at__gte=since).values("article__headline", "article__pk")
               .annotate(n=Count("pk"), waiting=Count("pk", filter=Q(status=Comment.Status.PENDING)))
               .order_by("-n", "article__pk")[:LISTED])
    return {"chart": chart, "days": days, "median_wait": median_wait(decided.filter(user=None)),
            "busiest": busiest}


def per_day(comments, field):
    rows = comments.annotate(day=TruncDate(field, tzinfo=timezone.get_current_timezone())).values("day")
    return {row["day"]: row["n"] for row in rows.annotate(n=Count("pk")).order_by()}


def median_wait(decided):
    """The median time from posting to a moderator's decision, in words, or None without decisions."""
    pairs = decided.order_by("-moderated_at").values_list("created_at", "moderated_at")[:MEDIAN_SAMPLE]
    waits = [(moderated_at - created_at).total_seconds() for created_at, moderated_at in pairs]
    return duration_text(median(waits)) if waits else None


def duration_text(seconds):
    """A wait in words a moderator reads at a glance: “45 s”, “12 min”, “3 h 20 min”, “2 days 4 h”."""
    minutes, hours = round(seconds) // 60, round(seconds) // 3600
    if seconds < 60:
        return f"{round(seconds)} s"
    if hours < 1:
        return f"{minutes} min"
    if hours < 24:
        return f"{hours} h {minutes % 60} min"
    return f"{hours // 24} days {hours % 24} h" if hours >= 48 else f"1 day {hours % 24} h"
