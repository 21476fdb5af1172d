"""RSS 2.0 and Atom feeds of the latest published articles: the whole site, one tag, one author."""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from articles.metadata import absolute_url, site_host
from articles.models import Article, Author, Tag

FEED_LENGTH = 20

# Feed readers show an item away from the site, so links and images in the body must carry the host.
_ROOT_RELATIVE_URL = re.compile(r'(\s(?:href|src)=")/(?!/)')


def absolute_body(html):
    """An article body with root-relative links and image sources made absolute on SITE_URL."""
    return _ROOT_RELATIVE_URL.sub(lambda match: match.group(1) + absolute_url("/"), html)


class RssFeedWithContent(Rss201rev2Feed):
    """RSS 2.0 with the full article in content:encoded, as feed readers expect."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": "http://purl.org/rss/1.0/modules/content/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content"])


class AtomFeedWithContent(Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


def atom_variant(rss_feed, url_name):
    """The same feed in Atom 1.0, at its own URL, with the RSS description as its subtitle."""
    attributes = {"feed_type": AtomFeedWithContent, "url_name": url_name, "subtitle": rss_feed.description}
    return type(rss_feed.__name__.replace("Feed", "AtomFeed"), (rss_feed,), attributes)


class LatestArticlesFeed(Feed):
    """The latest articles on the site, as RSS 2.0."""

    feed_type = RssFeedWithContent
    url_name = "articles:feed"
    item_guid_is_permalink = False

    def title(self, obj):
        return settings.SITE_NAME

    def description(self, obj):
        return f"The latest news from {settings.SITE_NAME}."

    def link(self, obj):
        return absolute_url(reverse("articles:home"))

    def feed_url(self, obj):
        return absolute_url(reverse(self.url_name, kwargs=self.url_kwargs(obj)))

    def url_kwargs(self, obj):
        return {}

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj):
        return self.articles(obj).for_listing()[:FEED_LENGTH]

    def item_title(self, article):
        return article.headline

    def item_link(self, article):
        return absolute_url(article.get_absolute_url())

    def item_guid(self, article):
        """A tag URI that survives a change of slug, so readers never see an article twice."""
        return f"tag:{site_host()},{article.created_at:%Y-%m-%d}:article:{article.pk}"

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.modified_at

    def item_author_name(self, article):
        return article.author.name

    def item_author_link(self, article):
        return absolute_url(article.author.get_absolute_url())

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]

    def item_description(self, article):
        return escape(article.standfirst)

    def item_extra_kwargs(self, article):
        return {"content": absolute_body(article.body)}


LatestArticlesAtomFeed = atom_variant(LatestArticlesFeed, "articles:feed-atom")


class NamedPageFeed(LatestArticlesFeed):
    """The latest articles of one tag or author, found by the slug in the URL."""

    named_page_model = None  # Tag or Author
    article_lookup = None  # how an article names it
    description_format = ""

    def get_object(self, request, slug):
        return get_object_or_404(self.named_page_model, slug=slug)

    def url_kwargs(self, obj):
        return {"slug": obj.slug}

    def title(self, obj):
        return f"{obj.name} | {settings.SITE_NAME}"

    def description(self, obj):
        return self.description_format.format(name=obj.name, site=settings.SITE_NAME)

    def link(self, obj):
        return absolute_url(obj.get_absolute_url())

    def articles(self, obj):
        return Article.objects.published().filter(**{self.article_lookup: obj})


class TagFeed(NamedPageFeed):
    """The latest articles under one tag."""

    named_page_model, article_lookup = Tag, "tags"
    url_name = "articles:tag-feed"
    description_format = "The latest articles tagged {name} on {site}."


TagAtomFeed = atom_variant(TagFeed, "articles:tag-feed-atom")


class AuthorFeed(NamedPageFeed):
    """The latest articles by one author."""

    named_page_model, article_lookup = Author, "author"
    url_name = "articles:author-feed"
    description_format = "The latest articles by {name} on {site}."


AuthorAtomFeed = atom_variant(AuthorFeed, "articles:author-feed-atom")
