"""The moderation queue: comments oldest first, opening on those waiting, with private data for those allowed."""

from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce
from django.urls import path
from django.utils.text import Truncator
from django.utils.timesince import timesince

from comments import decisions
from comments.admin.actions import ModerationActionsMixin
from comments.admin.filters import (
    CommenterFilter,
    QueueStatusFilter,
    ReasonFilter,
    ReportedFilter,
    WaitingArticleFilter,
)
from comments.admin.forms import CommentAdminForm, ModerationActionForm
from comments.admin.notes import CommenterRecordMixin
from comments.admin.privacy import has_private_data_permission
from comments.admin.requests import PersonalDataRequestsMixin
from comments.admin.workspace import WorkspaceMixin
from comments.models import BulkDecision, Comment, Report
from newsroom.admin import CappedCountPaginator, ValidatedActionsMixin


@admin.register(Comment)
class CommentAdmin(WorkspaceMixin, ModerationActionsMixin, CommenterRecordMixin, PersonalDataRequestsMixin,
                   ValidatedActionsMixin, admin.ModelAdmin):
    list_display = ["excerpt", "on_article", "name", "status", "why", "reports", "is_pick", "created_at", "waited"]
    list_display_links = ["excerpt"]
    list_filter = [QueueStatusFilter, CommenterFilter, ReasonFilter, ReportedFilter, "is_pick", "rejection_reason",
                   WaitingArticleFilter]
    list_select_related = ["article"]
    search_fields = ["body", "name", "article__headline"]
    ordering = ["created_at", "pk"]  # oldest waiting first
    # A queue of hundreds of thousands opens without counting them all.
    paginator = CappedCountPaginator
    show_full_result_count = False
    form = CommentAdminForm
    fields = ["article", "parent", "name", "website", "body", "status", "rejection_reason", "why", "reader_reports",
              "is_pick", "is_subscribed", "created_at", "moderated_at", "moderated_by", "email", "ip_address",
              "user_agent", "commenter_history", "note", "reply"]
    readonly_fields = ["article", "parent", "name", "website", "body", "why", "reader_reports", "is_pick",
                       "is_subscribed", "created_at", "moderated_at", "moderated_by", "email", "ip_address",
                       "user_agent", "commenter_history"]
    private_fields = {"email", "ip_address", "user_agent", "commenter_history", "history", "note"}
    decision_fields = ["status", "rejection_reason"]
    action_form = ModerationActionForm
    actions = ["approve", "reject", "mark_spam", "mark_pick", "unmark_pick", "ban_commenters"]

    def get_queryset(self, request):
        reports = Report.objects.filter(comment=OuterRef("pk")).order_by().values("comment")
        queryset = super().get_queryset(request).annotate(
            report_count=Coalesce(Subquery(reports.annotate(n=Count("pk")).values("n")[:1]), 0)
        )
        if self.has_private_data_permission(request):
            queryset = queryset.with_commenter_history()
        return queryset

    def get_urls(self):
        search = path("search/", self.admin_site.admin_view(self.search_view), name="comments_comment_search")
        return [search, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        for job in BulkDecision.objects.filter(finished_at=None)[:3]:
            self.message_user(request, f"{job}: under way in the background.", messages.INFO)
        extra_context = {"has_private_data_permission": self.has_private_data_permission(request),
                         **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_list_display(self, request):
        if self.has_private_data_permission(request):
            return [*self.list_display, "history"]
        return self.list_display

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self.has_note_permission(request):
            fields = [name for name in fields if name != "note"]
        if not self.has_moderate_permission(request):
            fields = [name for name in fields if name != "reply"]
        if self.has_private_data_permission(request):
            return fields
        return [name for name in fields if name not in self.private_fields]

    def get_search_fields(self, request):
        # Searching by email would let staff without the permission probe for an address.
        if self.has_private_data_permission(request):
            return [*self.search_fields, "email"]
        return self.search_fields

    def lookup_allowed(self, lookup, value, request=None):
        # A filter in the address is a search too: ?email__startswith=a would reveal an address letter by letter.
        if self.private_fields.intersection(lookup.split(LOOKUP_SEP)) and not self.has_private_data_permission(request):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_readonly_fields(self, request, obj=None):
        if self.has_moderate_permission(request):
            return self.readonly_fields
        return [*self.readonly_fields, *self.decision_fields]

    def has_add_permission(self, request):
        return False  # replies come from readers, through the article page

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def has_private_data_permission(self, request):
        return has_private_data_permission(request)

    def has_ban_permission(self, request):
        # The ban page shows the addresses it bans.
        return request.user.has_perm("comments.add_ban") and self.has_private_data_permission(request)

    @admin.display(description="Comment")
    def excerpt(self, obj):
        return obj.excerpt

    @admin.display(description="Article", ordering="article__headline")
    def on_article(self, obj):
        return Truncator(obj.article.headline).chars(50)

    @admin.display(description="Why", ordering="reason")
    def why(self, obj):
        return obj.reason or "—"

    @admin.display(description="Reports", ordering="report_count")
    def reports(self, obj):
        return obj.report_count or "—"

    @admin.display(description="Waiting for", ordering="created_at")
    def waited(self, obj):
        return timesince(obj.created_at) if obj.is_pending else "—"

    def save_model(self, request, obj, form, change):
        """A status chosen on the change page is a moderation decision like the bulk actions."""
        self.save_note(request, obj, form)
        if "status" in form.changed_data:
            status, reason = obj.status, obj.rejection_reason
            obj.status = form.initial["status"]
            outcome = decisions.decide(Comment.objects.filter(pk=obj.pk), status=status, by=request.user,
                                       reason=reason)
            if outcome.refused:
                self.message_user(request, "This reply was not approved because the comment it answers is not "
                                  "approved. Approve that one first.", messages.WARNING)
            obj.refresh_from_db()
        else:
            super().save_model(request, obj, form, change)
        self.save_reply(request, obj, form)  # after the decision, which may be to approve the comment answered

    def save_reply(self, request, obj, form):
        """Publish the staff reply typed on the change page, for staff who moderate."""
        body = form.cleaned_data.get("reply", "") if self.has_moderate_permission(request) else ""
        if not body:
            return
        try:
            reply = decisions.staff_reply(obj, body=body, by=request.user)
        except ValueError as error:
            self.message_user(request, str(error), messages.WARNING)
            return
        self.message_user(request, f"Your reply was published as {reply.name}.")
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        decisions.delete(Comment.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        decisions.delete(queryset)

    def construct_change_message(self, request, form, formsets, add=False):
        # decide() has recorded what became of the status, a refused approval included, so saying
        # "Changed Status." again would be redundant at best and untrue at worst. save_note() has recorded a note.
        message = super().construct_change_message(request, form, formsets, add)
        recorded = {"note", "reply", *self.decision_fields} if "status" in form.changed_data else {"note", "reply"}
        labels = {str(form.fields[name].label) for name in recorded if name in form.fields}
        kept = []
        for entry in message:
            if "changed" in entry:
                fields = [name for name in entry["changed"]["fields"] if name not in labels]
                if not fields:
                    continue
                entry = {"changed": {**entry["changed"], "fields": fields}}
            kept.append(entry)
        return kept

    def log_change(self, request, obj, message):
        if not message:
            return None  # nothing changed that decide() has not recorded
        return super().log_change(request, obj, message)
