"""Bulk decisions: what the task queue is deciding for a moderator, and how far it has got."""

from django.contrib import admin

from comments.models import BulkDecision


@admin.register(BulkDecision)
class BulkDecisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "decided_by", "done", "changed", "refused", "created_at", "finished_at"]
    fields = ["status", "reason", "decided_by", "done", "changed", "refused", "created_at", "finished_at"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("comments.moderate_comment")

    def has_add_permission(self, request):
        return False  # made by the queue's bulk actions

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
