"""What the site tells search engines, feed readers and share cards about a page: absolute URLs and JSON-LD."""

from urllib.parse import urlsplit

from django.conf import settings
from django.templatetags.static import static

from articles.text import iso_datetime

LOGO_PATH = "img/logo.png"


def absolute_url(url):
    """`url` on the public site: paths are joined to SITE_URL, URLs that already have a host are kept."""
    if not url or urlsplit(url).netloc:
        return url
    return settings.SITE_URL + "/" + url.lstrip("/")


def site_host():
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def share_image(article):
    """The absolute address of the image shown when the article is shared: its own, or the site's logo."""
    return absolute_url(article.image.url if article.image else static(LOGO_PATH))


def news_article(article):
    """schema.org NewsArticle data for an article page, with absolute URLs."""
    url = absolute_url(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "description": article.standfirst,
        "datePublished": iso_datetime(article.published_at),
        "dateModified": iso_datetime(article.modified_at),
        "author": [{
            "@type": "Person",
            "name": article.author.name,
            "url": absolute_url(article.author.get_absolute_url()),
        }],
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": absolute_url("/"),
            "logo": {"@type": "ImageObject", "url": absolute_url(static(LOGO_PATH))},
        },
        "keywords": [tag.name for tag in article.tag_list],
        "wordCount": article.word_count,
        "image": [share_image(article)],
    }
    return data
