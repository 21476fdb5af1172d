from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from comments.views import privacy
from newsroom import views

admin.site.site_header = "Newsroom administration"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Newsroom"

handler400 = "newsroom.views.bad_request"
handler500 = "newsroom.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),  # answered early by HealthCheckMiddleware
    path("admin/", admin.site.urls),
    path("comments/", include("comments.urls")),
    path("privacy/", privacy, name="privacy"),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    # Production serves uploads from the web server or a CDN; see README "Production".
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", views.serve_media),
    ]
