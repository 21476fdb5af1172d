"""Forms of the moderation queue: the action bar, the ban page and a comment's own page."""

from datetime import timedelta

from django import forms
from django.contrib.admin import helpers
from django.utils import timezone

from comments.models import Ban, Comment, Concern


class ModerationActionForm(helpers.ActionForm):
    """The admin's action bar, with a rejection reason for the Reject action."""

    rejection_reason = forms.ChoiceField(
        label="Rejection reason:", required=False, choices=[("", "none"), *Concern.choices]
    )


class BanForm(forms.Form):
    DURATIONS = [("1", "1 day"), ("7", "7 days"), ("30", "30 days"), ("365", "a year"), ("", "for good")]

    kind = forms.ChoiceField(label="Ban their", choices=Ban.Kind.choices, initial=Ban.Kind.EMAIL,
                             widget=forms.RadioSelect)
    reason = forms.CharField(max_length=200, required=False, help_text="Recorded with each comment the ban stops.")
    duration = forms.ChoiceField(label="For", choices=DURATIONS, required=False, initial="30")
    mark_spam = forms.BooleanField(label="Also mark the selected comments as spam", required=False, initial=True)

    def expires_at(self):
        days = self.cleaned_data["duration"]
        return timezone.now() + timedelta(days=int(days)) if days else None


class CommentAdminForm(forms.ModelForm):
    note = forms.CharField(
        label="Add a moderator note", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept with the commenter's history, for staff who see commenters' private data. Notes cannot "
                  "be edited.",
    )

    reply = forms.CharField(
        label="Publish a staff reply", required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Published at once under your name with a “Staff” badge; a waiting comment is approved first.",
    )

    class Meta:
        model = Comment
        fields = ["status", "rejection_reason"]  # the rest is read-only


