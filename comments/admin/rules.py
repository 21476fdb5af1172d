"""Word rules and strict tags: what holds a comment or sends it to spam."""

from django.contrib import admin

from comments.models import StrictTag, WordRule
from newsroom.admin import ValidatedActionsMixin


@admin.register(WordRule)
class WordRuleAdmin(ValidatedActionsMixin, admin.ModelAdmin):
    list_display = ["phrase", "action", "created_at"]
    list_filter = ["action"]
    search_fields = ["phrase"]


@admin.register(StrictTag)
class StrictTagAdmin(ValidatedActionsMixin, admin.ModelAdmin):
    list_display = ["tag", "holds_every_comment", "max_links"]
