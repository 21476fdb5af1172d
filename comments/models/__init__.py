from comments.models.comment import Comment, CommentQuerySet, Concern, shown_condition, with_email
from comments.models.records import BulkDecision, ModeratorNote, Report, ScheduledRun
from comments.models.rules import Ban, StrictTag, WordRule, ban_in_force

__all__ = [
    "Ban", "BulkDecision", "Comment", "CommentQuerySet", "Concern", "ModeratorNote", "Report", "ScheduledRun",
    "StrictTag", "WordRule", "ban_in_force", "shown_condition", "with_email",
]
