import ipaddress

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponseNotAllowed

from newsroom.views import healthz


def parse_address(value):
    """An IP address from a forwarded hop, with any port or brackets removed; None when it is not one."""
    value = value.strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # 203.0.113.9:4711
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


class AllowedMethodsMiddleware:
    """Answers 405 to methods no page of the site handles (TRACE, PUT, DELETE and made-up ones), on every URL."""

    allowed_methods = ("GET", "HEAD", "POST", "OPTIONS")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.allowed_methods:
            return HttpResponseNotAllowed(self.allowed_methods)
        return self.get_response(request)


class HealthCheckMiddleware:
    """Answers /healthz before host validation: load balancers probe machines by their own address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return healthz(request)
        return self.get_response(request)


class ProxiedClientAddressMiddleware:
    """Behind TRUSTED_PROXY_COUNT load balancers, the client's address is the one they saw, not theirs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        trusted = settings.TRUSTED_PROXY_COUNT
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if trusted and forwarded:
            # Each proxy appends the address it received from; the last `trusted` entries are theirs to vouch for.
            hops = [hop for hop in forwarded.split(",") if hop.strip()]
            address = parse_address(hops[-trusted]) if len(hops) >= trusted else None
            if address:
                request.META["REMOTE_ADDR"] = address
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The strict policy everywhere, with the admin's documented allowance for its inline scripts and styles."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        # An article preview shows journalists' markup to editors: it keeps the readers' strict policy.
        if request.path.startswith("/admin/") and not request.path.endswith("/preview/"):
            parts.update = {**(parts.update or {}), **settings.ADMIN_CONTENT_SECURITY_POLICY_EXTRA}
        return parts
