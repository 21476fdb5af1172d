"""The site's URLs and /bench-trivial/, the framework's floor that every page is compared with."""

from django.http import HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as site_urlpatterns


def trivial(request):
    """The least a request through the site's middleware can cost."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench-trivial/", trivial, name="bench-trivial"), *site_urlpatterns]
