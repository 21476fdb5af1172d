from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

CHANGELIST = reverse("admin:articles_article_changelist")
ADD = reverse("admin:articles_article_add")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def form_data(article=None, **fields):
    """What the article form posts, starting from an article's current values."""
    data = {"headline": "A new headline", "slug": "a-new-headline", "standfirst": "Summary.",
            "body": "<p>Body text.</p>", "image_caption": "", "image_alt": "", "tags": [],
            "comments_open": "on", "status": "draft", "published_at_0": "", "published_at_1": ""}
    if article is not None:
        data |= {"headline": article.headline, "slug": article.slug, "standfirst": article.standfirst,
                 "body": article.body, "author": article.author_id, "status": article.status}
    return data | fields


@pytest.fixture
def own_draft(journalist, make_article):
    return make_article("My draft", author=journalist.author, status=Article.Status.DRAFT, published_at=None)


@pytest.fixture
def others_draft(other_journalist, make_article):
    return make_article("Their draft", author=other_journalist.author, status=Article.Status.DRAFT,
                        published_at=None)


def test_journalist_lists_only_their_own_articles(client, journalist, own_draft, others_draft):
    client.force_login(journalist)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert "My draft" in response.text
    assert "Their draft" not in response.text


def test_journalist_cannot_open_or_change_another_journalists_article(client, journalist, others_draft):
    client.force_login(journalist)
    assert client.get(change_url(others_draft)).status_code in (302, 404)
    client.post(change_url(others_draft), form_data(others_draft, headline="Hijacked"))
    others_draft.refresh_from_db()
    assert others_draft.headline == "Their draft"


def test_journalist_creates_a_draft_as_themselves(client, journalist, other_journalist):
    client.force_login(journalist)
    data = form_data(author=other_journalist.author.pk, status="published",
                     published_at_0="2020-01-01", published_at_1="10:00")
    response = client.post(ADD, data)
    assert response.status_code == 302
    article = Article.objects.get(slug="a-new-headline")
    assert article.author == journalist.author
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None


def test_journalist_cannot_publish_by_crafting_a_post(client, journalist, own_draft):
    client.force_login(journalist)
    response = client.post(change_url(own_draft), form_data(own_draft, status="published",
                                                            published_at_0="2020-01-01", published_at_1="10:00"))
    assert response.status_code == 302  # the form was accepted; only the publishing fields were ignored
    own_draft.refresh_from_db()
    assert own_draft.status == Article.Status.DRAFT
    assert own_draft.published_at is None
    response = client.post(CHANGELIST, {"action": "publish", "_selected_action": [own_draft.pk]})
    own_draft.refresh_from_db()
    assert own_draft.status == Article.Status.DRAFT
    assert response.status_code in (200, 302)


def test_journalist_submits_a_draft_for_review_from_the_form(client, journalist, own_draft):
    client.force_login(journalist)
    response = client.get(change_url(own_draft))
    assert "Save and submit for review" in response.text
    client.post(change_url(own_draft), form_data(own_draft, _submit_for_review="1"))
    own_draft.refresh_from_db()
    assert own_draft.status == Article.Status.REVIEW


def test_journalist_submits_drafts_for_review_with_the_action(client, journalist, own_draft):
    client.force_login(journalist)
    client.post(CHANGELIST, {"action": "submit_for_review", "_selected_action": [own_draft.pk]})
    own_draft.refresh_from_db()
    assert own_draft.status == Article.Status.REVIEW


def test_journalist_cannot_change_their_published_article(client, journalist, make_article):
    published = make_article("Out there", author=journalist.author)
    client.force_login(journalist)
    client.post(change_url(published), form_data(published, headline="Quietly changed"))
    published.refresh_from_db()
    assert published.headline == "Out there"


def test_journalist_is_offered_no_publish_action(client, journalist, own_draft):
    client.force_login(journalist)
    response = client.get(CHANGELIST)
    assert 'value="submit_for_review"' in response.text
    assert 'value="publish"' not in response.text


def test_editor_sees_articles_in_review_first(client, editor, make_article):
    make_article("Old published")
    make_article("Waiting for review", status=Article.Status.REVIEW, published_at=None)
    make_article("Recent draft", status=Article.Status.DRAFT, published_at=None)
    client.force_login(editor)
    text = client.get(CHANGELIST).text
    assert text.index("Waiting for review") < text.index("Recent draft")
    assert text.index("Waiting for review") < text.index("Old published")


def test_editor_publishes_and_unpublishes_with_actions(client, editor, make_article):
    article = make_article("Ready", status=Article.Status.REVIEW, published_at=None)
    client.force_login(editor)
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert client.get(article.get_absolute_url()).status_code == 200
    assert LogEntry.objects.filter(object_id=str(article.pk), change_message__contains="Published").exists()

    client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert client.get(article.get_absolute_url()).status_code == 404


