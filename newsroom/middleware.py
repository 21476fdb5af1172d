from csp.middleware import CSPMiddleware
from django.conf import settings


class ProxiedClientAddressMiddleware:
    """Behind TRUSTED_PROXY_COUNT load balancers, the client's address is the one they saw, not theirs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        trusted = settings.TRUSTED_PROXY_COUNT
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if trusted and forwarded:
            # Each proxy appends the address it received from; the last `trusted` entries are theirs to vouch for.
            hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
            if len(hops) >= trusted:
                request.META["REMOTE_ADDR"] = hops[-trusted]
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The strict policy everywhere, with the admin's documented allowance for its inline scripts and styles."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path.startswith("/admin/"):
            parts.update = {**(parts.update or {}), **settings.ADMIN_CONTENT_SECURITY_POLICY_EXTRA}
        return parts
