"""The admin site: Django's, with the newsroom dashboard as its index."""

from django.contrib import admin


class NewsroomAdminSite(admin.AdminSite):
    """The admin with a dashboard as its index: what each staff member has to act on."""

    index_template = "admin/index.html"

    def index(self, request, extra_context=None):
        from newsroom import dashboard  # the models it reads are loaded after the admin site is made

        return super().index(request, {**dashboard.for_user(request.user), **(extra_context or {})})
