"""A URL configuration whose one page fails, to see what the public gets when something breaks."""

from django.urls import include, path


def broken_view(request):
    raise RuntimeError("database password is hunter2")


urlpatterns = [path("boom/", broken_view), path("", include("newsroom.urls"))]
