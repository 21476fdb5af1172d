from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """Django's admin, with the site that shows the newsroom dashboard (newsroom.admin.NewsroomAdminSite)."""

    default_site = "newsroom.admin.NewsroomAdminSite"
