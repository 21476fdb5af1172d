import json

import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.utils.text import get_text_list

NOTE_LOGGED = "Added a moderator note."


def keep_commenter_emails(apps, schema_editor):
    """Copy onto each note the email of the comment it was written on, so that the note outlives the comment."""
    Comment = apps.get_model("comments", "Comment")
    ModeratorNote = apps.get_model("comments", "ModeratorNote")
    ModeratorNote.objects.update(email=Subquery(Comment.objects.filter(pk=OuterRef("comment_id")).values("email")[:1]))


def forget_logged_note_texts(apps, schema_editor):
    """Rewrite comment history entries that quoted a moderator note, which staff without the permission read."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    content_type = ContentType.objects.filter(app_label="comments", model="comment").first()
    if content_type is None:
        return
    entries = LogEntry.objects.filter(content_type=content_type, change_message__contains='"moderator note"')
    for entry in entries:
        try:
            messages = json.loads(entry.change_message)
        except ValueError:
            continue
        if not isinstance(messages, list):
            continue
        kept = [message for message in messages
                if not (isinstance(message, dict) and message.get("added", {}).get("name") == "moderator note")]
        # The comment admin logs changed fields only, besides notes: "Changed Rejection reason."
        said = [f"Changed {get_text_list(message['changed']['fields'], 'and')}." for message in kept
                if isinstance(message, dict) and message.get("changed", {}).get("fields")]
        entry.change_message = " ".join([*said, NOTE_LOGGED])
        entry.save(update_fields=["change_message"])


class Migration(migrations.Migration):

    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("comments", "0005_comment_thread"),
    ]

    operations = [
        migrations.AddField(
            model_name="moderatornote",
            name="email",
            field=models.EmailField(default="", editable=False, help_text="The email of the comment the note was written on, kept with the note.", max_length=254, verbose_name="commenter's email"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="comment",
            name="reason_kind",
            field=models.CharField(blank=True, choices=[("hold_all", "Every new comment held"), ("strict_tag", "Strict tag"), ("links", "Too many links"), ("watchlist", "Watchlist word"), ("blocklist", "Blocklist word"), ("banned", "Blocked email, domain or address"), ("reported", "Reported by readers"), ("trusted", "Trusted commenter"), ("moderator", "Put back by a moderator")], editable=False, max_length=20, verbose_name="reason"),
        ),
        migrations.AlterField(
            model_name="moderatornote",
            name="comment",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="notes", to="comments.comment"),
        ),
        migrations.AddIndex(
            model_name="moderatornote",
            index=models.Index(django.db.models.functions.text.Lower("email"), name="moderatornote_email_idx"),
        ),
        migrations.RunPython(keep_commenter_emails, migrations.RunPython.noop),
        migrations.RunPython(forget_logged_note_texts, migrations.RunPython.noop),
    ]
