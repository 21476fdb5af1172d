import pytest
from django.conf import settings as project_settings
from django.test import Client


@pytest.fixture
def browser(db):
    """A browser that holds a CSRF cookie and sends it, as a real one does, with the checks enforced."""
    client = Client(enforce_csrf_checks=True)
    client.get("/admin/login/")
    return client


def post_form_as(browser, path, charset):
    token = browser.cookies["csrftoken"].value
    body = f"csrfmiddlewaretoken={token}&username=editor&password=x&body=Caf%E9".encode(charset)
    return browser.generic("POST", path, body, content_type=f"application/x-www-form-urlencoded; charset={charset}",
                           HTTP_X_CSRFTOKEN=token)


@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "iso-8859-15", "windows-1252", "shift_jis"])
@pytest.mark.parametrize("form", ["/admin/login/", "reply", "report"])
def test_a_form_posted_in_another_charset_gets_the_400_page(browser, charset, form, article, make_comment):
    path = {"reply": f"/comments/reply/{article.slug}/", "report": f"/comments/{make_comment().pk}/report/"}
    response = post_form_as(browser, path.get(form, form), charset)
    assert response.status_code == 400
    assert "We couldn’t read that request" in response.text
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_form_with_too_many_fields_gets_the_400_page(browser, article, content_type):
    token = browser.cookies["csrftoken"].value
    body = f"csrfmiddlewaretoken={token}&" + "&".join(f"field{number}=1" for number in range(1200))
    response = browser.generic("POST", f"/comments/reply/{article.slug}/", body.encode(), content_type=content_type,
                               HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 400
    assert "We couldn’t read that request" in response.text


def test_a_utf8_form_still_works(browser, editor):
    response = post_form_as(browser, "/admin/login/", "utf-8")
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.text


media = pytest.mark.skipif(not project_settings.SERVE_MEDIA, reason="Django serves uploads only with SERVE_MEDIA")


@pytest.fixture
def upload(settings):
    settings.MEDIA_ROOT.mkdir(parents=True)
    (settings.MEDIA_ROOT / "photo.txt").write_text("a photo")
    return "/media/photo.txt"


@media
@pytest.mark.parametrize("name", ["a" * 300, "a" * 300 + "/b.jpg", "photo%00.jpg", "x" * 5000])
def test_an_unreadable_media_name_is_not_found(client, upload, name):
    response = client.get(f"/media/{name}")
    assert response.status_code == 404
    assert "We can’t find that page" in response.text


@media
def test_media_is_still_served(client, upload):
    response = client.get(upload)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"a photo"


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH", "PROPFIND", "CONNECT"])
@pytest.mark.parametrize("path", ["/", "/articles/council-approves-budget/", "/tags/council/", "/search/?q=budget",
                                  "/feed/", "/feed/atom/", "/tags/council/feed/", "/sitemap.xml", "/sitemap-news.xml",
                                  "/robots.txt", "/media/photo.txt", "/healthz", "/admin/login/", "/comments/1/"])
def test_methods_no_page_needs_are_not_allowed(client, article, make_tag, method, path):
    article.tags.set([make_tag("Council")])
    response = client.generic(method, path)
    assert response.status_code == 405
    assert "TRACE" not in response["Allow"]


@pytest.mark.parametrize("path", ["/feed/", "/feed/atom/", "/tags/council/feed/", "/authors/ada-reporter/feed/",
                                  "/sitemap.xml", "/sitemap-news.xml", "/sitemap-articles.xml", "/robots.txt",
                                  "/healthz", pytest.param("/media/photo.txt", marks=media)])
def test_read_only_urls_answer_reads_only(client, article, make_tag, upload, path):
    article.tags.set([make_tag("Council")])
    assert client.get(path).status_code == 200
    assert client.head(path).status_code == 200
    assert client.post(path).status_code == 405
    assert client.options(path).status_code == 405
