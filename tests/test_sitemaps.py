from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from articles.models import Article, Author

pytestmark = pytest.mark.usefixtures("site_url")
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def locations(root):
    return [element.text for element in root.iterfind("sm:url/sm:loc", NS)]


def lastmods(root):
    return {url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
            for url in root.iterfind("sm:url", NS)}


def test_sitemap_index_points_to_every_section_on_the_public_address(client, article, site_url):
    root = parse(client, "/sitemap.xml")
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    assert [element.text for element in root.iterfind("sm:sitemap/sm:loc", NS)] == [
        f"{site_url}/sitemap-articles.xml", f"{site_url}/sitemap-tags.xml", f"{site_url}/sitemap-authors.xml",
        f"{site_url}/sitemap-news.xml",
    ]
    for url in root.iterfind("sm:sitemap/sm:loc", NS):
        assert client.get(url.text.removeprefix(site_url)).status_code == 200


def test_article_sitemap_lists_only_published_articles_with_their_last_change(client, make_article, site_url):
    plain = make_article("Plain story")
    corrected = make_article("Corrected story")
    corrected.body = "<p>A corrected figure.</p>"
    corrected.save()
    make_article("Draft story", status=Article.Status.DRAFT, published_at=None)
    make_article("In review story", status=Article.Status.REVIEW, published_at=None)
    make_article("Scheduled story", published_at=timezone.now() + timedelta(hours=1))
    dates = lastmods(parse(client, "/sitemap-articles.xml"))
    assert set(dates) == {f"{site_url}/articles/plain-story/", f"{site_url}/articles/corrected-story/"}
    assert dates[f"{site_url}/articles/plain-story/"] == plain.published_at.replace(microsecond=0).isoformat()
    assert dates[f"{site_url}/articles/corrected-story/"] == corrected.revised_at.replace(microsecond=0).isoformat()


def test_tag_and_author_sitemaps_list_only_those_with_published_articles(client, make_article, make_tag, site_url):
    make_article("Court story", tags=[make_tag("Courts")])
    hidden_author = Author.objects.create(name="Hidden Hal", slug="hidden-hal")
    make_article("Draft story", status=Article.Status.DRAFT, published_at=None, tags=[make_tag("Secrets")],
                 author=hidden_author)
    make_tag("Unused")
    assert locations(parse(client, "/sitemap-tags.xml")) == [f"{site_url}/tags/courts/"]
    assert locations(parse(client, "/sitemap-authors.xml")) == [f"{site_url}/authors/ada-reporter/"]


def test_news_sitemap_lists_only_articles_of_the_last_two_days(client, make_article, site_url):
    recent = make_article('Fish & chips "at dawn"', slug="fish-chips",
                          published_at=timezone.now() - timedelta(hours=47))
    make_article("Old story", published_at=timezone.now() - timedelta(days=2, hours=1))
    make_article("Draft story", status=Article.Status.DRAFT, published_at=None)
    make_article("Scheduled story", published_at=timezone.now() + timedelta(hours=1))
    root = parse(client, "/sitemap-news.xml")
    assert locations(root) == [f"{site_url}/articles/fish-chips/"]
    news = root.find("sm:url/news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Newsroom"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == 'Fish & chips "at dawn"'
    assert news.findtext("news:publication_date", namespaces=NS) == recent.published_at.replace(
        microsecond=0).isoformat()


def test_sitemaps_are_valid_and_empty_before_anything_is_published(client, db):
    for url in ["/sitemap.xml", "/sitemap-articles.xml", "/sitemap-tags.xml", "/sitemap-authors.xml",
                "/sitemap-news.xml"]:
        parse(client, url)
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-articles.xml?p=abc").status_code == 404


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_search_and_points_to_the_sitemap(client, db, site_url):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text.splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "",
        f"Sitemap: {site_url}/sitemap.xml",
    ]
