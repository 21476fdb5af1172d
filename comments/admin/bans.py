"""Bans: emails, domains and client addresses whose comments go to spam, seen only with the private-data right."""

from django.contrib import admin
from django.utils.translation import ngettext

from comments.admin.filters import BanStateFilter
from comments.admin.privacy import has_private_data_permission
from comments.admin.search import PostedSearchMixin
from comments.models import Ban
from newsroom.admin import ValidatedActionsMixin


@admin.register(Ban)
class BanAdmin(PostedSearchMixin, ValidatedActionsMixin, admin.ModelAdmin):
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
        return super().has_module_permission(request) and has_private_data_permission(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and has_private_data_permission(request)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and has_private_data_permission(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and has_private_data_permission(request)

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


