"""The article form in the admin, per request: help texts that fit the article and the role, and the Schedule rule."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone

TAGS_FOR_EDITORS = "Type to find a tag. The + beside the box adds a new one."
TAGS_FOR_JOURNALISTS = ("Type to find a tag. New tags are added by editors, so that each subject keeps one tag and "
                        "its page and feed: ask an editor for one.")


def explain_fields(form, *, article, may_add_tags):
    """Say where the slug puts the article and who may add tags; help texts are shown unescaped, so no markup."""
    fields = form.base_fields
    if "slug" in fields:
        slug = article.slug if article is not None else "the-slug"
        address = settings.SITE_URL + reverse("articles:detail", kwargs={"slug": slug})
        fields["slug"].help_text = f"The article's address: {address}" + (
            "" if article is not None else " (filled from the headline)")
    if "tags" in fields:
        fields["tags"].help_text = TAGS_FOR_EDITORS if may_add_tags else TAGS_FOR_JOURNALISTS


def when(moment):
    """A publish time as people say it: “Friday 5 December, 09:00”, with the year when it is not this one."""
    local = timezone.localtime(moment)
    same_year = local.year == timezone.localdate().year
    return formats.date_format(local, "l j F, H:i" if same_year else "l j F Y, H:i")


def require_future_publish_time(form):
    """The Schedule button's rule: a publish time in the future."""
    cleaned = super(type(form), form).clean()
    at = cleaned.get("published_at")
    if at is None or at <= timezone.now():
        raise ValidationError({"published_at": "Set a future publish time to schedule the article, or press "
                                               "“Publish now”."})
    return cleaned
