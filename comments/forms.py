import time
import unicodedata
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import URLValidator
from django.utils import timezone

from articles.sanitize import strip_control_characters
from comments.models import Comment, Concern

RENDERED_AT_SALT = "comments.reply-form.rendered-at"
MAX_FORM_AGE = 60 * 60 * 4  # a form left open longer must be reloaded
DOUBLE_SUBMIT_SECONDS = 60  # a copy of a comment stored this recently is a double submit, not a repeat
# Joiners shape the letters around them (Persian names, emoji sequences), so a name keeps them; other format
# characters (zero-width spaces, bidi controls, soft hyphens) show nothing or reorder what does.
NAME_JOINERS = {"\u200c", "\u200d"}
# Letters and symbols that print as blank space.
BLANK_CHARACTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def render_time_signer(article_id, parent_id=None):
    """The signer of a form's render time, bound to the article and the comment it answers."""
    # Bound to what the form posts to, not to the reader: the article page is served from a shared cache.
    return signing.Signer(salt=f"{RENDERED_AT_SALT}:{article_id}:{parent_id or ''}")


def sign_render_time(article_id, parent_id=None, at=None):
    """A tamper-proof note of when the form for this article (and reply) was shown, for the minimum fill time."""
    return render_time_signer(article_id, parent_id).sign(str(int(at if at is not None else time.time())))


def _is_visible(character):
    """A character that prints something: a letter, digit, punctuation or symbol that is not blank."""
    return unicodedata.category(character)[0] in "LNPS" and character not in BLANK_CHARACTERS


class ReplyForm(forms.ModelForm):
    # Hidden from people by CSS and from screen readers; bots that fill every field fill this one.
    honeypot = forms.CharField(required=False, label="Leave this field empty")
    rendered_at = forms.CharField(required=False, widget=forms.HiddenInput)
    website = forms.URLField(
        required=False, max_length=200, assume_scheme="https", label="Website",
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={"invalid": "Please enter a full web address starting with http:// or https://."},
        widget=forms.URLInput(attrs={"autocomplete": "url", "maxlength": 200}),
    )
    remember = forms.BooleanField(
        required=False, label="Save my name, email, and website in this browser for the next time I comment."
    )
    field_order = ["body", "name", "email", "website", "honeypot", "remember", "is_subscribed"]

    class Meta:
        model = Comment
        fields = ["body", "name", "email", "website", "parent", "is_subscribed"]
        labels = {
            "body": "Comment",
            "is_subscribed": "Email me when my comment is approved and when someone replies to it.",
        }
        help_texts = {
            "body": "Up to 5,000 characters. Plain text; you may use a few tags such as <em>, <strong>, <q>.",
            "name": "Shown with your comment. Up to 80 characters.",
            "is_subscribed": "Every email has a link to stop them in one click.",
        }
        widgets = {
            "body": forms.Textarea(attrs={"rows": 8, "cols": 45, "maxlength": 5000}),
            "name": forms.TextInput(attrs={"autocomplete": "name", "maxlength": 80}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "maxlength": 254}),
            "parent": forms.HiddenInput,
        }
        error_messages = {
            "body": {"required": "Please write your comment."},
            "name": {"required": "Please give a name to show with your comment."},
            "email": {
                "required": "Please give your email address; it is never published.",
                "invalid": "Please enter a valid email address, like name@example.com.",
            },
            "parent": {"invalid_choice": "The comment you are replying to is not available any more."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = self.instance.article.comments.approved()
        self.fields["honeypot"].widget.attrs.update(autocomplete="off", tabindex="-1")

    def clean_body(self):
        body = strip_control_characters(self.cleaned_data["body"]).strip()
        if not body:
            raise forms.ValidationError("Please write your comment.")
        return body

    def clean_name(self):
        """The name as shown: without control or invisible format characters, with at least one visible one."""
        name = strip_control_characters(self.cleaned_data["name"])
        name = "".join(c for c in name if c in NAME_JOINERS or unicodedata.category(c) != "Cf")
        name = " ".join(name.split())
        if not any(_is_visible(character) for character in name):
            raise forms.ValidationError("Please give a name to show with your comment.")
        return name

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_parent(self):
        """Replies deeper than COMMENTS_MAX_DEPTH join the thread of the comment they answer, if readers see it."""
        parent = self.cleaned_data["parent"]
        while parent is not None and parent.depth + 1 >= settings.COMMENTS_MAX_DEPTH:
            parent = parent.parent
        # A thread taken down after the page was loaded would hide the reply and refuse its approval.
        ancestor = parent
        while ancestor is not None:
            if not ancestor.is_approved:
                raise forms.ValidationError(self.fields["parent"].error_messages["invalid_choice"])
            ancestor = ancestor.parent
        return parent

    def clean_honeypot(self):
        if self.cleaned_data["honeypot"]:
            raise forms.ValidationError("This field must stay empty.")
        return ""

    def clean_rendered_at(self):
        """The time the form was shown, for this article and the comment the reply answers, a few hours ago."""
        signer = render_time_signer(self.instance.article.pk, (self.data.get("parent") or "").strip())
        try:
            rendered_at = int(signer.unsign(self.cleaned_data["rendered_at"]))
        except (signing.BadSignature, ValueError):
            raise forms.ValidationError("The form has expired. Please send your comment again.") from None
        waited = time.time() - rendered_at
        if waited < settings.COMMENTS_MIN_FILL_SECONDS:
            raise forms.ValidationError("That was quick! Please check your comment and send it again.")
        if waited > MAX_FORM_AGE:
            raise forms.ValidationError("The form has expired. Please send your comment again.")
        return rendered_at

    def clean(self):
        cleaned = super().clean()
        body, email = cleaned.get("body"), cleaned.get("email")
        if body and email:
            # A copy of a comment stored moments ago is the same form sent twice (a double click, a retried
            # request): posting answers it as the first was. A later copy is a repeat, refused here.
            recently = timezone.now() - timedelta(seconds=DOUBLE_SUBMIT_SECONDS)
            duplicate = self.instance.article.comments.filter(email__iexact=email, body=body, created_at__lt=recently)
            if duplicate.exists():
                raise forms.ValidationError("You have already posted this comment on this article.")
        return cleaned


class ReportForm(forms.Form):
    concern = forms.ChoiceField(
        label="What is wrong with this comment?", choices=Concern.choices, widget=forms.RadioSelect,
        error_messages={"required": "Please choose what is wrong with this comment.",
                        "invalid_choice": "Please choose one of the reasons listed."},
    )
    detail = forms.CharField(
        label="Anything a moderator should know", required=False, max_length=500,
        help_text="Optional. Up to 500 characters. Moderators read it; it is never published.",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 45, "maxlength": 500}),
        error_messages={"max_length": "Please keep this to 500 characters (it has %(show_value)d)."},
    )

    def clean_detail(self):
        return strip_control_characters(self.cleaned_data["detail"]).strip()
