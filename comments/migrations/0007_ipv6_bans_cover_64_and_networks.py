import ipaddress

from django.db import migrations, models


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


class Migration(migrations.Migration):

    dependencies = [
        ("comments", "0006_moderator_notes_outlive_comments"),
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
    ]
