"""Reader pages a shared cache can keep, served from the page cache, and fresh after every change readers see."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import pagecache, publishing
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


@pytest.fixture
def local_cache(settings):
    """Each worker's own local-memory cache (the default), so the page generation comes from the database."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_the_article_page_from_a_local_cache_costs_one_query(local_cache, client, site, django_assert_num_queries):
    client.get(site.get_absolute_url())
    with django_assert_num_queries(1):  # the page generation
        response = client.get(site.get_absolute_url())
    assert site.headline in response.content.decode()


def test_the_article_page_from_a_shared_cache_costs_no_query(private_redis, client, site, django_assert_num_queries):
    client.get(site.get_absolute_url())
    with django_assert_num_queries(0):  # the generation comes with the page, from Redis
        response = client.get(site.get_absolute_url())
    assert site.headline in response.content.decode() and response["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize("path", READER_PAGES)
def test_every_reader_page_comes_from_the_page_cache_the_second_time(client, site, path, monkeypatch,
                                                                     django_assert_max_num_queries):
    lookup, found = pagecache._lookup, []
    monkeypatch.setattr(pagecache, "_lookup", lambda request, key: found.append(lookup(request, key)) or found[-1])
    first = client.get(path)
    with django_assert_max_num_queries(1):  # the page generation, unless it comes from a shared cache
        again = client.get(path)
    assert found[0] is None and found[1] is not None  # rendered, then served from the page cache
    assert again.status_code == 200 and again.content == first.content


def test_a_conditional_request_after_a_change_elsewhere_is_answered_304_and_the_page_kept(
        client, site, django_assert_max_num_queries):
    etag = client.get(site.get_absolute_url())["ETag"]
    pagecache.invalidate()  # a change elsewhere on the site: this page is rendered again, the same
    revalidated = client.get(site.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)  # as a CDN revalidates
    assert revalidated.status_code == 304
    with django_assert_max_num_queries(1):  # the page was kept on its way, though the request was conditional
        again = client.get(site.get_absolute_url())
    assert again.status_code == 200 and again["ETag"] == etag


def test_urls_that_are_not_reader_pages_are_not_looked_up_in_the_page_cache(client, site, monkeypatch):
    looked_up = []
    monkeypatch.setattr(pagecache, "_lookup", lambda request, key: looked_up.append(request.path))
    for path in ("/admin/login/", "/no-such-page/", f"/comments/reply/{site.slug}/"):
        client.get(path)
    client.get("/")
    assert looked_up == ["/"]


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


def test_journalists_working_on_drafts_keep_the_pages_readers_are_served(site, make_article, editor):
    assert shows(site.headline, "/")
    generation = pagecache.current_generation()
    draft = make_article("Work in progress", status=Article.Status.DRAFT, published_at=None)
    draft.standfirst = "Rewritten twice."
    draft.save()
    publishing.submit_for_review(Article.objects.filter(pk=draft.pk), by=editor)
    Article.objects.get(pk=draft.pk).delete()
    assert pagecache.current_generation() == generation


def test_publishing_and_unpublishing_start_a_new_generation(make_article, editor):
    draft = make_article("Ready to go", status=Article.Status.DRAFT, published_at=None)
    assert not shows("Ready to go", "/")
    publishing.publish(Article.objects.filter(pk=draft.pk), by=editor)
    assert shows("Ready to go", "/")
    publishing.unpublish(Article.objects.filter(pk=draft.pk), by=editor)
    assert not shows("Ready to go", "/")


@pytest.mark.parametrize("cache_kind", ["local_cache", "private_redis"])
def test_a_scheduled_article_appears_when_its_time_comes(request, cache_kind, make_article, monkeypatch):
    request.getfixturevalue(cache_kind)  # the generation read from the database, or kept in Redis
    soon = timezone.now() + timedelta(minutes=5)
    make_article("Embargoed report", published_at=soon)
    assert not shows("Embargoed report", "/")
    later = soon + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert shows("Embargoed report", "/")


def test_a_change_made_by_another_worker_is_seen_here_at_once(local_cache, site, make_comment):
    make_comment("Already there.")
    assert shows("Already there.")
    # Another process changed the data and moved the generation on: only the database tells this one.
    Comment.objects.update(body_html="<p>Edited elsewhere.</p>")
    PageGeneration.objects.filter(pk=1).update(number=999)
    assert shows("Edited elsewhere.")


def test_with_a_shared_cache_a_committed_change_is_seen_at_once_without_the_database(
        private_redis, site, make_comment, moderator, django_capture_on_commit_callbacks, django_assert_num_queries):
    comment = make_comment("Approved on another machine.", status=Comment.Status.PENDING)
    assert not shows("Approved on another machine.")
    from django.core.cache import cache

    old = pagecache.current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        decisions.decide(Comment.objects.filter(pk=comment.pk), status=Comment.Status.APPROVED, by=moderator)
        # A reader on another machine read the old number from the database before the commit and kept it.
        cache.set(pagecache.GENERATION_KEY, (old, None))
    assert cache.get(pagecache.GENERATION_KEY)[0] > old  # set again when the decision committed
    assert shows("Approved on another machine.")
    with django_assert_num_queries(0):  # the new number was put in the cache when the decision committed
        assert shows("Approved on another machine.")


def test_with_a_shared_cache_a_generation_the_cache_lost_is_read_again_from_the_database(private_redis, site,
                                                                                         make_comment):
    from django.core.cache import cache

    make_comment("Before the outage.")
    assert shows("Before the outage.")
    # A change made while this cache could not be told (the number moved on in the database only) …
    Comment.objects.update(body_html="<p>Changed during the outage.</p>")
    PageGeneration.objects.filter(pk=1).update(number=999)
    # … is seen once the cache's copy of the number expires, which it does after GENERATION_RECHECK_SECONDS.
    key = cache.make_and_validate_key(pagecache.GENERATION_KEY)
    assert 0 < cache._cache.get_client(key).ttl(key) <= pagecache.GENERATION_RECHECK_SECONDS
    cache.delete(pagecache.GENERATION_KEY)
    assert shows("Changed during the outage.")
    assert cache.get(pagecache.GENERATION_KEY) == (999, None)


def test_with_the_shared_cache_down_decisions_still_count_and_pages_are_rendered(private_redis, site, make_comment,
                                                                               moderator):
    comment = make_comment("Approved while Redis is down.", status=Comment.Status.PENDING)
    assert not shows("Approved while Redis is down.")
    private_redis.stop()
    decisions.decide(Comment.objects.filter(pk=comment.pk), status=Comment.Status.APPROVED, by=moderator)
    assert shows("Approved while Redis is down.")
    private_redis.start()  # empty, as a restarted Redis without persistence is
    assert shows("Approved while Redis is down.")


def test_a_cache_outage_serves_pages_rendered_afresh(site, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache server is down")

    for method in ("get", "get_many", "set", "add", "delete"):
        monkeypatch.setattr(cache, method, down)
    response = Client().get(site.get_absolute_url())
    assert response.status_code == 200 and site.headline in response.content.decode()


def test_a_page_from_the_page_cache_keeps_the_headers_it_was_rendered_with(client, site):
    for path in ("/sitemap-news.xml", "/feed/"):
        first, again = client.get(path), client.get(path)
        assert {k: v for k, v in again.items() if k != "Date"} == {k: v for k, v in first.items() if k != "Date"}
    assert "X-Robots-Tag" in client.get("/sitemap-news.xml")


def test_tags_given_to_or_taken_from_a_published_article_show_at_once(site, make_tag, make_article):
    assert not shows("Harbour", site.get_absolute_url())
    site.tags.add(make_tag("Harbour"))
    assert shows("Harbour", site.get_absolute_url())
    site.tags.remove(make_tag("Harbour"))
    assert not shows("Harbour", site.get_absolute_url())
    generation = pagecache.current_generation()
    make_article("Draft with tags", status=Article.Status.DRAFT, published_at=None).tags.add(make_tag("Harbour"))
    assert pagecache.current_generation() == generation  # a draft's tags: no reader sees them
