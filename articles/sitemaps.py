"""Sitemaps for search engines: articles, tags and authors, and a Google News sitemap of the latest articles."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from articles.metadata import absolute_url
from articles.models import Article, Author, Tag

# Google News reads articles published in the last two days, at most 1,000 to a sitemap.
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000

# What a sitemap entry needs of an article: its address and the dates behind `modified_at`.
ARTICLE_FIELDS = ["headline", "slug", "status", "published_at", "revised_at"]


class PublicSitemap(Sitemap):
    """A sitemap whose addresses use SITE_URL, whatever host name the request came in on."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ArticleSitemap(PublicSitemap):
    def items(self):
        return Article.objects.published().only(*ARTICLE_FIELDS).order_by("-published_at", "-pk")

    def lastmod(self, article):
        return article.modified_at

    def get_latest_lastmod(self):
        """The latest publish or correction time, counted by the database rather than article by article."""
        latest = self.items().aggregate(published=Max("published_at"), revised=Max("revised_at"))
        return max(filter(None, latest.values()), default=None)


class NewsSitemap(ArticleSitemap):
    limit = NEWS_LIMIT

    def items(self):
        return super().items().filter(published_at__gte=timezone.now() - NEWS_WINDOW)


class TagSitemap(PublicSitemap):
    def items(self):
        """Tags with at least one published article, each with the time of its latest."""
        published = Article.objects.published()
        tags = Tag.objects.filter(articles__in=published).annotate(latest_at=Max("articles__published_at"))
        return tags.order_by("name")  # grouped queries ignore Meta.ordering, and pages need a fixed order

    def lastmod(self, tag):
        return tag.latest_at


class AuthorSitemap(PublicSitemap):
    def items(self):
        """Authors with at least one published article, each with the time of its latest."""
        published = Article.objects.published()
        authors = Author.objects.filter(articles__in=published).annotate(latest_at=Max("articles__published_at"))
        return authors.order_by("name")

    def lastmod(self, author):
        return author.latest_at


SECTIONS = {"articles": ArticleSitemap, "tags": TagSitemap, "authors": AuthorSitemap}


def index_entries():
    """Every page of every section, including the news sitemap, as absolute URLs with their latest change."""
    sections = [(reverse("articles:sitemap-section", kwargs={"section": name}), sitemap)
                for name, sitemap in SECTIONS.items()]
    sections.append((reverse("articles:sitemap-news"), NewsSitemap))
    entries = []
    for path, sitemap_class in sections:
        sitemap = sitemap_class()
        location, lastmod = absolute_url(path), sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(location, lastmod))
        entries += [SitemapIndexItem(f"{location}?p={page}", lastmod)
                    for page in range(2, sitemap.paginator.num_pages + 1)]
    return entries
