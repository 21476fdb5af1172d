"""Admin lists searched through a posted form, so that what is searched for never travels in a URL."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import ngettext

POSTED_SEARCH_LIMIT = 500


def list_url(changelist, params):
    """The address of an admin list with these query parameters."""
    return f"{changelist}?{urlencode(params)}" if params else changelist


class PostedSearchMixin:
    """For lists of emails and addresses (bans, notes): a search lands on the ids of the rows it found."""

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_search"
        return [path("search/", self.admin_site.admin_view(self.posted_search_view), name=name), *super().get_urls()]

    def posted_search_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        dropped = {"q", "csrfmiddlewaretoken", "id__in"}  # a new search starts from the whole list
        params = {key: value for key, value in request.POST.items() if key not in dropped}
        query = " ".join(request.POST.get("q", "").split()) if request.method == "POST" else ""
        if not query:
            return HttpResponseRedirect(list_url(changelist, params))
        found, _ = self.get_search_results(request, self.get_queryset(request), query)
        ids = list(found.order_by("-pk").values_list("pk", flat=True)[:POSTED_SEARCH_LIMIT])
        if not ids:
            self.message_user(request, "Nothing matches this search.", messages.WARNING)
            return HttpResponseRedirect(list_url(changelist, params))
        if len(ids) == POSTED_SEARCH_LIMIT:
            self.message_user(request, ngettext("Only the newest %d match is listed.",
                                                "Only the newest %d matches are listed.", len(ids)) % len(ids),
                              messages.WARNING)
        params["id__in"] = ",".join(str(pk) for pk in ids)
        return HttpResponseRedirect(list_url(changelist, params))
