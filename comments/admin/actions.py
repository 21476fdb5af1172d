"""The moderation queue's bulk actions, each a call to comments.decisions."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import ngettext

from comments import decisions
from comments.admin.forms import BanForm
from comments.models import Ban, Comment

BAN_PAGE_LISTED = 100

# What the moderator is told a decision did, in the singular and the plural.
DECIDED = {
    Comment.Status.APPROVED: ("%d comment approved.", "%d comments approved."),
    Comment.Status.REJECTED: ("%d comment rejected.", "%d comments rejected."),
    Comment.Status.SPAM: ("%d comment marked as spam.", "%d comments marked as spam."),
}


class ModerationActionsMixin:
    """For CommentAdmin: approve, reject, spam, picks and bans, gated by the moderate and ban permissions."""

    def moderate(self, request, queryset, status, reason=""):
        """Apply one decision to the selected comments and tell the moderator what it did and which replies it refused.

        A selection larger than COMMENTS_BULK_TASK_THRESHOLD is decided by the task queue, its progress shown on
        the queue page and under Bulk decisions.
        """
        outcome = decisions.decide_or_queue(queryset, status=status, by=request.user, reason=reason)
        if outcome.job is not None:
            self.say_queued(request, outcome.job)
        if outcome.refused:
            count = len(outcome.refused)
            self.message_user(request, ngettext(
                "%d reply was not approved because the comment it answers is not approved.",
                "%d replies were not approved because the comments they answer are not approved.", count,
            ) % count, messages.WARNING)
        self.report(request, outcome, status)

    def say_queued(self, request, job):
        url = reverse("admin:comments_bulkdecision_change", args=[job.pk])
        self.message_user(request, format_html(
            '{} comments will be decided in the background. <a href="{}">Follow its progress</a>.',
            intcomma(job.total), url))

    def report(self, request, outcome, status):
        """Say how many comments a decision changed; a queued one has said what it will do."""
        if outcome.job is None:
            singular, plural = DECIDED[status]
            self.message_user(request, ngettext(singular, plural, len(outcome)) % len(outcome))

    @admin.action(description="Approve selected comments", permissions=["moderate"])
    def approve(self, request, queryset):
        self.moderate(request, queryset, Comment.Status.APPROVED)

    @admin.action(description="Reject selected comments (with the rejection reason chosen)", permissions=["moderate"])
    def reject(self, request, queryset):
        self.moderate(request, queryset, Comment.Status.REJECTED, request.POST.get("rejection_reason", ""))

    @admin.action(description="Mark selected comments as spam", permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self.moderate(request, queryset, Comment.Status.SPAM)

    @admin.action(description="Mark selected comments as editors' picks", permissions=["moderate"])
    def mark_pick(self, request, queryset):
        count = len(decisions.set_pick(queryset, is_pick=True, by=request.user))
        self.message_user(request, ngettext("%d comment marked as an editors' pick.",
                                            "%d comments marked as editors' picks.", count) % count)
        not_approved = queryset.exclude(status=Comment.Status.APPROVED).count()
        if not_approved:
            self.message_user(request, ngettext(
                "%d comment is not approved: only approved comments can be picks.",
                "%d comments are not approved: only approved comments can be picks.", not_approved,
            ) % not_approved, messages.WARNING)

    @admin.action(description="Remove selected comments from editors' picks", permissions=["moderate"])
    def unmark_pick(self, request, queryset):
        count = len(decisions.set_pick(queryset, is_pick=False, by=request.user))
        self.message_user(request, ngettext("%d comment removed from the editors' picks.",
                                            "%d comments removed from the editors' picks.", count) % count)

    @admin.action(description="Ban the commenters of selected comments…", permissions=["ban"])
    def ban_commenters(self, request, queryset):
        """Asks what to ban, for how long and why, then bans it; later comments from it go to spam."""
        form = BanForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": "Ban commenters",
                "form": form,
                # "Select all" re-posts the queue's filters rather than every id, so any number can be banned.
                "select_across": request.POST.get("select_across") == "1",
                "count": queryset.count(),
                "comments": queryset.select_related("article")[:BAN_PAGE_LISTED],
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/comments/comment/ban_commenters.html", context)
        kind, mark_spam = form.cleaned_data["kind"], form.cleaned_data["mark_spam"]
        may_moderate = self.has_moderate_permission(request)
        bans, outcome = decisions.ban_commenters(
            queryset, kind=kind, by=request.user, reason=form.cleaned_data["reason"],
            expires_at=form.expires_at(), mark_spam=mark_spam and may_moderate,
        )
        for ban in bans:
            self.log_addition(request, ban, [{"added": {}}])
        self.message_user(request, ngettext("%d ban added.", "%d bans added.", len(bans)) % len(bans))
        if not bans:
            self.message_user(request, f"Every {Ban.Kind(kind).label} of the selected comments is already "
                              "banned (or unknown).", messages.WARNING)
        if outcome is not None and outcome.job is not None:
            self.say_queued(request, outcome.job)
        elif outcome is not None:
            self.report(request, outcome, Comment.Status.SPAM)
        elif mark_spam:
            self.message_user(request, "The selected comments were not marked as spam: you may ban but not "
                              "moderate.", messages.WARNING)
        return None
