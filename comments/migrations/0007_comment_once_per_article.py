import hashlib

import django.db.models.functions.text
from django.db import migrations, models


def fill_digests(apps, schema_editor):
    """Fingerprint every stored comment; an earlier duplicate keeps a fingerprint of its own."""
    Comment = apps.get_model("comments", "Comment")
    seen = set()
    changed = []
    for comment in Comment.objects.order_by("pk").only("pk", "article_id", "email", "body").iterator():
        value = hashlib.sha256(comment.body.encode()).hexdigest()
        key = (comment.article_id, comment.email.lower(), value)
        comment.body_digest = value if key not in seen else f"{value[:40]}-{comment.pk}"[:64]
        seen.add(key)
        changed.append(comment)
        if len(changed) >= 1000:
            Comment.objects.bulk_update(changed, ["body_digest"])
            changed = []
    Comment.objects.bulk_update(changed, ["body_digest"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_page_generation"),
        ("comments", "0006_moderator_notes_outlive_comments"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="body_digest",
            field=models.CharField(
                default="", editable=False, max_length=64,
                help_text="SHA-256 of the body: one commenter posts a text once per article.",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_digests, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="comment",
            constraint=models.UniqueConstraint(
                models.F("article"), django.db.models.functions.text.Lower("email"), models.F("body_digest"),
                name="comment_once_per_article",
                violation_error_message="You have already posted this comment on this article.",
            ),
        ),
    ]
