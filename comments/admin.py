from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import ngettext

from comments import services
from comments.models import Ban, Comment, Concern, ModeratorNote, Report, StrictTag, WordRule
from newsroom.admin import ValidatedActionsMixin


class ModerationActionForm(helpers.ActionForm):
    """The admin's action bar, with a rejection reason for the Reject action."""

    rejection_reason = forms.ChoiceField(
        label="Rejection reason:", required=False, choices=[("", "none"), *Concern.choices]
    )


class BanForm(forms.Form):
    DURATIONS = [("1", "1 day"), ("7", "7 days"), ("30", "30 days"), ("365", "a year"), ("", "for good")]

    kind = forms.ChoiceField(label="Ban their", choices=Ban.Kind.choices, initial=Ban.Kind.EMAIL,
                             widget=forms.RadioSelect)
    reason = forms.CharField(max_length=200, required=False, help_text="Recorded with each comment the ban stops.")
    duration = forms.ChoiceField(label="For", choices=DURATIONS, required=False, initial="30")
    mark_spam = forms.BooleanField(label="Also mark the selected comments as spam", required=False, initial=True)

    def expires_at(self):
        days = self.cleaned_data["duration"]
        return timezone.now() + timedelta(days=int(days)) if days else None


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


class ReasonFilter(admin.SimpleListFilter):
    """Filters by why a rule held a comment, sent it to spam or let it through."""

    title = "reason"
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return Comment.ReasonKind.choices

    def queryset(self, request, queryset):
        return queryset.filter(reason_kind=self.value()) if self.value() else queryset


class ReportedFilter(admin.SimpleListFilter):
    title = "reader reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", "Reported"), ("no", "Not reported")]

    def queryset(self, request, queryset):
        reported = Exists(Report.objects.filter(comment=OuterRef("pk")))
        return {"yes": queryset.filter(reported), "no": queryset.exclude(reported)}.get(self.value(), queryset)


class CommentAdminForm(forms.ModelForm):
    note = forms.CharField(
        label="Add a moderator note", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept with the commenter's history, for staff who see commenters' private data. Notes cannot "
                  "be edited.",
    )

    class Meta:
        model = Comment
        fields = ["status", "rejection_reason"]  # the rest is read-only


def _has_private_data_permission(request):
    return request is not None and request.user.has_perm("comments.view_commenter_private_data")


