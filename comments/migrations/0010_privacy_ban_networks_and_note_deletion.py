import ipaddress

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

MODERATING_GROUPS = ["Moderator", "Editor"]


def widen_ipv6_bans(apps, schema_editor):
    """A ban of one IPv6 address becomes a ban of its /64, as the rate limits count it."""
    Ban = apps.get_model("comments", "Ban")
    for ban in Ban.objects.filter(kind="address", value__contains=":").exclude(value__contains="/"):
        try:
            network = ipaddress.ip_network(f"{ban.value}/64", strict=False)
        except ValueError:
            continue
        ban.value = network.compressed
        ban.save(update_fields=["value"])


def let_moderators_delete_notes(apps, schema_editor):
    """Moderators and Editors may delete moderator notes, on the notes' own admin page."""
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(content_type__app_label="comments", codename="delete_moderatornote")
    for group in Group.objects.filter(name__in=MODERATING_GROUPS):
        group.permissions.add(*permission)


def forbid_moderators_to_delete_notes(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(content_type__app_label="comments", codename="delete_moderatornote")
    for group in Group.objects.filter(name__in=MODERATING_GROUPS):
        group.permissions.remove(*permission)


class Migration(migrations.Migration):

    dependencies = [
        ("comments", "0009_scheduled_run"),
        ("articles", "0002_staff_groups"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ban",
            name="value",
            field=models.CharField(
                help_text="An email address, a domain such as example.org (its subdomains too), or a client address "
                          "or network such as 192.0.2.7 or 198.51.100.0/24; an IPv6 ban covers at least the "
                          "address's /64.",
                max_length=254,
            ),
        ),
        migrations.RunPython(widen_ipv6_bans, migrations.RunPython.noop),
        migrations.RunPython(let_moderators_delete_notes, forbid_moderators_to_delete_notes),
    ]
