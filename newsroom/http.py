"""HTTP rules shared by the apps' views."""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.http import url_has_allowed_host_and_scheme


def is_same_origin(request):
    """Whether a browser says this request comes from the site's own pages, or says nothing about it."""
    # Browsers send Origin with every cross-site POST (and Sec-Fetch-Site), so a request without both comes from
    # no foreign page. A null Origin (a sandboxed frame, a privacy redirect) is not the site's own.
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        referer = request.headers.get("Referer")
        return referer is None or _is_own_origin(request, referer)
    return _is_own_origin(request, origin)


def _is_own_origin(request, url):
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return False
    origin = f"{parts.scheme}://{parts.netloc}"
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    return url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())


def require_same_origin(view):
    """Refuse a POST that a browser says comes from another site: the CSRF check for forms without a token."""
    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.method == "POST" and not is_same_origin(request):
            raise PermissionDenied("This form can only be sent from this site's own pages.")
        return view(request, *args, **kwargs)
    return checked
