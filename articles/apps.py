from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from articles.models import Article, tags_changed
        from articles.search_index import repair_sqlite_index

        post_migrate.connect(repair_sqlite_index, sender=self)
        m2m_changed.connect(tags_changed, sender=Article.tags.through)
