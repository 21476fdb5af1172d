from django.contrib import admin, messages
from django.db.models.constants import LOOKUP_SEP
from django.utils.timesince import timesince
from django.utils.translation import ngettext

from comments.models import Comment


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


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "article", "name", "status", "created_at", "waited"]
    list_display_links = ["excerpt"]
    list_filter = [QueueStatusFilter, "article"]
    list_select_related = ["article"]
    search_fields = ["body", "name", "article__headline"]
    ordering = ["created_at", "pk"]  # oldest waiting first
    date_hierarchy = "created_at"
    fields = ["article", "parent", "name", "website", "body", "status", "created_at", "moderated_at",
              "moderated_by", "email", "ip_address", "user_agent"]
    readonly_fields = ["article", "parent", "name", "website", "body", "created_at", "moderated_at", "moderated_by",
                       "email", "ip_address", "user_agent"]
    private_fields = {"email", "ip_address", "user_agent"}
    actions = ["approve", "reject", "mark_spam"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
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
        return [*self.readonly_fields, "status"]

    def has_add_permission(self, request):
        return False  # replies come from readers, through the article page

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def has_private_data_permission(self, request):
        return request is not None and request.user.has_perm("comments.view_commenter_private_data")

    @admin.display(description="Comment")
    def excerpt(self, obj):
        return obj.excerpt

    @admin.display(description="Waiting for", ordering="created_at")
    def waited(self, obj):
        return timesince(obj.created_at) if obj.is_pending else "—"

    def save_model(self, request, obj, form, change):
        """A status chosen on the change page is a moderation decision like the bulk actions."""
        if "status" in form.changed_data:
            status = obj.status
            obj.status = form.initial["status"]
            changed, refused = self.moderate(request, Comment.objects.filter(pk=obj.pk), status)
            if refused:
                self.message_user(request, "This reply was not approved because the comment it answers is not "
                                  "approved. Approve that one first.", messages.WARNING)
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)

    def construct_change_message(self, request, form, formsets, add=False):
        # moderate() has recorded what became of the status, a refused approval included, so saying
        # "Changed Status." again would be redundant at best and untrue at worst.
        if form.changed_data == ["status"]:
            return []
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if not message:
            return None  # nothing changed that moderate() has not recorded
        return super().log_change(request, obj, message)

    def moderate(self, request, queryset, status):
        """Apply one decision to the selected comments, record it in each comment's history, and say so."""
        selected = list(queryset.select_related("article"))
        decide = {
            Comment.Status.APPROVED: queryset.approve,
            Comment.Status.REJECTED: queryset.reject,
            Comment.Status.SPAM: queryset.mark_spam,
        }[status]
        before = {comment.pk: comment.status for comment in selected}
        decide(by=request.user)
        label = Comment.Status(status).label
        changed = [c for c in Comment.objects.filter(pk__in=before) if c.status != before[c.pk]]
        for comment in changed:
            self.log_change(request, comment, f"Status: {Comment.Status(before[comment.pk]).label} → {label}.")
        return changed, [c for c in selected if c.status != status and c not in changed]

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

    @admin.action(description="Reject selected comments", permissions=["moderate"])
    def reject(self, request, queryset):
        count = len(self.moderate(request, queryset, Comment.Status.REJECTED)[0])
        self.message_user(request, ngettext("%d comment rejected.", "%d comments rejected.", count) % count)

    @admin.action(description="Mark selected comments as spam", permissions=["moderate"])
    def mark_spam(self, request, queryset):
        count = len(self.moderate(request, queryset, Comment.Status.SPAM)[0])
        self.message_user(request, ngettext("%d comment marked as spam.", "%d comments marked as spam.", count)
                          % count)
