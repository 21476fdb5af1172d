"""The whole product as people use it, in a real browser: write, review, publish, reply, moderate."""

import re

import pytest
from playwright.sync_api import expect

from articles.demo.images import illustration
from articles.models import Article, Tag
from comments.models import Comment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

READER_EMAIL = "first.reader.e2e@example.net"


def log_in(context, username):
    page = context.new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(username.upper(), ignore_case=True)
    return page


def choose_in_autocomplete(page, field, text):
    page.click(f"#{field} + .select2 .select2-selection")
    page.keyboard.type(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def post_reply(page, body, name, email):
    page.fill("#id_body", body)
    page.fill("#id_name", name)
    page.fill("#id_email", email)
    page.click("button:has-text('Post Comment')")


def test_an_article_goes_from_journalist_to_readers_and_their_replies_through_moderation(
    new_context, journalist, editor, moderator, make_tag, e2e_settings, tmp_path, screenshots
):
    make_tag("Harbour")
    image = tmp_path / "harbour.jpg"
    image.write_bytes(illustration("e2e-harbour").read())

    # A journalist writes an article with formatting, a tag and an image, and submits it for review.
    writer = log_in(new_context(), "journalist")
    writer.goto("/admin/articles/article/add/")
    writer.locator("#id_headline").press_sequentially("Ferry timetable changes this winter")
    expect(writer.locator("#id_slug")).to_have_value("ferry-timetable-changes-this-winter")
    writer.fill("#id_standfirst", "Fewer crossings on weekday evenings from December.")
    editor_area = writer.locator(".ProseMirror[contenteditable=true]")
    editor_area.click()
    writer.keyboard.type("The island service will run ")
    writer.keyboard.press("Control+b")
    writer.keyboard.type("every ninety minutes")
    writer.keyboard.press("Control+b")
    writer.keyboard.type(" after seven in the evening.")
    choose_in_autocomplete(writer, "id_tags", "Harbour")
    writer.set_input_files("#id_image", str(image))
    writer.fill("#id_image_alt", "Abstract illustration of the harbour")
    writer.fill("#id_image_caption", "The ferry terminal. Photograph: Newsroom")
    writer.click("input[name=_submit_for_review]")
    expect(writer.locator(".messagelist")).to_contain_text("submitted for review")
    article = Article.objects.get(slug="ferry-timetable-changes-this-winter")
    assert article.status == Article.Status.REVIEW
    assert "<strong>every ninety minutes</strong>" in article.body
    assert article.tags.get() == Tag.objects.get(name="Harbour")
    assert article.image

    # An editor finds it first in the list, previews it and publishes it.
    desk = log_in(new_context(), "editor")
    desk.goto("/admin/articles/article/")
    expect(desk.locator("#result_list tbody tr").first).to_contain_text("Ferry timetable changes")
    desk.goto(f"/admin/articles/article/{article.pk}/preview/")
    expect(desk.locator(".preview-banner")).to_contain_text("Readers cannot see it yet")
    expect(desk.locator("h1")).to_have_text("Ferry timetable changes this winter")
    desk.goto(f"/admin/articles/article/{article.pk}/change/")
    desk.select_option("#id_status", "published")
    desk.click("input[name=_save]")
    expect(desk.locator(".messagelist")).to_contain_text("was changed successfully")

    # A reader opens it from the home page and posts a reply and a reply to the reply.
    reader = new_context().new_page()
    reader.goto("/")
    reader.click("text=Ferry timetable changes this winter")
    expect(reader.locator("h1")).to_have_text("Ferry timetable changes this winter")
    expect(reader.locator(".article__body strong")).to_have_text("every ninety minutes")
    post_reply(reader, "Will the early morning boats change too?", "Morgan Reader", READER_EMAIL)
    expect(reader.locator(".messages")).to_contain_text("Your comment is awaiting moderation")
    first = Comment.objects.get(email=READER_EMAIL)
    expect(reader.locator(f"#comment-{first.pk}")).to_contain_text("awaiting moderation")

    # A second reader sees neither reply until a moderator approves them.
    other = new_context().new_page()
    other.goto(article.get_absolute_url())
    expect(other.locator(".comment")).to_have_count(0)

    mod = log_in(new_context(), "moderator")
    mod.get_by_role("link", name="Moderation queue (1)").click()  # the workspace: one card per comment
    mod.locator(f"#ws-comment-{first.pk}").get_by_role("button", name="Approve").click()
    expect(mod.locator("h1 [data-pending-count]")).to_have_text("0")

    reader.goto(article.get_absolute_url())
    reader.click(f"#comment-{first.pk} >> text=Reply")
    expect(reader.locator("#reply-title")).to_contain_text("Reply to Morgan Reader")
    expect(reader.locator(f"#comment-{first.pk} #respond")).to_be_visible()  # the form moved under the comment
    post_reply(reader, "Answering myself: the timetable says they do not.", "Morgan Reader",
               "second.reader.e2e@example.net")
    expect(reader.locator(".comment--pending")).to_contain_text("Answering myself")
    second = Comment.objects.get(parent=first)

    mod.goto("/admin/")
    mod.get_by_role("link", name="Moderation queue (1)").click()  # the workspace: one card per comment
    mod.locator(f"#ws-comment-{second.pk}").get_by_role("button", name="Approve").click()
    expect(mod.locator("h1 [data-pending-count]")).to_have_text("0")

    # Both readers now see the thread, reply nested under the comment it answers: a new reader at once, and one
    # whose browser kept the shared page for PAGE_CACHE_SECONDS when they reload it.
    other.reload()
    for page in (reader, other, new_context().new_page()):
        if page is not other:
            page.goto(article.get_absolute_url())
        nested = page.locator(f"#comment-{first.pk} .comment-list--children #comment-{second.pk}")
        expect(nested).to_contain_text("Answering myself")
        assert READER_EMAIL not in page.content()

    # The moderator sees the commenter's email; the journalist can't even open the comment.
    mod.goto(f"/admin/comments/comment/{first.pk}/change/")
    expect(mod.locator("body")).to_contain_text(READER_EMAIL)
    writer.goto(f"/admin/comments/comment/{first.pk}/change/")
    assert READER_EMAIL not in writer.content()
    expect(writer.locator("body")).to_contain_text(re.compile("403|Forbidden|permission", re.I))

    for width, height, label in [(390, 844, "phone"), (1280, 900, "desktop")]:
        other.set_viewport_size({"width": width, "height": height})
        other.goto("/")
        other.screenshot(path=screenshots / f"home-{label}.png", full_page=True)
        other.goto(article.get_absolute_url())
        other.screenshot(path=screenshots / f"article-{label}.png", full_page=True)
