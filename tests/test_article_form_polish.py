from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import BODY_EDITOR_EXTENSIONS, Article
from tests.test_article_admin import ADD, change_url, form_data


def test_the_slug_help_text_shows_the_real_address(client, editor, make_article, settings):
    article = make_article("Council approves budget")
    client.force_login(editor)
    page = client.get(change_url(article)).text
    assert f"{settings.SITE_URL}/articles/council-approves-budget/" in page
    assert "/articles//." not in page
    assert f"{settings.SITE_URL}/articles/the-slug/ (filled from the headline)" in client.get(ADD).text


def test_editors_may_add_a_tag_from_the_article_form_and_journalists_are_told_who_can(client, editor, journalist):
    client.force_login(editor)
    page = client.get(ADD)
    assertContains(page, "The + beside the box adds a new one.")
    assertContains(page, f'href="{reverse("admin:articles_tag_add")}?_to_field=id&amp;_popup=1"')

    client.force_login(journalist)
    page = client.get(ADD)
    assertContains(page, "New tags are added by editors")
    assertNotContains(page, f'href="{reverse("admin:articles_tag_add")}')


def test_spellcheck_is_left_on_in_the_body_editor(client, editor):
    assert BODY_EDITOR_EXTENSIONS["NoSpellCheck"] is False
    client.force_login(editor)
    assert "NoSpellCheck" not in client.get(ADD).text


def test_one_save_is_one_revision_with_a_readable_summary(client, editor, make_article, make_tag):
    article = make_article("Before")
    harbour = make_tag("Harbour")
    client.force_login(editor)
    before = article.history.count()

    client.post(change_url(article), form_data(article, headline="After", tags=[harbour.pk],
                                               published_at_0=article.published_at.strftime("%Y-%m-%d"),
                                               published_at_1=article.published_at.strftime("%H:%M:%S")))

    assert article.history.count() == before + 1
    revision = article.history.first()
    assert revision.history_change_reason == "Changed headline and tags"
    assert [tag.tag for tag in revision.tags.all()] == [harbour]
    assert revision.history_user == editor
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assertContains(history, "Changed headline and tags")


def test_a_new_article_is_one_revision_called_created(client, journalist, make_tag):
    tag = make_tag("Harbour")
    client.force_login(journalist)
    client.post(ADD, form_data(tags=[tag.pk]))
    article = Article.objects.get(slug="a-new-headline")
    assert [(r.history_type, r.history_change_reason) for r in article.history.all()] == [("+", "Created")]
    assert [t.tag for t in article.history.first().tags.all()] == [tag]


def test_preview_changes_shows_unsaved_edits_and_keeps_nothing(client, editor, make_article, make_tag):
    article = make_article("Stored headline")
    tag = make_tag("Harbour")
    client.force_login(editor)
    revisions = article.history.count()
    url = reverse("admin:articles_article_preview_changes", args=[article.pk])

    response = client.post(url, form_data(article, headline="Edited headline", tags=[tag.pk],
                                          body="<p>New words.</p><script>alert(1)</script>",
                                          published_at_0=article.published_at.strftime("%Y-%m-%d"),
                                          published_at_1=article.published_at.strftime("%H:%M:%S")))

    assertContains(response, "Edited headline")
    assertContains(response, "New words.")
    assertContains(response, "These are your unsaved changes")
    assertContains(response, "Harbour")
    assertNotContains(response, "alert(1)")
    article.refresh_from_db()
    assert article.headline == "Stored headline" and not article.tags.exists()
    assert article.history.count() == revisions


def test_a_new_article_can_be_previewed_before_its_first_save(client, journalist):
    client.force_login(journalist)
    response = client.post(reverse("admin:articles_article_preview_changes"), form_data(headline="Not yet saved"))
    assertContains(response, "Not yet saved")
    assert not Article.objects.exists()
    assertContains(client.get(ADD), "Preview changes")


def test_a_preview_with_errors_says_what_to_fix(client, editor):
    client.force_login(editor)
    response = client.post(reverse("admin:articles_article_preview_changes"), form_data(headline=""))
    assert response.status_code == 400
    assertContains(response, "This field is required", status_code=400)


def test_no_preview_of_changes_to_articles_one_may_not_edit(client, other_journalist, journalist, make_article):
    theirs = make_article("Theirs", author=journalist.author, status=Article.Status.DRAFT, published_at=None)
    client.force_login(other_journalist)
    url = reverse("admin:articles_article_preview_changes", args=[theirs.pk])
    assert client.post(url, form_data(theirs)).status_code == 404
    assert client.get(url).status_code == 405
