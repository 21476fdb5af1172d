from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# The expression articles/search.py searches, frozen here as it was when the index was made.
SEARCH_INDEX = GinIndex(
    SearchVector("headline", weight="A", config="english")
    + SearchVector("standfirst", weight="B", config="english")
    + SearchVector("body", weight="C", config="english"),
    name="article_search_idx",
)


def create_search_index(apps, schema_editor):
    """Only PostgreSQL has full-text search; other databases search without an index."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("articles", "Article"), SEARCH_INDEX)


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("articles", "Article"), SEARCH_INDEX)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0003_article_revised_at"),
    ]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index),
    ]
