import math

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from django.db.models import Count, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django_prose_editor.fields import ProseEditorField
from simple_history.models import HistoricalRecords

from articles import pagecache, sanitize, search_index
from articles.text import readable_text

BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "HardBreak": True,
    "HorizontalRule": True,
    "NoSpellCheck": False,  # the editor turns the browser's spellcheck off unless told not to
}

# Changing one of these on a live article shows “Updated” in its byline.
CONTENT_FIELDS = ["headline", "standfirst", "body", "image", "image_caption", "image_alt"]

# The latest articles among which "Recommended For You" is chosen.
RECOMMENDATION_POOL = 200

# An adult's typical silent reading speed for news prose, used for “N min read”.
WORDS_PER_MINUTE = 220


class ShownToReaders(models.Model):
    """A model readers see on cached pages: saving or deleting one starts a new page generation."""

    class Meta:
        abstract = True

    def save(self, **kwargs):
        shown = self.shown_to_readers()
        super().save(**kwargs)
        if shown:
            pagecache.invalidate()

    def delete(self, **kwargs):
        shown = self.shown_to_readers()
        deleted = super().delete(**kwargs)
        if shown:
            pagecache.invalidate()  # after the row is gone, so no reader caches it under the new generation
        return deleted

    def shown_to_readers(self):
        """Whether saving or deleting this object can change a page readers see."""
        return True


class NamedPage(ShownToReaders):
    """A tag or an author: known by its name, with a page of its articles at the URL named `url_name`."""

    url_name = None  # set by each model

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(self.url_name, kwargs={"slug": self.slug})


class Author(NamedPage):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    bio = models.TextField(blank=True, max_length=1000, help_text="Shown in the “About the Author” box.")
    photo = models.ImageField(upload_to="authors/", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        limit_choices_to={"is_staff": True},
        help_text="The staff account that writes as this author: its articles are theirs to edit.",
    )
    url_name = "articles:author"


class Tag(NamedPage):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    url_name = "articles:tag"


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles readers may see: published, with a publish time already reached."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        """Newest first, with what an article card shows fetched in the same queries."""
        return self.select_related("author").prefetch_related("tags").order_by("-published_at", "-pk")

    def for_cards(self):
        """for_listing() without the bodies and search index, which cards and lists never show."""
        return self.for_listing().defer("body", "body_text", "search_document")

    def editable_by(self, user):
        """Articles a staff member may open in the admin: all for editors, their own for journalists."""
        if user.has_perm("articles.publish_article"):
            return self
        return self.filter(author__user=user)

    def recommended_for(self, article, limit=4):
        """Other recent articles, those sharing the most tags with `article` first, then the latest."""
        # Only the latest RECOMMENDATION_POOL articles are weighed, so the cost does not grow with the archive.
        tag_ids = [tag.pk for tag in article.tag_list]
        recent = (self.published().exclude(pk=article.pk).order_by("-published_at", "-pk")
                  .values("pk")[:RECOMMENDATION_POOL])
        return (
            self.filter(pk__in=recent)
            .annotate(shared_tags=Count("tags", filter=Q(tags__in=tag_ids), distinct=True))
            .only("headline", "slug", "image", "published_at")
            .order_by("-shared_tags", "-published_at", "-pk")[:limit]
        )


class Article(ShownToReaders):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"

    headline = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True, help_text="The article's address: /articles/<slug>/.")
    standfirst = models.TextField(
        max_length=400, help_text="One or two sentences under the headline, also used in lists and shares."
    )
    body = ProseEditorField(extensions=BODY_EDITOR_EXTENSIONS, sanitize=False, blank=True)
    body_text = models.TextField(editable=False, blank=True, help_text="The body's words without markup.")
    image = models.ImageField(upload_to="articles/%Y/%m/", blank=True, help_text="The featured image.")
    image_caption = models.CharField(max_length=300, blank=True)
    image_alt = models.CharField(
        max_length=200, blank=True, help_text="Describes the image for readers who cannot see it."
    )
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="A future time schedules the article; left empty, publishing sets it to now.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    revised_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the text or image last changed after publication."
    )
    comments_open = models.BooleanField(default=True, help_text="Untick to close the article to new replies.")
    # PostgreSQL only (empty elsewhere): the weighted words searched, with a GIN index made by migration 0006.
    search_document = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[tags], excluded_fields=["updated_at", "search_document"])

    class Meta:
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_article", "Can publish, schedule and unpublish articles")]
        indexes = [models.Index(fields=["status", "-published_at"], name="article_status_published_idx")]

    def __str__(self):
        return self.headline

    def save(self, **kwargs):
        self.body = sanitize.clean_article_body(self.body)
        self.body_text = readable_text(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.is_live and self.has_content_changes():
            self.revised_at = timezone.now()
        if connection.vendor == "postgresql":  # SQLite's FTS5 index follows the table through triggers
            self.search_document = search_index.document(
                Value(self.headline), Value(self.standfirst), Value(self.body_text)
            )
        super().save(**kwargs)
        self.__dict__.pop("search_document", None)  # the database computed it; read it back only if asked

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def shown_to_readers(self):
        """A published or scheduled article is, and so is one stored as published until this change (unpublishing);
        drafts and articles in review are not."""
        if self.is_published:
            return True
        return self.pk is not None and Article.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists()

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED and self.published_at is not None

    @property
    def is_scheduled(self):
        return self.is_published and self.published_at > timezone.now()

    @property
    def is_live(self):
        return self.is_published and not self.is_scheduled

    @property
    def is_updated(self):
        """Whether the text or image changed after the article went out, so the byline says “Updated”."""
        return self.is_live and self.revised_at is not None and self.revised_at > self.published_at

    @property
    def modified_at(self):
        """When readers last saw a change: the latest correction after publication, or else the publish time."""
        return self.revised_at if self.is_updated else self.published_at

    @cached_property
    def tag_list(self):
        """The article's tags, fetched once however many parts of a page show them (or prefetched)."""
        return list(self.tags.all())

    @property
    def word_count(self):
        return len(self.body_text.split())

    @property
    def reading_minutes(self):
        """Minutes a reader needs for the body, rounded up, never less than one."""
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))

    def has_content_changes(self):
        """Whether what readers read differs from the stored, live version of this article."""
        stored = Article.objects.published().filter(pk=self.pk).values(*CONTENT_FIELDS).first()
        return stored is not None and any(stored[name] != getattr(self, name) for name in CONTENT_FIELDS)


def tags_changed(sender, instance, action, reverse, **kwargs):
    """Tags given to or taken from an article readers see start a new page generation (from a tag's side, always)."""
    if action in ("post_add", "post_remove", "post_clear") and (reverse or instance.shown_to_readers()):
        pagecache.invalidate()


class PageGeneration(models.Model):
    """The one row that numbers what readers see: a cached page from an older generation is never served.

    It lives in the database, not the cache, so that every worker on every machine sees a change at once, even
    with a cache of their own.
    """

    number = models.PositiveBigIntegerField(default=0)
    # Seconds since the epoch, so that the page cache reads the row with one plain query on every database.
    next_change_at = models.BigIntegerField(
        null=True, blank=True,
        help_text="When the next scheduled article goes live (Unix time), which starts a new generation.",
    )

    def __str__(self):
        return f"Page generation {self.number}"
