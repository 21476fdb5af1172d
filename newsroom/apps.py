from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class NewsroomConfig(AppConfig):
    """The site's own app: failed-login admin, its permission migration, the dashboard's templates."""

    name = "newsroom"
    default = True


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the site that shows the newsroom dashboard (newsroom.sites.NewsroomAdminSite)."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "newsroom.sites.NewsroomAdminSite"
