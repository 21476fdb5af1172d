"""The moderation workspace: pending comments as cards, decided one by one without a reload, with undo and replies.

Every button is a plain form that posts and comes back; static/js/workspace.js sends the same forms with fetch()
and reads the JSON answer instead. Each decision goes through comments.decisions.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from comments import decisions
from comments.models import Comment, Concern
from newsroom.admin import CappedCountPaginator, capped_count, count_label

CARDS_PER_PAGE = 25
DECISIONS = {
    "approve": (Comment.Status.APPROVED, "Approved."),
    "reject": (Comment.Status.REJECTED, "Rejected."),
    "spam": (Comment.Status.SPAM, "Marked as spam."),
}


class StaffReplyForm(forms.Form):
    body = forms.CharField(label="Your reply", max_length=5000, strip=True,
                           widget=forms.Textarea(attrs={"rows": 3}))


class WorkspaceMixin:
    """For CommentAdmin: the workspace page and its JSON endpoints, for staff who may moderate."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("workspace/", view(self.workspace_view), name="comments_comment_workspace"),
            path("<int:pk>/decide/", view(require_POST(self.decide_view)), name="comments_comment_decide"),
            path("<int:pk>/reply/", view(require_POST(self.reply_view)), name="comments_comment_reply"),
            *super().get_urls(),
        ]

    def check_moderator(self, request):
        if not (self.has_moderate_permission(request) and self.has_view_permission(request)):
            raise PermissionDenied

    def workspace_view(self, request):
        """The pending comments, oldest waiting first, each as a card with what a moderator needs to decide."""
        self.check_moderator(request)
        pending = self.get_queryset(request).pending().select_related("article", "parent").prefetch_related(
            "reports").order_by("created_at", "pk")
        page = CappedCountPaginator(pending, CARDS_PER_PAGE).get_page(request.GET.get("page"))
        can_see_private = self.has_private_data_permission(request)
        for comment in page.object_list:
            comment.history_text = self.history(comment) if can_see_private else ""
        context = {
            **self.admin_site.each_context(request),
            "title": "Moderation workspace",
            "opts": self.model._meta,
            "page": page,
            "pending_count": count_label(page.paginator.count),
            "can_see_private": can_see_private,
            "concerns": Concern.choices,
            "reply_form": StaffReplyForm(),
            "staff_name": decisions.staff_name(request.user),
            "undo": self.undo_offer(request),
        }
        return TemplateResponse(request, "admin/comments/comment/workspace.html", context)

    def undo_offer(self, request):
        """Without JavaScript, the page after a decision offers to undo it: the comment and what it was before."""
        raw_id, previous = request.GET.get("undo", ""), request.GET.get("previous")
        if not (raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 19) or previous not in Comment.Status.values:
            return None
        comment = Comment.objects.filter(pk=raw_id).first()
        if comment is None:
            return None
        return {"comment": comment, "previous": previous, "was_pick": request.GET.get("was_pick") == "1"}

    def decide_view(self, request, pk):
        """Apply one decision to one comment, or undo one: back to the status and pick it had before."""
        self.check_moderator(request)
        comment = get_object_or_404(Comment, pk=pk)
        before = {"previous": comment.status, "was_pick": comment.is_pick}
        decision = request.POST.get("decision", "")
        try:
            with transaction.atomic():  # a pick or an undo is two steps: both happen or neither
                message = self.apply_decision(request, comment, decision)
        except ValueError as error:
            return self.answer(request, comment, str(error), ok=False)
        return self.answer(request, comment, message, undo=before if decision != "undo" else None)

    def apply_decision(self, request, comment, decision):
        one = Comment.objects.filter(pk=comment.pk)
        if decision in DECISIONS:
            status, message = DECISIONS[decision]
            reason = request.POST.get("reason", "") if decision == "reject" else ""
            self.decide_or_refuse(one, status, request.user, reason)
            if reason in Concern.values:
                message = f"Rejected: {Concern(reason).label}."
            return message
        if decision == "pick":
            self.decide_or_refuse(one, Comment.Status.APPROVED, request.user)
            decisions.set_pick(one, is_pick=True, by=request.user)
            return "Approved and marked as an editors' pick."
        if decision == "undo":
            previous = request.POST.get("previous")
            if previous not in Comment.Status.values:
                raise ValueError("There is nothing to undo.")
            was_pick = request.POST.get("was_pick") in {"1", "true"}
            if not was_pick:
                decisions.set_pick(one, is_pick=False, by=request.user)
            self.decide_or_refuse(one, previous, request.user)
            if was_pick:
                decisions.set_pick(one, is_pick=True, by=request.user)
            return f"Undone: back to {Comment.Status(previous).label.lower()}."
        raise ValueError("Choose approve, reject, spam or pick.")

    def decide_or_refuse(self, comments, status, by, reason=""):
        if decisions.decide(comments, status=status, by=by, reason=reason).refused:
            raise ValueError("This reply answers a comment that is not approved: approve that one first.")

    def reply_view(self, request, pk):
        """Publish a staff reply to a comment at once, approving the comment first if it was waiting."""
        self.check_moderator(request)
        comment = get_object_or_404(Comment, pk=pk)
        form = StaffReplyForm(request.POST)
        if not form.is_valid():
            return self.answer(request, comment, "Write a reply of at most 5,000 characters.", ok=False)
        try:
            reply = decisions.staff_reply(comment, body=form.cleaned_data["body"], by=request.user)
        except ValueError as error:
            return self.answer(request, comment, str(error), ok=False)
        return self.answer(request, comment, f"Reply published as {reply.name}.", reply=reply)

    def answer(self, request, comment, message, ok=True, undo=None, reply=None):
        """JSON for the workspace's script; for a plain form, a message and the way back to where it was sent."""
        comment.refresh_from_db()
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({
                "ok": ok, "id": comment.pk, "status": comment.status, "is_pick": comment.is_pick,
                "message": message, "undo": undo, "pending_count": count_label(capped_count(Comment.objects.pending())),
                "reply_url": reply.get_absolute_url() if reply else None,
            }, status=200 if ok else 409)
        self.message_user(request, message, messages.SUCCESS if ok else messages.ERROR)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = reverse("admin:comments_comment_workspace")
        if ok and undo:
            query = urlencode({"undo": comment.pk, "previous": undo["previous"], "was_pick": int(undo["was_pick"])})
            back = f"{back.split('?')[0]}?{query}"
        return HttpResponseRedirect(back)