@admin.register(Comment)
class CommentAdmin(ValidatedActionsMixin, admin.ModelAdmin):
    list_display = ["excerpt", "on_article", "name", "status", "why", "reports", "is_pick", "created_at", "waited"]
    list_display_links = ["excerpt"]
    list_filter = [QueueStatusFilter, ReasonFilter, ReportedFilter, "is_pick", "rejection_reason",
                   ("article", admin.RelatedOnlyFieldListFilter)]  # lists no article without comments
    list_select_related = ["article"]
    search_fields = ["body", "name", "article__headline"]
    ordering = ["created_at", "pk"]  # oldest waiting first
    date_hierarchy = "created_at"
    form = CommentAdminForm
    fields = ["article", "parent", "name", "website", "body", "status", "rejection_reason", "why", "reader_reports",
              "is_pick", "is_subscribed", "created_at", "moderated_at", "moderated_by", "email", "ip_address",
              "user_agent", "commenter_history", "note"]
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

    def get_list_display(self, request):
        if self.has_private_data_permission(request):
            return [*self.list_display, "history"]
        return self.list_display

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self.has_note_permission(request):
            fields = [name for name in fields if name != "note"]
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
        return _has_private_data_permission(request)

    def has_note_permission(self, request):
        return request.user.has_perm("comments.add_moderatornote") and self.has_private_data_permission(request)

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

    @admin.display(description="Commenter's history")
    def history(self, obj):
        """The commenter's record, from the annotations of CommentQuerySet.with_commenter_history()."""
        notes = ngettext("%d note", "%d notes", obj.history_notes) % obj.history_notes
        return (f"{obj.history_approved} approved · {obj.history_rejected} rejected · {obj.history_spam} spam"
                f" · {notes}")

    @admin.display(description="Commenter's history")
    def commenter_history(self, obj):
        """The commenter's record with a link to all their comments, and the moderators' notes themselves."""
        query = urlencode({"email__iexact": obj.email, "status": QueueStatusFilter.ALL})
        link = f"{reverse('admin:comments_comment_changelist')}?{query}"
        notes = ModeratorNote.objects.from_email(obj.email).select_related("author", "comment__article")[:20]
        items = format_html_join("", "<li>{} — {}: {} {}</li>", (
            (timezone.localtime(note.created_at).strftime("%d %b %Y %H:%M"), note.author or "—", note.body,
             self._noted_comment(note)) for note in notes
        ))
        notes_html = format_html("<ul>{}</ul>", items) if notes else "No moderator notes yet."
        return format_html('{} (<a href="{}">see them all</a>)<br>{}', self.history(obj), link, notes_html)

    def _noted_comment(self, note):
        if note.comment is None:
            return "(on a comment since deleted)"
        url = reverse("admin:comments_comment_change", args=[note.comment_id])
        return format_html('<a href="{}">(on “{}”)</a>', url, note.comment.excerpt)

    @admin.display(description="Reader reports")
    def reader_reports(self, obj):
        """What readers reported, newest last; who reported is kept only as keyed hashes."""
        reports = list(obj.reports.all())
        if not reports:
            return "None."
        return format_html("<ul>{}</ul>", format_html_join(
            "", "<li>{} — {}{}</li>",
            ((timezone.localtime(report.created_at).strftime("%d %b %Y %H:%M"), report.get_concern_display(),
              f": “{report.detail}”" if report.detail else "") for report in reports),
        ))

    def save_model(self, request, obj, form, change):
        """A status chosen on the change page is a moderation decision like the bulk actions."""
        note = self._new_note(request, form)
        if note:
            ModeratorNote.objects.create(comment=obj, body=note, author=request.user)
            # The history is read by staff without the private-data permission: it records the note, not its text.
            self.log_change(request, obj, "Added a moderator note.")
        if "status" in form.changed_data:
            status, rejection_reason = obj.status, obj.rejection_reason
            obj.status = form.initial["status"]
            changed, refused = self.moderate(request, Comment.objects.filter(pk=obj.pk), status, rejection_reason)
            if refused:
                self.message_user(request, "This reply was not approved because the comment it answers is not "
                                  "approved. Approve that one first.", messages.WARNING)
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)

    def construct_change_message(self, request, form, formsets, add=False):
        # moderate() has recorded what became of the status, a refused approval included, so saying
        # "Changed Status." again would be redundant at best and untrue at worst. save_model() has recorded a note.
        message = super().construct_change_message(request, form, formsets, add)
        recorded = {"note", *self.decision_fields} if "status" in form.changed_data else {"note"}
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

    def _new_note(self, request, form):
        """The note typed on the change page, if its author may add notes; the form field exists either way."""
        return form.cleaned_data.get("note", "") if self.has_note_permission(request) else ""

    def log_change(self, request, obj, message):
        if not message:
            return None  # nothing changed that moderate() has not recorded
        return super().log_change(request, obj, message)

    def moderate(self, request, queryset, status, rejection_reason=""):
        """Apply one decision to the selected comments, record it in each comment's history, and say so."""
        selected = list(queryset.select_related("article"))
        if status != Comment.Status.REJECTED or rejection_reason not in Concern.values:
            rejection_reason = ""
        changed = services.decide(Comment.objects.filter(pk__in=[c.pk for c in selected]), status,
                                  by=request.user, rejection_reason=rejection_reason)
        label = Comment.Status(status).label
        because = f" Reason: {Concern(rejection_reason).label}." if rejection_reason else ""
        for comment, before in changed.items():
            self.log_change(request, comment, f"Status: {Comment.Status(before).label} → {label}.{because}")
        return list(changed), [c for c in selected if c.status != status and c not in changed]

    @admin.action(description="Approve selected comments", permissions=["moderate"])
    def approve(self, request, queryset):
        changed, refused = self.moderate(request, queryset, Comment.Status.APPROVED)
        count = len(changed)
        self.message_user(request, ngettext("%d comment approved.", "%d comments approved.", count) % count)
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%d reply was not approved because the comment it answers is not approved.",
                    "%d replies were not approved because the comments they answer are not approved.",
                    len(refused),
                ) % len(refused),
                messages.WARNING,
            )

    @admin.action(description="Reject selected comments (with the rejection reason chosen)", permissions=["moderate"])
    def reject(self, request, queryset):
        reason = request.POST.get("rejection_reason", "")
        count = len(self.moderate(request, queryset, Comment.Status.REJECTED, reason)[0])
        self.message_user(request, ngettext("%d comment rejected.", "%d comments rejected.", count) % count)

    @admin.action(description="Mark selected comments as spam", permissions=["moderate"])
    def mark_spam(self, request, queryset):
        count = len(self.moderate(request, queryset, Comment.Status.SPAM)[0])
        self.message_user(request, ngettext("%d comment marked as spam.", "%d comments marked as spam.", count)
                          % count)

    @admin.action(description="Mark selected comments as editors' picks", permissions=["moderate"])
    def mark_pick(self, request, queryset):
        chosen = list(queryset.approved().filter(is_pick=False))
        count = Comment.objects.filter(pk__in=[c.pk for c in chosen]).pick()
        for comment in chosen:
            self.log_change(request, comment, "Marked as an editors' pick.")
        self.message_user(request, ngettext("%d comment marked as an editors' pick.",
                                            "%d comments marked as editors' picks.", count) % count)
        not_approved = queryset.exclude(status=Comment.Status.APPROVED).count()
        if not_approved:
            self.message_user(request, ngettext(
                "%d comment is not approved: only approved comments can be picks.",
                "%d comments are not approved: only approved comments can be picks.", not_approved,
            ) % not_approved, messages.WARNING)

    @admin.action(description="Remove selected comments from editors' picks", permissions=["moderate"])
    def unmark_pick(self, request, queryset):
        chosen = list(queryset.filter(is_pick=True))
        count = Comment.objects.filter(pk__in=[c.pk for c in chosen]).unpick()
        for comment in chosen:
            self.log_change(request, comment, "Removed from the editors' picks.")
        self.message_user(request, ngettext("%d comment removed from the editors' picks.",
                                            "%d comments removed from the editors' picks.", count) % count)

    @admin.action(description="Ban the commenters of selected comments…", permissions=["ban"])
    def ban_commenters(self, request, queryset):
        """Asks what to ban, for how long and why, then bans it; later comments from it go to spam."""
        form = BanForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            bans = services.ban_commenters(queryset, kind, by=request.user, reason=form.cleaned_data["reason"],
                                           expires_at=form.expires_at())
            for ban in bans:
                self.log_addition(request, ban, [{"added": {}}])
            self.message_user(request, ngettext("%d ban added.", "%d bans added.", len(bans)) % len(bans))
            if not bans:
                self.message_user(request, f"Every {Ban.Kind(kind).label} of the selected comments is already "
                                  "banned (or unknown).", messages.WARNING)
            if form.cleaned_data["mark_spam"] and self.has_moderate_permission(request):
                self.mark_spam(request, queryset)
            elif form.cleaned_data["mark_spam"]:
                self.message_user(request, "The selected comments were not marked as spam: you may ban but not "
                                  "moderate.", messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Ban commenters",
            "form": form,
            "comments": queryset.select_related("article"),
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/comments/comment/ban_commenters.html", context)


class BanStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "In force"), ("ended", "Lifted or expired")]

    def queryset(self, request, queryset):
        active = Ban.objects.active().values("pk")
        return {"active": queryset.filter(pk__in=active), "ended": queryset.exclude(pk__in=active)}.get(
            self.value(), queryset)