def test_editor_schedules_an_article_with_a_future_time(client, editor, make_article):
    article = make_article("Embargoed", status=Article.Status.REVIEW, published_at=None)
    later = timezone.localtime() + timedelta(days=1)
    client.force_login(editor)
    client.post(change_url(article), form_data(article, status="published",
                                               published_at_0=later.strftime("%Y-%m-%d"),
                                               published_at_1=later.strftime("%H:%M:%S")))
    article.refresh_from_db()
    assert article.is_scheduled
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Scheduled for" in client.get(CHANGELIST).text


def test_preview_shows_a_draft_to_its_journalist_and_editors_only(client, journalist, other_journalist, editor,
                                                                  own_draft):
    url = reverse("admin:articles_article_preview", args=[own_draft.pk])
    for user, expected in [(journalist, 200), (editor, 200), (other_journalist, 403)]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected
        if expected == 200:
            assert "My draft" in response.text
            assert "About the Author" in response.text
    client.logout()
    assert client.get(url).status_code == 302  # to the admin login
    assert client.get(own_draft.get_absolute_url()).status_code == 404


def posted_values(form_html):
    """What a browser would post back from an admin form: its inputs, selects and textareas as shown."""
    import re
    from html import unescape

    data = {}
    for name, value in re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', form_html):
        data[name] = unescape(value)
    for name, value in re.findall(r'<textarea[^>]*?name="([^"]+)"[^>]*>(.*?)</textarea>', form_html, re.S):
        data[name] = unescape(value).strip()
    for name, options in re.findall(r'<select[^>]*?name="([^"]+)"[^>]*>(.*?)</select>', form_html, re.S):
        data[name] = re.findall(r'<option value="([^"]*)"[^>]*selected', options)
    checked = re.findall(r'<input[^>]*?type="checkbox"[^>]*?name="([^"]+)"[^>]*?checked', form_html)
    for name in list(data):
        if f'type="checkbox" name="{name}"' in form_html and name not in checked:
            del data[name]
    return {name: value for name, value in data.items() if name != "csrfmiddlewaretoken"}


def test_every_save_records_a_revision_that_can_be_restored(client, editor, make_article):
    article = make_article("First headline")
    client.force_login(editor)
    data = posted_values(client.get(change_url(article)).text)
    assert client.post(change_url(article), data | {"headline": "Second headline"}).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Second headline"
    assert article.history.count() == 2
    assert article.history.first().history_user == editor

    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert history.status_code == 200
    assert "First headline" in history.text and "Second headline" in history.text  # what changed

    first = article.history.last()
    revert_url = reverse("admin:articles_article_simple_history", args=[article.pk, first.history_id])
    revert_form = client.get(revert_url)
    assert revert_form.status_code == 200
    restored = posted_values(revert_form.text)
    assert restored["headline"] == "First headline"  # the form shows the old version, ready to save
    assert client.post(revert_url, restored).status_code == 302
    article.refresh_from_db()
    assert article.headline == "First headline"
    assert article.history.count() == 3


def test_odd_history_addresses_answer_404(client, editor, article):
    client.force_login(editor)
    for url in [f"/admin/articles/article/{article.pk}/history/abc/", "/admin/articles/article/abc/history/1/",
                "/admin/articles/article/abc/history/", "/admin/articles/article/999999/history/"]:
        assert client.get(url).status_code == 404, url


def test_journalist_cannot_see_another_journalists_history(client, journalist, others_draft):
    client.force_login(journalist)
    version = others_draft.history.first()
    assert client.get(reverse("admin:articles_article_history", args=[others_draft.pk])).status_code == 404
    url = reverse("admin:articles_article_simple_history", args=[others_draft.pk, version.history_id])
    assert client.get(url).status_code == 404


def test_journalist_cannot_restore_a_published_version_of_their_draft(client, journalist, make_article):
    article = make_article("Was live", author=journalist.author)
    published_version = article.history.first()
    article.status = Article.Status.DRAFT
    article.headline = "Was live, now rewritten"
    article.save()
    client.force_login(journalist)
    url = reverse("admin:articles_article_simple_history", args=[article.pk, published_version.history_id])
    restored = posted_values(client.get(url).text)
    assert restored["headline"] == "Was live"
    assert client.post(url, restored).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Was live"  # the text is restored
    assert article.status == Article.Status.DRAFT  # the status is not


def test_an_action_posted_with_odd_ids_answers_with_a_message(client, editor, article):
    client.force_login(editor)
    for odd in ["abc", "1\x00", "99999999999999999999999", "-1"]:
        response = client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [odd]}, follow=True)
        assert response.status_code == 200, odd
        assert "The selection was not understood" in response.text
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
