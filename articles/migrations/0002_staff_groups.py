from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_PERMISSIONS = {
    "Journalist": [
        "articles.add_article", "articles.change_article", "articles.view_article",
        "articles.view_author", "articles.view_tag",
    ],
    "Editor": [
        "articles.add_article", "articles.change_article", "articles.delete_article", "articles.view_article",
        "articles.publish_article",
        "articles.add_author", "articles.change_author", "articles.delete_author", "articles.view_author",
        "articles.add_tag", "articles.change_tag", "articles.delete_tag", "articles.view_tag",
    ],
    "Moderator": [],  # the comments app gives this group its permissions
}


def permissions_for(apps, names):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    for group_name, names in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*permissions_for(apps, names))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
