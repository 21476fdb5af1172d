from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.timesince import timesince
from django.utils.translation import ngettext

from comments.models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "article", "name", "status", "created_at", "waited"]
    list_display_links = ["excerpt"]
    list_filter = ["status", "article"]
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
        if request.user.has_perm("comments.view_commenter_private_data"):
            return fields
        return [name for name in fields if name not in self.private_fields]

    def get_search_fields(self, request):
        # Searching by email would let staff without the permission probe for an address.
        if request.user.has_perm("comments.view_commenter_private_data"):
            return [*self.search_fields, "email"]
        return self.search_fields

    def get_readonly_fields(self, request, obj=None):
        if self.has_moderate_permission(request):
            return self.readonly_fields
        return [*self.readonly_fields, "status"]

    def has_add_permission(self, request):
        return False  # replies come from readers, through the article page

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def changelist_view(self, request, extra_context=None):
        """The queue opens on the comments waiting for a decision."""
        if request.method == "GET" and not request.GET:
            return HttpResponseRedirect(f"{request.path}?status__exact={Comment.Status.PENDING}")
        return super().changelist_view(request, extra_context)

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
