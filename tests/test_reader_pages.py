from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles import pagecache
from articles.demo.images import illustration
from articles.models import Article


@pytest.fixture
def hidden_articles(make_article, make_tag, author):
    tag = make_tag("Council")
    return [
        make_article("Secret draft", status=Article.Status.DRAFT, published_at=None, tags=[tag]),
        make_article("Secret review", status=Article.Status.REVIEW, published_at=None, tags=[tag]),
        make_article("Secret scheduled", published_at=timezone.now() + timedelta(hours=2), tags=[tag]),
    ]


def test_unpublished_articles_appear_on_no_reader_page(client, make_article, make_tag, author, hidden_articles):
    live = make_article("Visible story", tags=[make_tag("Council")])
    pages = ["/", reverse("articles:tag", args=["council"]), author.get_absolute_url(), live.get_absolute_url()]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert "Visible story" in response.text
        assert "Secret" not in response.text
    for article in hidden_articles:
        assert client.get(article.get_absolute_url()).status_code == 404


def test_scheduled_article_appears_when_its_time_comes(client, make_article):
    article = make_article("Embargoed", published_at=timezone.now() + timedelta(minutes=1))
    assert client.get(article.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get(article.get_absolute_url()).status_code == 200
    assert "Embargoed" in client.get("/").text


def test_article_page_has_every_part_of_the_reference_layout(client, make_article, make_tag, author):
    tag = make_tag("Mayor Ines Okafor")
    article = make_article(
        "Harbour swap agreed", tags=[tag], body="<h2>What next</h2><p>Talks resume on Friday.</p>",
        image=SimpleUploadedFile("harbour.jpg", illustration("harbour").read(), content_type="image/jpeg"),
        image_caption="The harbour at dawn. Photograph: Newsroom", image_alt="Boats in the harbour",
    )
    make_article("Related story", tags=[tag])
    text = client.get(article.get_absolute_url()).text
    assert "<h1 class=\"article__headline\">Harbour swap agreed</h1>" in text
    assert 'alt="Boats in the harbour"' in text
    assert "<figcaption>The harbour at dawn. Photograph: Newsroom</figcaption>" in text
    assert f'href="{tag.get_absolute_url()}"' in text
    assert f'href="{author.get_absolute_url()}" rel="author">Ada Reporter' in text
    assert "<h2>What next</h2><p>Talks resume on Friday.</p>" in text
    assert "About the Author" in text and "Ada writes about transport." in text
    assert "Recommended For You" in text and "Related story" in text
    assert "Leave a Reply" in text
    assert "Your email address will not be published. Required fields are marked" in text


def test_byline_says_updated_after_a_correction(client, make_article):
    article = make_article("Correctable")
    assert "Updated" not in client.get(article.get_absolute_url()).text
    article.body = "<p>Corrected figure.</p>"
    article.save()
    assert "Updated" in client.get(article.get_absolute_url()).text


@override_settings(ARTICLES_PER_PAGE=2)
def test_home_shows_the_lead_story_and_paginates(client, make_article):
    for hours in range(5):
        make_article(f"Story {hours}", published_at=timezone.now() - timedelta(hours=hours + 1))
    first = client.get("/")
    assert 'class="lead-story"' in first.text and "Story 0" in first.text and "Story 1" in first.text
    assert "Story 2" not in first.text
    second = client.get("/?page=2")
    assert "Story 2" in second.text and "Story 3" in second.text and "Story 0" not in second.text


@pytest.fixture
def five_stories(make_article, make_tag, settings):
    """Three pages of two articles, all by the `author` fixture and tagged Courts."""
    settings.ARTICLES_PER_PAGE = 2
    courts = make_tag("Courts")
    for hours in range(5):
        make_article(f"Story {hours}", published_at=timezone.now() - timedelta(hours=hours + 1), tags=[courts])


@pytest.mark.parametrize("path", ["/", "/tags/courts/", "/authors/ada-reporter/"])
def test_a_page_past_the_end_shows_the_last_page(client, five_stories, settings, path):
    response = client.get(path, {"page": "999"})
    assert response.status_code == 200
    assert "Story 4" in response.text and "Story 3" not in response.text
    assert "Page 3 of 3" in response.text
    assert f'<link rel="canonical" href="{settings.SITE_URL}{path}?page=3">' in response.text


@pytest.mark.parametrize("path", ["/", "/tags/courts/", "/authors/ada-reporter/"])
@pytest.mark.parametrize("page", ["x", "0", "-1", "1.5", "\x00", "", "9" * 5000])
def test_a_page_number_that_is_not_one_shows_the_first_page(client, five_stories, path, page):
    response = client.get(path, {"page": page})
    assert response.status_code == 200
    assert "Story 0" in response.text and "Story 2" not in response.text
    assert "Page 1 of 3" in response.text


def test_preview_of_an_unpublished_article_says_so_in_the_byline(admin_client, make_article):
    draft = make_article("Quiet draft", status=Article.Status.DRAFT, published_at=None)
    text = admin_client.get(reverse("admin:articles_article_preview", args=[draft.pk])).text
    assert "Not yet published" in text
    assert "· ·" not in " ".join(text.split())


def test_preview_of_a_scheduled_article_gives_its_time(admin_client, make_article):
    when = timezone.now().replace(year=timezone.now().year + 1, month=3, day=4, hour=9, minute=30)
    scheduled = make_article("Tomorrow's news", published_at=when)
    text = admin_client.get(reverse("admin:articles_article_preview", args=[scheduled.pk])).text
    assert "Scheduled for <time datetime=" in text
    assert f"4 March {when.year}, 09:30" in text


def test_the_site_has_a_favicon_and_icons(client, article):
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 200
    assert b"".join(favicon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    text = client.get(article.get_absolute_url()).text
    assert '<link rel="icon" href="/favicon.ico"' in text
    assert '<link rel="apple-touch-icon" href="/static/img/apple-touch-icon.png">' in text
    assert client.get("/static/img/apple-touch-icon.png").status_code == 200


def test_tag_and_author_pages_list_their_articles(client, make_article, make_tag, author):
    courts = make_tag("Courts")
    make_article("Court story", tags=[courts])
    make_article("Other story")
    tag_page = client.get(courts.get_absolute_url()).text
    assert "Court story" in tag_page and "Other story" not in tag_page
    author_page = client.get(author.get_absolute_url()).text
    assert "Ada writes about transport." in author_page and "Court story" in author_page
    assert client.get("/tags/no-such-tag/").status_code == 404
    assert client.get("/authors/no-such-author/").status_code == 404


def test_unknown_page_uses_the_custom_404(client, db):
    response = client.get("/articles/does-not-exist/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.text


def test_author_and_reader_markup_is_escaped(client, make_article, author):
    author.bio = '<script>alert("bio")</script>'
    author.save()
    article = make_article('Headline with <img src=x onerror=alert(1)>', slug="escaped")
    text = client.get(article.get_absolute_url()).text
    assert "<script>alert" not in text
    assert "<img src=x onerror" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text


def measure_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_home_page_query_count_does_not_grow_with_articles(client, make_article, make_tag):
    tags = [make_tag(f"Tag {n}") for n in range(3)]
    make_article("Only one", tags=tags)
    few = measure_queries(client, "/")
    for n in range(9):
        make_article(f"More {n}", tags=tags)
    assert measure_queries(client, "/") == few


def test_article_page_query_count(client, make_article, make_tag, django_assert_num_queries, uncached):
    tags = [make_tag(f"Tag {n}") for n in range(3)]
    article = make_article("Counted", tags=tags)
    for n in range(6):
        make_article(f"Neighbour {n}", tags=tags)
    # article, the page generation, its tags, recommended, the comment counts (no comment, so no thread)
    with django_assert_num_queries(5):
        assert client.get(article.get_absolute_url()).status_code == 200
    # the parts every reader sees alike are kept for the page generation: only the article and the generation,
    # which a shared cache (Redis) keeps too
    with django_assert_num_queries(1 if pagecache.shared_cache() else 2):
        assert client.get(article.get_absolute_url()).status_code == 200
