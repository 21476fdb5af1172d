import json
from datetime import datetime
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile

from articles.demo.images import illustration

pytestmark = pytest.mark.usefixtures("site_url")


class PageHead(HTMLParser):
    """The parts of a page that browsers, crawlers and share cards read: title, meta, links and scripts."""

    def __init__(self, html):
        super().__init__()
        self.title, self.meta, self.links, self.scripts = "", {}, [], []
        self._in = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link":
            self.links.append(attrs)
        elif tag in ("title", "script"):
            self._in = tag
            if tag == "script":
                self.scripts.append({"type": attrs.get("type"), "src": attrs.get("src"), "text": ""})

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "script":
            self.scripts[-1]["text"] += data

    def first(self, key):
        return self.meta.get(key, [None])[0]

    def canonical(self):
        return [link["href"] for link in self.links if link.get("rel") == "canonical"]


def head_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return PageHead(response.text)


@pytest.fixture
def illustrated_article(make_article, make_tag):
    return make_article(
        "Harbour swap agreed", standfirst="The council and the port trade land.",
        tags=[make_tag("Harbour"), make_tag("Mayor Ines Okafor")],
        image=SimpleUploadedFile("harbour.jpg", illustration("harbour").read(), content_type="image/jpeg"),
        image_alt="Boats in the harbour",
    )


def test_every_reader_page_has_a_title_a_description_and_an_absolute_canonical_url(client, illustrated_article,
                                                                                   author, site_url):
    pages = {
        "/": f"{site_url}/",
        illustrated_article.get_absolute_url(): f"{site_url}/articles/harbour-swap-agreed/",
        "/tags/harbour/": f"{site_url}/tags/harbour/",
        author.get_absolute_url(): f"{site_url}/authors/ada-reporter/",
        "/search/?q=harbour": f"{site_url}/search/?q=harbour",
        "/search/": f"{site_url}/search/",
    }
    for url, canonical in pages.items():
        head = head_of(client, url)
        assert head.title.strip().endswith("Newsroom"), url
        assert head.first("description"), url
        assert head.canonical() == [canonical], url


def test_canonical_url_of_a_later_page_keeps_its_number_and_drops_other_parameters(client, make_article, settings,
                                                                                    site_url):
    settings.ARTICLES_PER_PAGE = 1
    make_article("One")
    make_article("Two")
    assert head_of(client, "/?page=2&utm_source=x").canonical() == [f"{site_url}/?page=2"]
    assert head_of(client, "/?utm_source=x").canonical() == [f"{site_url}/"]


def test_article_page_has_open_graph_and_twitter_card_tags(client, illustrated_article, site_url):
    head = head_of(client, illustrated_article.get_absolute_url())
    url = f"{site_url}/articles/harbour-swap-agreed/"
    image = f"{site_url}{illustrated_article.image.url}"
    published = illustrated_article.published_at.replace(microsecond=0).isoformat()
    assert head.first("description") == "The council and the port trade land."
    assert head.first("og:type") == "article"
    assert head.first("og:title") == "Harbour swap agreed"
    assert head.first("og:description") == "The council and the port trade land."
    assert head.first("og:url") == url
    assert head.first("og:image") == image
    assert head.first("og:image:alt") == "Boats in the harbour"
    assert head.first("og:site_name") == "Newsroom"
    assert head.first("article:published_time") == published
    assert head.first("article:modified_time") == published
    assert head.first("article:author") == f"{site_url}/authors/ada-reporter/"
    assert head.meta["article:tag"] == ["Harbour", "Mayor Ines Okafor"]
    assert head.first("twitter:card") == "summary_large_image"
    assert head.first("twitter:title") == "Harbour swap agreed"
    assert head.first("twitter:image") == image


def test_modified_time_follows_a_correction(client, illustrated_article):
    illustrated_article.standfirst = "The council and the port swap land."
    illustrated_article.save()
    head = head_of(client, illustrated_article.get_absolute_url())
    assert head.first("article:modified_time") == illustrated_article.revised_at.replace(microsecond=0).isoformat()


def test_an_article_without_an_image_is_shared_with_the_site_logo(client, article):
    head = head_of(client, article.get_absolute_url())
    assert head.first("twitter:card") == "summary"
    assert head.first("og:image") == f"{settings.SITE_URL}/static/img/logo.png"
    assert json_ld(head)["image"] == [head.first("og:image")]


def json_ld(head):
    blocks = [script["text"] for script in head.scripts if script["type"] == "application/ld+json"]
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_news_article_json_ld_parses_and_matches_the_article(client, illustrated_article, site_url):
    data = json_ld(head_of(client, illustrated_article.get_absolute_url()))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Harbour swap agreed"
    assert data["description"] == "The council and the port trade land."
    assert data["url"] == data["mainEntityOfPage"]["@id"] == f"{site_url}/articles/harbour-swap-agreed/"
    assert data["image"] == [f"{site_url}{illustrated_article.image.url}"]
    published = illustrated_article.published_at.replace(microsecond=0)
    assert datetime.fromisoformat(data["datePublished"]) == published
    assert datetime.fromisoformat(data["dateModified"]) == published
    assert data["author"] == [{"@type": "Person", "name": "Ada Reporter", "url": f"{site_url}/authors/ada-reporter/"}]
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == "Newsroom"
    assert data["publisher"]["logo"]["url"] == f"{site_url}/static/img/logo.png"
    assert data["keywords"] == ["Harbour", "Mayor Ines Okafor"]
    assert finders.find("img/logo.png")


def test_a_headline_with_a_closing_script_tag_cannot_break_out_of_the_json_ld(client, make_article):
    headline = '</script><script>alert("x")</script><!-- & "quotes"'
    article = make_article(headline, slug="break-out", standfirst="</SCRIPT> <b>")
    response = client.get(article.get_absolute_url())
    head = PageHead(response.text)
    assert [script["type"] for script in head.scripts if not script["src"]] == ["application/ld+json"]
    data = json_ld(head)
    assert data["headline"] == headline
    assert data["description"] == "</SCRIPT> <b>"
    assert "<script>alert" not in response.text
    assert head.first("og:title") == headline


@pytest.mark.parametrize("url", ["/", "/tags/harbour/", "/authors/ada-reporter/", "/search/?q=harbour"])
def test_reader_pages_carry_no_javascript(client, illustrated_article, url):
    assert head_of(client, url).scripts == []


def test_article_page_has_no_inline_javascript_and_only_its_own_reply_script(client, illustrated_article):
    head = head_of(client, illustrated_article.get_absolute_url())
    assert [script["type"] for script in head.scripts if not script["src"]] == ["application/ld+json"]
    assert [script["src"] for script in head.scripts if script["src"]] == ["/static/js/comments.js"]


@pytest.mark.parametrize(("words", "label"), [(1, "1 min read"), (220, "1 min read"), (221, "2 min read"),
                                             (900, "5 min read")])
def test_article_page_shows_the_reading_time(client, make_article, words, label):
    article = make_article("Timed", body="<p>" + " ".join(["word"] * words) + "</p>")
    assert label in client.get(article.get_absolute_url()).text


def test_reading_time_counts_words_in_separate_paragraphs(make_article):
    article = make_article("Blocks", body="<p>one</p><p>two</p><h2>three</h2><ul><li>four</li></ul>")
    assert article.word_count == 4
