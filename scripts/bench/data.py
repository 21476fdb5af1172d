"""The benchmark's database: the demo, two busy stories and, at the large size, an archive, in bulk inserts."""

import json
import random
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice

from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from articles import pagecache, sanitize, search_index
from articles.management.commands.load_demo import DEMO_CONTENT
from articles.models import Article, Author, Tag
from articles.text import readable_text
from comments.models import Comment
from comments.models.comment import digest
from comments.sanitize import clean_reply_body

BATCH_SIZE = 5000
BREAKING_SLUG = "live-breaking-story"
CROWDED_SLUG = "live-crowded-story"
HELD_REASON = "held: every new comment is held"


@dataclass(frozen=True)
class Size:
    """Totals the database reaches; zero keeps what the demo and the two stories bring."""

    articles: int = 0
    authors: int = 0
    tags: int = 0
    comments: int = 0
    pending: int = 0


SIZES = {
    "default": Size(),
    "large": Size(articles=20_000, authors=200, tags=500, comments=500_000, pending=200_000),
}


def thread_shape(approved):
    """Approved comments split 60/28/12 into top-level comments, replies and replies to replies (50: 30/14/6)."""
    roots = round(approved * 0.6)
    replies = round(approved * 0.28)
    return roots, replies, approved - roots - replies


def spread(total, parts):
    """`total` split into `parts` whole numbers that differ by at most one."""
    base, extra = divmod(total, parts)
    return [base + (index < extra) for index in range(parts)]


class CommentMaker:
    """Unsaved comments numbered from `first_pk`, with the fields Comment.save() derives set, for bulk_create."""

    def __init__(self, first_pk, bodies):
        self.next_pk = first_pk
        self.bodies = bodies
        self.derived = {}  # bleach and the digest run once per distinct text, not once per row

    def make(self, article_id, *, at, parent=None, status=Comment.Status.APPROVED):
        pk, self.next_pk = self.next_pk, self.next_pk + 1
        body = self.bodies[pk % len(self.bodies)]
        if body not in self.derived:
            self.derived[body] = (clean_reply_body(body), digest(body))
        body_html, body_digest = self.derived[body]
        held = status == Comment.Status.PENDING
        return Comment(
            pk=pk, article_id=article_id, parent=parent, name=f"Reader {pk % 997}",
            email=f"reader{pk % 997}@example.org", body=body, status=status,
            # As Comment.save() derives them.
            body_html=body_html, body_digest=body_digest,
            depth=parent.depth + 1 if parent else 0,
            thread_id=(parent.thread_id or parent.pk) if parent else None,
            created_at=at, moderated_at=None if held else at + timedelta(minutes=10),
            reason=HELD_REASON if held else "", reason_kind=Comment.ReasonKind.HOLD_ALL if held else "",
            ip_address=f"198.51.100.{pk % 250 + 1}", user_agent="bench",
        )

    def discussion(self, article_id, published_at, *, approved, held):
        """One article's comments: threads of approved comments, then held ones, half of them replies."""
        roots_count, replies_count, deep_count = thread_shape(approved)
        start = published_at + timedelta(minutes=5)
        roots = [self.make(article_id, at=start + timedelta(minutes=2 * n)) for n in range(roots_count)]
        replies = [self.reply(article_id, roots[n % roots_count], n) for n in range(replies_count)]
        deep = [self.reply(article_id, replies[n % replies_count], n) for n in range(deep_count)]
        late = start + timedelta(minutes=2 * roots_count + 60)
        waiting = [self.make(article_id, at=late + timedelta(minutes=n), status=Comment.Status.PENDING,
                             parent=roots[n % roots_count] if n % 2 and roots else None) for n in range(held)]
        return [*roots, *replies, *deep, *waiting]

    def reply(self, article_id, parent, number):
        return self.make(article_id, parent=parent, at=parent.created_at + timedelta(minutes=3 + number % 7))


def demo_bodies():
    """Every demo comment's text, replies included: the pool the generated comments take their text from."""
    def walk(rows):
        for row in rows:
            yield row["body"]
            yield from walk(row.get("replies", []))

    return list(walk(json.loads(DEMO_CONTENT.read_text(encoding="utf-8"))["comments"]))


