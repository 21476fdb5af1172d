from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from articles.search_index import repair_sqlite_index

        post_migrate.connect(repair_sqlite_index, sender=self)
