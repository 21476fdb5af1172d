from django import template

from articles import text

register = template.Library()

register.filter("iso_datetime", text.iso_datetime)
