from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = ["view_accessattempt", "delete_accessattempt", "view_accessfailurelog", "view_accesslog"]


def let_editors_unlock_logins(apps, schema_editor):
    # Permissions are normally made after all migrations; the group needs axes' now.
    app_config = apps.get_app_config("axes")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editor")
    editors.permissions.add(*Permission.objects.filter(content_type__app_label="axes",
                                                       codename__in=EDITOR_PERMISSIONS))


def forbid_editors_unlocking_logins(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editors in Group.objects.filter(name="Editor"):
        editors.permissions.remove(*Permission.objects.filter(content_type__app_label="axes",
                                                              codename__in=EDITOR_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_staff_groups"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(let_editors_unlock_logins, forbid_editors_unlocking_logins)]
