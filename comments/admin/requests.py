"""Data requests in the admin: a copy of what is stored about one email address, or its erasure."""

import json

from django import forms
from django.contrib import messages
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import ngettext

from comments import personal_data
from comments.models import Comment


class PersonalDataRequestForm(forms.Form):
    EXPORT, ERASE, DELETE = "export", "erase", "delete"

    email = forms.EmailField(label="The commenter's email address", max_length=254)
    request = forms.ChoiceField(label="What they asked for", widget=forms.RadioSelect, initial=EXPORT, choices=[
        (EXPORT, "A copy of everything stored about them (downloads a JSON file)"),
        (ERASE, "Erasure: keep their comments as “Anonymous”, without email, client address, browser or website"),
        (DELETE, "Erasure, deleting their comments and the replies under them"),
    ])
    confirm = forms.BooleanField(label="I have checked that the request comes from the owner of this address",
                                 required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("request") in {self.ERASE, self.DELETE} and not cleaned.get("confirm"):
            raise forms.ValidationError("Erasure cannot be undone: tick the box to confirm it.")
        return cleaned


class PersonalDataRequestsMixin:
    """For CommentAdmin: the data requests page, for staff who may see commenters' private data."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.personal_data_view)
        return [path("personal-data/", view, name="comments_comment_personal_data"), *super().get_urls()]

    def personal_data_view(self, request):
        if not self.has_private_data_permission(request):
            raise PermissionDenied
        form = PersonalDataRequestForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            email, kind = form.cleaned_data["email"], form.cleaned_data["request"]
            if kind == form.EXPORT:
                return self._export(request, email)
            if kind == form.DELETE and not request.user.has_perm("comments.delete_comment"):
                form.add_error("request", "You may not delete comments: choose to keep them as “Anonymous”.")
            else:
                done = personal_data.erase(email, delete_comments=kind == form.DELETE)
                summary = ", ".join(f"{what.replace('_', ' ')}: {count}" for what, count in done.items())
                self._log(request, DELETION, f"Erased the personal data of one commenter ({summary}).")
                self.message_user(request, f"Erased. {summary[:1].upper()}{summary[1:]}.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:comments_comment_personal_data"))
        context = {**self.admin_site.each_context(request), "title": "Personal data requests", "form": form,
                   "opts": self.model._meta}
        return TemplateResponse(request, "admin/comments/comment/personal_data.html", context)

    def _export(self, request, email):
        document = personal_data.export(email)
        count = len(document["comments"])
        self._log(request, CHANGE, ngettext("Exported the personal data of one commenter (%d comment).",
                                            "Exported the personal data of one commenter (%d comments).", count)
                  % count)
        response = HttpResponse(json.dumps(document, indent=2, ensure_ascii=False),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
        response["Cache-Control"] = "no-store"
        return response

    def _log(self, request, flag, message):
        """A record in the admin log that a request was handled, by whom and when, naming no one."""
        LogEntry.objects.create(user=request.user, content_type=ContentType.objects.get_for_model(Comment),
                                object_repr="Personal data request", action_flag=flag, change_message=message)
