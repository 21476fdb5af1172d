from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso_datetime(value):
    """An ISO 8601 time to the second, as HTML's datetime attribute and Open Graph expect."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()
