from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATION_TOOL_PERMISSIONS = [
    "view_ban", "add_ban", "change_ban",  # bans are lifted, not deleted
    "view_wordrule", "add_wordrule", "change_wordrule", "delete_wordrule",
    "view_stricttag", "add_stricttag", "change_stricttag", "delete_stricttag",
    "view_report",
    "view_moderatornote", "add_moderatornote",  # notes are a record: added, never edited
]
MODERATING_GROUPS = ["Moderator", "Editor"]


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="comments",
                                            codename__in=MODERATION_TOOL_PERMISSIONS)
    for group in Group.objects.filter(name__in=MODERATING_GROUPS):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="comments",
                                            codename__in=MODERATION_TOOL_PERMISSIONS)
    for group in Group.objects.filter(name__in=MODERATING_GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_moderation_tools"),
        ("articles", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
