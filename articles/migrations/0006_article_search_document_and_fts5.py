import importlib

import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from articles import search_index

SEARCH_INDEX = GinIndex(fields=["search_document"], name="article_search_document_idx")


def create_search_index(apps, schema_editor):
    """PostgreSQL: the stored weighted vector and its GIN index. SQLite: an FTS5 table kept by triggers."""
    connection = schema_editor.connection
    Article = apps.get_model("articles", "Article")
    if connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_idx")  # migration 0004's index over the HTML
        Article.objects.update(search_document=search_index.document("headline", "standfirst", "body_text"))
        schema_editor.add_index(Article, SEARCH_INDEX)
    elif connection.vendor == "sqlite":
        search_index.create_sqlite_index(connection)


def drop_search_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        Article = apps.get_model("articles", "Article")
        schema_editor.remove_index(Article, SEARCH_INDEX)
        previous = importlib.import_module("articles.migrations.0004_article_search_index")
        schema_editor.add_index(Article, previous.SEARCH_INDEX)
    elif connection.vendor == "sqlite":
        search_index.drop_sqlite_index(connection)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0005_article_body_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
