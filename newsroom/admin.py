from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpResponseRedirect


class ValidatedActionsMixin:
    """Answers a bulk action posted with ids that are not row ids with a message, not a server error."""

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(value.isascii() and value.isdigit() and len(value) < 19 for value in selected):
            self.message_user(request, "The selection was not understood. Please select the rows again.",
                              messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)


class NewsroomAdminSite(admin.AdminSite):
    """The admin with a dashboard as its index: what each staff member has to act on."""

    index_template = "admin/index.html"

    def index(self, request, extra_context=None):
        from newsroom import dashboard  # the models it reads are loaded after the admin site is made

        return super().index(request, {**dashboard.for_user(request.user), **(extra_context or {})})
