"""The comments admin: the moderation queue, notes on commenters, bans and rules, one module each."""

from comments.admin import bans, jobs, moderator_notes, queue, rules  # noqa: F401 - each module registers its admin
