import json
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.management.commands.load_demo import DEMO_CONTENT
from articles.models import Article
from comments.models import Comment


class Command(BaseCommand):
    help = "Add the demo readers' approved comments to demo articles that have none yet."

    def handle(self, *args, **options):
        rows = json.loads(DEMO_CONTENT.read_text(encoding="utf-8")).get("comments", [])
        added = 0
        with transaction.atomic():
            for position, row in enumerate(rows):
                article = Article.objects.filter(slug=row["article"]).first()
                if article is None or article.comments.filter(name=row["name"], parent=None).exists():
                    continue
                # Readers arrive over the hours after publication, not all at once.
                after = article.published_at + timedelta(minutes=23 * position)
                added += self.add(article, row, parent=None, after=after)
        self.stdout.write(f"Demo comments: {added} new, {Comment.objects.count()} in all.")

    def add(self, article, row, parent, after):
        comment = Comment.objects.create(
            article=article,
            parent=parent,
            name=row["name"],
            email=row["email"],
            website=row.get("website", ""),
            body=row["body"],
            status=Comment.Status.APPROVED,
            created_at=after + timedelta(minutes=37),
            moderated_at=after + timedelta(minutes=50),
        )
        return 1 + sum(self.add(article, reply, comment, comment.created_at) for reply in row.get("replies", []))
