"""Reader pages a shared cache can keep, served from the page cache, and fresh after every change readers see."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import publishing
from articles.models import Article, PageGeneration
from comments import decisions, reports
from comments.models import Comment

READER_PAGES = ["/", "/articles/council-approves-budget/", "/tags/transport/", "/authors/ada-reporter/",
                "/search/?q=budget", "/feed/", "/sitemap.xml"]


@pytest.fixture
def site(article, make_tag):
    article.tags.set([make_tag("Transport")])
    return article


@pytest.mark.parametrize("path", READER_PAGES)
def test_a_reader_page_for_a_reader_without_cookies_can_be_kept_by_shared_caches(client, site, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    assert response.has_header("ETag")
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize("path", READER_PAGES)
def test_a_conditional_request_for_an_unchanged_page_is_answered_not_modified(client, site, path):
    etag = client.get(path)["ETag"]
    again = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""


def test_the_article_page_from_the_page_cache_costs_one_query(client, site, django_assert_num_queries):
    client.get(site.get_absolute_url())
    with django_assert_num_queries(1):  # the page generation
        response = client.get(site.get_absolute_url())
    assert site.headline in response.content.decode()


def test_page_cache_seconds_zero_turns_caching_off(client, settings, site, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(site.get_absolute_url())
    response = client.get(site.get_absolute_url())
    assert "public" not in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    Article.objects.filter(pk=site.pk).update(headline="Changed behind the cache's back")
    assert "Changed behind the cache" in client.get(site.get_absolute_url()).content.decode()


@pytest.mark.parametrize("cookie", ["sessionid", "messages", "comment_author", "comment_trust"])
def test_a_reader_with_state_of_their_own_gets_a_page_no_cache_keeps(client, site, cookie):
    client.get(site.get_absolute_url())  # cached for everyone else
    client.cookies[cookie] = "anything"
    response = client.get(site.get_absolute_url())
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_a_poster_sees_their_pending_comment_and_others_do_not(client, site, send_reply):
    Client().get(site.get_absolute_url())  # the shared page is cached
    send_reply(to=site, body="My view, waiting for a moderator.")
    mine = client.get(site.get_absolute_url())
    assert "My view, waiting for a moderator." in mine.content.decode()
    assert "private" in mine["Cache-Control"]
    theirs = Client().get(site.get_absolute_url())
    assert "My view, waiting for a moderator." not in theirs.content.decode()


@pytest.mark.parametrize("path", ["/admin/", "/admin/login/"])
def test_the_admin_is_never_public(client, admin_client, path):
    for browser in (client, admin_client):
        assert "public" not in browser.get(path).get("Cache-Control", "")


def test_the_preview_and_the_report_page_are_private(admin_client, client, site, make_comment):
    preview = admin_client.get(reverse("admin:articles_article_preview", args=[site.pk]))
    assert "public" not in preview.get("Cache-Control", "")
    report = client.get(reverse("comments:report", args=[make_comment().pk]))
    assert "public" not in report["Cache-Control"] and "no-store" in report["Cache-Control"]


def shows(text, path="/articles/council-approves-budget/"):
    return text in Client().get(path).content.decode()


def test_an_approved_comment_shows_to_the_next_new_reader(site, make_comment, moderator):
    comment = make_comment("Approved at last.", status=Comment.Status.PENDING)
    assert not shows("Approved at last.")
    decisions.decide(Comment.objects.filter(pk=comment.pk), status=Comment.Status.APPROVED, by=moderator)
    assert shows("Approved at last.")
    assert shows("1 comment", "/")  # counts on list pages follow


@pytest.mark.parametrize("status", [Comment.Status.REJECTED, Comment.Status.SPAM, Comment.Status.PENDING])
def test_a_comment_taken_down_disappears_for_the_next_reader(site, make_comment, moderator, status):
    comment = make_comment("Soon gone.")
    assert shows("Soon gone.")
    decisions.decide(Comment.objects.filter(pk=comment.pk), status=status, by=moderator)
    assert not shows("Soon gone.")


def test_a_deleted_or_picked_comment_changes_the_page_at_once(site, make_comment, moderator):
    picked, deleted = make_comment("Pick me."), make_comment("Delete me.")
    assert shows("Delete me.") and not shows("Editors’ pick")
    decisions.set_pick(Comment.objects.filter(pk=picked.pk), is_pick=True, by=moderator)
    assert shows("Editors’ pick")
    decisions.delete(Comment.objects.filter(pk=deleted.pk))
    assert not shows("Delete me.")


def test_a_comment_reported_down_disappears_at_once(settings, site, make_comment):
    settings.COMMENTS_REPORT_THRESHOLD = 1
    comment = make_comment("Reported away.")
    assert shows("Reported away.")
    reports.report_comment(comment, concern="abusive", session_key="s", client_ip="203.0.113.9")
    assert not shows("Reported away.")


def test_articles_authors_and_tags_show_their_changes_at_once(site, editor):
    assert shows("Council approves budget", "/")
    site.headline = "Council delays budget"
    site.save()
    assert shows("Council delays budget", "/") and shows("Council delays budget")
    site.author.name = "Ada R. Reporter"
    site.author.save()
    assert shows("Ada R. Reporter", "/authors/ada-reporter/")
    tag = site.tags.get()
    tag.name = "Transit"
    tag.save()
    assert shows("Transit", "/tags/transport/")
    publishing.unpublish(Article.objects.filter(pk=site.pk), by=editor)
    assert not shows("Council delays budget", "/")
    assert Client().get(site.get_absolute_url()).status_code == 404


def test_a_scheduled_article_appears_when_its_time_comes(make_article, monkeypatch):
    soon = timezone.now() + timedelta(minutes=5)
    make_article("Embargoed report", published_at=soon)
    assert not shows("Embargoed report", "/")
    later = soon + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert shows("Embargoed report", "/")


def test_a_change_made_by_another_worker_is_seen_here_at_once(site, make_comment):
    make_comment("Already there.")
    assert shows("Already there.")
    # Another process changed the data and moved the generation on: only the database tells this one.
    Comment.objects.update(body_html="<p>Edited elsewhere.</p>")
    PageGeneration.objects.filter(pk=1).update(number=999)
    assert shows("Edited elsewhere.")


def test_a_cache_outage_serves_pages_rendered_afresh(site, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache server is down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    response = Client().get(site.get_absolute_url())
    assert response.status_code == 200 and site.headline in response.content.decode()


def test_a_page_from_the_page_cache_keeps_the_headers_it_was_rendered_with(client, site):
    for path in ("/sitemap-news.xml", "/feed/"):
        first, again = client.get(path), client.get(path)
        assert {k: v for k, v in again.items() if k != "Date"} == {k: v for k, v in first.items() if k != "Date"}
    assert "X-Robots-Tag" in client.get("/sitemap-news.xml")