def insert(model, rows):
    """Saves `rows` (an iterable) in batches of BATCH_SIZE; returns how many."""
    rows, count = iter(rows), 0
    while batch := list(islice(rows, BATCH_SIZE)):
        model.objects.bulk_create(batch, batch_size=BATCH_SIZE)
        count += len(batch)
    return count


def story(seed, slug, published_at):
    """A published article with the seed article's text, author, image and tags."""
    article = Article.objects.create(
        headline=f"Live: {seed.headline}", slug=slug, standfirst=seed.standfirst, body=seed.body,
        image=seed.image.name, image_caption=seed.image_caption, image_alt=seed.image_alt, author=seed.author,
        status=Article.Status.PUBLISHED, published_at=published_at,
    )
    article.tags.set(seed.tags.all())
    return article


def build(size):
    """Loads the demo, adds the two stories and, for a large size, the archive; returns the two stories."""
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("load_demo_comments", verbosity=0)
    seeds = list(Article.objects.published().order_by("-published_at", "pk")[:2])
    now = timezone.now()
    with transaction.atomic():
        breaking = story(seeds[0], BREAKING_SLUG, now - timedelta(minutes=30))
        crowded = story(seeds[1], CROWDED_SLUG, now - timedelta(hours=5))
        maker = CommentMaker(first_pk=(Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1,
                             bodies=demo_bodies())
        insert(Comment, [*maker.discussion(breaking.pk, breaking.published_at, approved=50, held=10),
                         *maker.discussion(crowded.pk, crowded.published_at, approved=1000, held=200)])
        if size.articles:
            add_archive(size, maker, random.Random(10))
        reset_sequences()
        pagecache.invalidate()  # bulk inserts skip the saves that start a new page generation
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as a database that has run a while has them
    return breaking, crowded


def add_archive(size, maker, rng):
    """Authors, tags and articles up to the totals of `size`, and comments spread over the new articles."""
    insert(Author, (Author(name=f"Reporter {n}", slug=f"reporter-{n}", bio="Covers the city.")
                    for n in range(Author.objects.count(), size.authors)))
    insert(Tag, (Tag(name=f"Topic {n}", slug=f"topic-{n}") for n in range(Tag.objects.count(), size.tags)))
    author_ids = list(Author.objects.values_list("pk", flat=True))
    tag_ids = list(Tag.objects.values_list("pk", flat=True))
    demo = Article.objects.published().exclude(slug__in=[BREAKING_SLUG, CROWDED_SLUG])
    templates = [(row, sanitize.clean_article_body(row.body)) for row in demo]
    now = timezone.now()
    articles = []
    for n in range(Article.objects.count(), size.articles):
        row, body = templates[n % len(templates)]
        articles.append(Article(
            headline=f"{row.headline} ({n})", slug=f"{row.slug}-{n}", standfirst=row.standfirst, body=body,
            body_text=readable_text(body), image=row.image.name, image_caption=row.image_caption,
            image_alt=row.image_alt, author_id=rng.choice(author_ids),
            status=Article.Status.DRAFT if n % 50 == 0 else Article.Status.PUBLISHED,
            published_at=now - timedelta(hours=6 + n),
        ))
    for start in range(0, len(articles), BATCH_SIZE):
        Article.objects.bulk_create(articles[start:start + BATCH_SIZE])
    if connection.vendor == "postgresql":  # Article.save() computes it; SQLite's FTS5 triggers need nothing
        Article.objects.filter(search_document=None).update(
            search_document=search_index.document(F("headline"), F("standfirst"), F("body_text")))
    insert(Article.tags.through, (Article.tags.through(article_id=article.pk, tag_id=tag_id)
                                  for article in articles for tag_id in rng.sample(tag_ids, 3)))
    held_total = max(0, size.pending - Comment.objects.pending().count())
    approved_total = max(0, size.comments - Comment.objects.count() - held_total)
    counts = zip(spread(approved_total, len(articles)), spread(held_total, len(articles)), strict=True)
    insert(Comment, (comment for article, (approved, held) in zip(articles, counts, strict=True)
                     for comment in maker.discussion(article.pk, article.published_at, approved=approved, held=held)))


def reset_sequences():
    """Points PostgreSQL's id sequences past the ids given explicitly; SQLite needs nothing."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Comment, Article, Author, Tag]):
            cursor.execute(statement)
