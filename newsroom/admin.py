import logging

from axes import utils as axes_utils
from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.utils.functional import cached_property
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

COUNT_CAP = 10_000


def capped_count(queryset, cap=COUNT_CAP):
    """How many rows, counted no further than one past `cap`, so that a flood of rows costs no more than `cap`.

    COUNT(*) over a LIMIT stops there; over the ids only and unordered, so that no annotation (a commenter's
    history, report counts, also when a list is sorted by one) is computed for each counted row.
    """
    return queryset.values("pk").order_by()[:cap + 1].count()


def count_label(count, cap=COUNT_CAP):
    """A capped count as staff see it: "1,234", or "10,000+" past the cap."""
    return f"{cap:,}+" if count > cap else f"{count:,}"


class CappedCountPaginator(Paginator):
    """Counts no further than COUNT_CAP rows, so a list of hundreds of thousands opens as fast as a short one."""

    @cached_property
    def count(self):
        return capped_count(self.object_list)


class ValidatedActionsMixin:
    """Answers a bulk action posted with ids that are not row ids with a message, not a server error."""

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(value.isascii() and value.isdigit() and len(value) < 19 for value in selected):
            self.message_user(request, "The selection was not understood. Please select the rows again.",
                              messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LoginAttemptAdmin(AccessAttemptAdmin):
    """django-axes' failed admin logins, with an action that lifts a lockout (for editors and superusers)."""

    actions = ["unlock", *AccessAttemptAdmin.actions]

    @admin.action(description="Unlock the logins of the selected attempts", permissions=["delete"])
    def unlock(self, request, queryset):
        # Forgetting the failed attempts is what lifts the lockout, for that username and that address alike.
        count = 0
        for username, address in queryset.values_list("username", "ip_address"):
            count += axes_utils.reset(username=username, ip=address, ip_or_username=True)
            logger.warning("Login unlocked by %s: username %r, address %s", request.user, username, address)
        self.message_user(request, ngettext("%d failed login cleared; the login is unlocked.",
                                            "%d failed logins cleared; the logins are unlocked.", count) % count)
