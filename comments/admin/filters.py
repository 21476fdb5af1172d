"""Filters of the moderation queue and the ban list."""

from django.contrib import admin
from django.core import signing
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.text import Truncator

from articles.models import Article
from comments.admin.privacy import has_private_data_permission
from comments.models import Ban, Comment, Report

COMMENTER_SALT = "comments.admin.commenter"


def commenter_token(comment):
    """An opaque, signed stand-in for a comment's commenter in an admin address, so no email is in the URL."""
    return signing.dumps(comment.pk, salt=COMMENTER_SALT)


def commenter_email(token):
    """The email of the commenter a token stands for, or None if the token was altered or the comment is gone."""
    try:
        pk = signing.loads(token or "", salt=COMMENTER_SALT)
    except signing.BadSignature:
        return None
    return Comment.objects.filter(pk=pk).values_list("email", flat=True).first() if isinstance(pk, int) else None


class QueueStatusFilter(admin.SimpleListFilter):
    """Filters by status, showing the pending comments when no status is chosen, so the queue opens on them."""

    title = "status"
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, (self.ALL, "All")]

    def value(self):
        return super().value() or Comment.Status.PENDING

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(status=self.value())


class WaitingArticleFilter(admin.SimpleListFilter):
    """The articles with the most comments waiting, however many articles the site has."""

    title = "article"
    parameter_name = "article__id__exact"  # the address Django's own related filter used
    LISTED = 20

    def lookups(self, request, model_admin):
        busiest = (Comment.objects.pending().values("article").annotate(waiting=Count("pk"))
                   .order_by("-waiting")[:self.LISTED])
        waiting = {row["article"]: row["waiting"] for row in busiest}
        articles = Article.objects.filter(pk__in=waiting).only("headline")
        return sorted(((article.pk, f"{Truncator(article.headline).chars(50)} ({waiting[article.pk]})")
                       for article in articles), key=lambda choice: -waiting[choice[0]])

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(article=value) if value.isdigit() else queryset.none()


class CommenterFilter(admin.SimpleListFilter):
    """All the comments of one commenter (the same email, whatever the case), named by a signed token."""

    title = "commenter"
    parameter_name = "commenter"

    def lookups(self, request, model_admin):
        return []

    def has_output(self):
        return self.value() is not None  # shown, with a way out, only while it filters

    def choices(self, changelist):
        yield {"selected": False, "query_string": changelist.get_query_string(remove=[self.parameter_name]),
               "display": "All commenters"}
        yield {"selected": True, "query_string": changelist.get_query_string(), "display": "This commenter"}

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        email = commenter_email(self.value()) if has_private_data_permission(request) else None
        return queryset.from_email(email) if email else queryset.none()


class ReasonFilter(admin.SimpleListFilter):
    """Filters by why a rule held a comment, sent it to spam or let it through."""

    title = "reason"
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return Comment.ReasonKind.choices

    def queryset(self, request, queryset):
        return queryset.filter(reason_kind=self.value()) if self.value() else queryset


class SplitFilter(admin.SimpleListFilter):
    """Splits the rows in two: the first choice shows those that meet `condition()`, the second the rest."""

    split = []  # [(value, label) of the rows that meet the condition, (value, label) of the rest]

    def lookups(self, request, model_admin):
        return self.split

    def queryset(self, request, queryset):
        (meets, _), (rest, _) = self.split
        condition = self.condition()
        return {meets: queryset.filter(condition), rest: queryset.exclude(condition)}.get(self.value(), queryset)


class ReportedFilter(SplitFilter):
    title = "reader reports"
    parameter_name = "reported"
    split = [("yes", "Reported"), ("no", "Not reported")]

    def condition(self):
        return Exists(Report.objects.filter(comment=OuterRef("pk")))


class BanStateFilter(SplitFilter):
    title = parameter_name = "state"
    split = [("active", "In force"), ("ended", "Lifted or expired")]

    def condition(self):
        return Q(pk__in=Ban.objects.active().values("pk"))


