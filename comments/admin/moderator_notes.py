"""Moderators' notes on commenters: listed and deleted by staff who may see commenters' private data."""

from django.contrib import admin

from comments.admin.privacy import has_private_data_permission
from comments.admin.search import PostedSearchMixin
from comments.models import ModeratorNote
from newsroom.admin import ValidatedActionsMixin


@admin.register(ModeratorNote)
class ModeratorNoteAdmin(PostedSearchMixin, ValidatedActionsMixin, admin.ModelAdmin):
    """Notes are written on a comment's page and never edited; here they are read, and deleted when no longer
    needed or when the commenter asks."""

    list_display = ["__str__", "email", "excerpt", "author", "created_at"]
    list_select_related = ["author"]
    search_fields = ["body"]
    date_hierarchy = "created_at"
    fields = ["email", "comment", "body", "author", "created_at"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return super().has_module_permission(request) and has_private_data_permission(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and has_private_data_permission(request)

    def has_add_permission(self, request):
        return False  # written on the comment's page, where the commenter is known

    def has_change_permission(self, request, obj=None):
        return False  # kept as written

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and has_private_data_permission(request)

    @admin.display(description="Note")
    def excerpt(self, obj):
        return obj.body if len(obj.body) <= 90 else f"{obj.body[:89]}…"
