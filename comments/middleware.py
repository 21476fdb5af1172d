from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """Pages showing a reader their own pending comments or saved details must not be kept by shared caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "shows_private_content", False):
            patch_cache_control(response, private=True)
        return response