@admin.register(Ban)
class BanAdmin(ValidatedActionsMixin, admin.ModelAdmin):
    """Bans hold emails and client addresses, so only staff who may see them may see the bans."""

    list_display = ["value", "kind", "reason", "expires_at", "state", "created_by", "created_at"]
    list_filter = [BanStateFilter, "kind"]
    search_fields = ["value", "reason"]
    fields = ["kind", "value", "reason", "expires_at", "created_by", "created_at", "lifted_by", "lifted_at"]
    readonly_fields = ["created_by", "created_at", "lifted_by", "lifted_at"]
    actions = ["lift"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_state()

    def has_module_permission(self, request):
        return super().has_module_permission(request) and _has_private_data_permission(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and _has_private_data_permission(request)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and _has_private_data_permission(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _has_private_data_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # a ban is lifted, so the record of it stays

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return ["kind", "value", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="State")
    def state(self, obj):
        if obj.lifted_at:
            return "lifted"
        return "in force" if obj.is_in_force else "expired"

    @admin.action(description="Lift selected bans", permissions=["change"])
    def lift(self, request, queryset):
        chosen = list(queryset.active())
        count = Ban.objects.filter(pk__in=[ban.pk for ban in chosen]).lift(by=request.user)
        for ban in chosen:
            self.log_change(request, ban, "Lifted.")
        self.message_user(request, ngettext("%d ban lifted.", "%d bans lifted.", count) % count)


@admin.register(WordRule)
class WordRuleAdmin(ValidatedActionsMixin, admin.ModelAdmin):
    list_display = ["phrase", "action", "created_at"]
    list_filter = ["action"]
    search_fields = ["phrase"]


@admin.register(StrictTag)
class StrictTagAdmin(ValidatedActionsMixin, admin.ModelAdmin):
    list_display = ["tag", "holds_every_comment", "max_links"]
