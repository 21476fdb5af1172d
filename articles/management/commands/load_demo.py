import json
from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.demo import images
from articles.models import Article, Author, Tag

DEMO_CONTENT = Path(__file__).resolve().parents[2] / "demo" / "content.json"


class Command(BaseCommand):
    help = "Load the demo authors, tags and articles; running it again adds nothing twice."

    def handle(self, *args, **options):
        content = json.loads(DEMO_CONTENT.read_text(encoding="utf-8"))
        with transaction.atomic():
            authors = {row["slug"]: self.author(row) for row in content["authors"]}
            tags = {row["slug"]: Tag.objects.get_or_create(slug=row["slug"], defaults={"name": row["name"]})[0]
                    for row in content["tags"]}
            created = [self.article(row, authors, tags) for row in content["articles"]]
        self.stdout.write(f"Demo content: {sum(created)} new articles, {Article.objects.count()} in all.")

    def author(self, row):
        author, created = Author.objects.get_or_create(slug=row["slug"], defaults={"name": row["name"],
                                                                                    "bio": row["bio"]})
        if created or not author.photo:
            author.photo.save(f"{row['slug']}.jpg", images.portrait(row["name"], row["slug"]))
        return author

    def article(self, row, authors, tags):
        if Article.objects.filter(slug=row["slug"]).exists():
            return False
        article = Article(
            headline=row["headline"],
            slug=row["slug"],
            standfirst=row["standfirst"],
            body=row["body"],
            image_caption=row["image_caption"],
            image_alt=row["image_alt"],
            author=authors[row["author"]],
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timedelta(hours=row["hours_ago"]),
        )
        article.image.save(f"{row['slug']}.jpg", images.illustration(row["slug"]), save=False)
        article._change_reason = "Demo content"
        article.save()
        article.tags.set(tags[slug] for slug in row["tags"])
        return True
