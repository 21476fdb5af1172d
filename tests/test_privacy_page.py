from django.urls import reverse
from pytest_django.asserts import assertContains


def test_the_privacy_page_says_what_is_kept_for_how_long_and_how_to_ask(db, client, settings):
    settings.COMMENTS_KEEP_CLIENT_DAYS = 14
    settings.PRIVACY_EMAIL = "privacy@news.example"

    response = client.get("/privacy/")

    assertContains(response, "Your email address")
    assertContains(response, "after 14 days.")
    assertContains(response, 'href="mailto:privacy@news.example"')
    assertContains(response, "erasure")
    assert "public" in response["Cache-Control"]  # served from the shared page cache like other reader pages


def test_the_comment_form_links_to_it_beside_the_email_promise(client, article):
    response = client.get(article.get_absolute_url())
    assertContains(response, "Your email address will not be published.")
    assertContains(response, f'<a href="{reverse("privacy")}">What we keep about commenters, and for how long</a>')
