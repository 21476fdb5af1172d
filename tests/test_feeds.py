from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article, Author

pytestmark = pytest.mark.usefixtures("site_url")


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


@pytest.mark.parametrize(("url", "version"), [("/feed/", "rss20"), ("/feed/atom/", "atom10")])
def test_site_feeds_are_valid_and_describe_each_article_fully(client, make_article, make_tag, url, version, site_url):
    courts, transport = make_tag("Courts"), make_tag("Transport")
    body = '<p>The trial <a href="/tags/courts/">continues</a>.</p><img src="/media/x.jpg" alt="">'
    article = make_article("Tram fraud trial opens", tags=[courts, transport], standfirst="Two men deny it.",
                           body=body)
    response, feed = parse(client, url)
    assert feed.version == version
    assert feed.feed.title == "Newsroom"
    assert feed.feed.link == f"{site_url}/"
    entry = feed.entries[0]
    assert entry.title == "Tram fraud trial opens"
    assert entry.link == f"{site_url}/articles/tram-fraud-trial-opens/"
    assert entry.id == f"tag:news.example.org,{article.created_at:%Y-%m-%d}:article:{article.pk}"
    assert entry.published_parsed[:6] == article.published_at.utctimetuple()[:6]
    assert entry.author == "Ada Reporter"
    assert sorted(tag.term for tag in entry.tags) == ["Courts", "Transport"]
    assert entry.summary == "Two men deny it."
    content = entry.content[0].value
    assert f'<a href="{site_url}/tags/courts/">continues</a>' in content
    assert f'src="{site_url}/media/x.jpg"' in content
    assert "testserver" not in response.text


def test_feed_lists_the_newest_articles_first(client, make_article):
    make_article("Older", published_at=timezone.now() - timedelta(days=2))
    make_article("Newer", published_at=timezone.now() - timedelta(hours=1))
    _, feed = parse(client, "/feed/")
    assert [entry.title for entry in feed.entries] == ["Newer", "Older"]


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_headlines_with_markup_characters_reach_feed_readers_as_written(client, make_article, url):
    make_article('Fish & chips: "the <best>" in town', slug="fish-and-chips", standfirst="Salt & vinegar <3")
    _, feed = parse(client, url)
    assert feed.entries[0].title == 'Fish & chips: "the <best>" in town'
    assert feed.entries[0].summary == "Salt &amp; vinegar &lt;3"  # HTML, as feed readers show it


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/authors/jo-journalist/feed/"])
def test_feeds_never_show_an_email_address(client, make_article, journalist, url):
    make_article("Staff story", author=Author.objects.get(user=journalist))
    response, feed = parse(client, url)
    assert "@" not in response.text
    assert "<email>" not in response.text
    assert feed.entries[0].author == "Jo Journalist"


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/tags/council/feed/", "/authors/ada-reporter/feed/"])
def test_feeds_leave_out_drafts_and_scheduled_articles(client, make_article, make_tag, url):
    council = make_tag("Council")
    make_article("Live story", tags=[council])
    make_article("Draft story", status=Article.Status.DRAFT, published_at=None, tags=[council])
    make_article("In review story", status=Article.Status.REVIEW, published_at=None, tags=[council])
    make_article("Scheduled story", published_at=timezone.now() + timedelta(hours=1), tags=[council])
    _, feed = parse(client, url)
    assert [entry.title for entry in feed.entries] == ["Live story"]


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_tag_and_author_feeds_hold_only_their_own_articles(client, make_article, make_tag, suffix, site_url):
    courts = make_tag("Courts")
    other = Author.objects.create(name="Ola Other", slug="ola-other")
    make_article("Court story", tags=[courts])
    make_article("Other author's story", author=other)
    _, tag_feed = parse(client, f"/tags/courts/feed/{suffix}")
    assert [entry.title for entry in tag_feed.entries] == ["Court story"]
    assert tag_feed.feed.title == "Courts | Newsroom"
    assert tag_feed.feed.link == f"{site_url}/tags/courts/"
    _, author_feed = parse(client, f"/authors/ola-other/feed/{suffix}")
    assert [entry.title for entry in author_feed.entries] == ["Other author's story"]
    assert client.get(f"/tags/no-such-tag/feed/{suffix}").status_code == 404
    assert client.get(f"/authors/no-such-author/feed/{suffix}").status_code == 404


def test_an_empty_feed_is_still_valid(client, db):
    _, feed = parse(client, "/feed/")
    assert feed.entries == []


def test_pages_link_their_feeds(client, make_article, make_tag, author):
    make_article("Court story", tags=[make_tag("Courts")])
    home = client.get("/").text
    assert '<link rel="alternate" type="application/rss+xml" title="Newsroom (RSS)" href="/feed/">' in home
    assert '<link rel="alternate" type="application/atom+xml" title="Newsroom (Atom)" href="/feed/atom/">' in home
    tag_page = client.get("/tags/courts/").text
    assert 'type="application/rss+xml" title="Courts | Newsroom (RSS)" href="/tags/courts/feed/"' in tag_page
    assert 'href="/tags/courts/feed/atom/"' in tag_page
    author_page = client.get(author.get_absolute_url()).text
    assert ('type="application/rss+xml" title="Ada Reporter | Newsroom (RSS)" href="/authors/ada-reporter/feed/"'
            in author_page)
