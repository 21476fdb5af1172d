"""The moderation workspace in a real browser: decisions without a reload, by keyboard, with undo, on a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment, Concern
from tests.e2e.test_newsroom_flow import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WORKSPACE = "/admin/comments/comment/workspace/"


@pytest.fixture
def make_pending(article):
    def make(count, start=0):
        first = timezone.now() - timedelta(hours=2)
        return [Comment.objects.create(
            article=article, name=f"Reader {number}", email=f"reader{number}@example.org",
            body=f"Comment number {number} on the budget.", status=Comment.Status.PENDING,
            reason="held: every new comment is held", reason_kind=Comment.ReasonKind.HOLD_ALL,
            created_at=first + timedelta(minutes=number),
        ) for number in range(start, start + count)]
    return make


def open_workspace(new_context, **options):
    page = log_in(new_context(**options), "moderator")
    page.goto(WORKSPACE)
    page.evaluate("window.notReloaded = true")
    return page


def card(page, comment):
    return page.locator(f"#ws-comment-{comment.pk}")


def test_a_moderator_decides_by_keyboard_without_a_reload_and_undoes(
    new_context, moderator, make_pending, screenshots
):
    first, second, third, fourth = make_pending(4)
    page = open_workspace(new_context, viewport={"width": 1280, "height": 900})
    page.screenshot(path=screenshots / "workspace-1280.png", full_page=True)
    expect(card(page, first)).to_have_class("ws-card is-current")

    page.keyboard.press("a")
    expect(card(page, second)).to_have_class("ws-card is-current")
    expect(page.locator("h1 [data-pending-count]")).to_have_text("3")
    expect(page.locator(".moderation-queue-link [data-pending-count]")).to_have_text("3")
    expect(page.locator("[data-toast]")).to_contain_text("Reader 0: Approved.")

    page.keyboard.press("u")
    expect(page.locator("h1 [data-pending-count]")).to_have_text("4")
    expect(card(page, first)).to_have_class("ws-card is-current")
    expect(card(page, first).locator("[data-status]")).to_have_text("Undone: back to pending.")

    page.keyboard.press("j")
    expect(card(page, second)).to_have_class("ws-card is-current")
    page.keyboard.press("k")
    expect(card(page, first)).to_have_class("ws-card is-current")
    page.keyboard.press("j")
    page.keyboard.press("s")
    expect(card(page, third)).to_have_class("ws-card is-current")
    page.keyboard.press("r")
    page.keyboard.press("2")
    expect(card(page, fourth)).to_have_class("ws-card is-current")
    page.keyboard.press("p")
    expect(page.locator("h1 [data-pending-count]")).to_have_text("1")

    page.keyboard.press("?")
    expect(page.locator("[data-help]")).to_be_visible()
    expect(page.locator("[data-help]")).to_contain_text("Approve and mark as an editors’ pick")
    page.keyboard.press("Escape")
    expect(page.locator("[data-help]")).to_be_hidden()

    assert page.evaluate("window.notReloaded") is True
    statuses = {c.pk: (c.status, c.rejection_reason, c.is_pick) for c in Comment.objects.all()}
    assert statuses == {first.pk: ("pending", "", False), second.pk: ("spam", "", False),
                        third.pk: ("rejected", Concern.ABUSIVE, False), fourth.pk: ("approved", "", True)}


def test_buttons_work_with_a_tap_and_the_page_fits_a_phone(new_context, moderator, make_pending, screenshots):
    first, second = make_pending(2)
    page = open_workspace(new_context, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page.screenshot(path=screenshots / "workspace-390.png", full_page=True)

    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    for button in card(page, first).locator("button, select, summary").all():
        box = button.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, button.inner_text()

    card(page, first).get_by_role("button", name="Approve").tap()
    expect(page.locator("h1 [data-pending-count]")).to_have_text("1")
    page.locator("[data-toast] [data-undo]").tap()
    expect(page.locator("h1 [data-pending-count]")).to_have_text("2")
    card(page, second).locator("select").select_option(Concern.OFF_TOPIC)
    card(page, second).get_by_role("button", name="Reject").tap()
    expect(page.locator("h1 [data-pending-count]")).to_have_text("1")
    assert page.evaluate("window.notReloaded") is True
    second.refresh_from_db()
    assert (second.status, second.rejection_reason) == ("rejected", Concern.OFF_TOPIC)


def test_twenty_comments_take_fewer_than_thirty_keyboard_steps(new_context, moderator, make_pending, article):
    comments = make_pending(20)
    page = open_workspace(new_context, viewport={"width": 1280, "height": 900})
    steps = []

    def press(key):
        steps.append(key)
        page.keyboard.press(key)

    plan = ["a"] * 6 + ["s", "r1"] + ["a"] * 4 + ["reply"] + ["s", "a", "a", "r3", "a", "s", "a"]
    for move in plan:
        if move == "reply":
            press("e")
            steps.append("type")
            page.keyboard.type("Thanks, the budget figures are now corrected.")
            press("Control+Enter")
        elif move.startswith("r"):
            press("r")
            press(move[1])
        else:
            press(move)
    expect(page.locator("h1 [data-pending-count]")).to_have_text("0")

    assert len(steps) < 30
    counts = {status: Comment.objects.filter(pk__in=[c.pk for c in comments], status=status).count()
              for status in Comment.Status.values}
    assert counts == {"approved": 15, "spam": 3, "rejected": 2, "pending": 0}
    reply = Comment.objects.get(user=moderator)
    assert reply.is_approved and reply.parent == comments[12]

    reader = new_context().new_page()
    reader.goto(article.get_absolute_url())
    expect(reader.locator(f"#comment-{reply.pk} .comment__badge")).to_have_text("Staff")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_dashboard_shows_an_editor_the_desk_and_the_charts_at_any_width(
    new_context, editor, make_pending, make_article, screenshots, width
):
    make_pending(3)
    make_article("Waiting for the desk", status="review")
    page = log_in(new_context(viewport={"width": width, "height": 900}), "editor")
    page.goto("/admin/")

    expect(page.locator("#dash-desk")).to_have_text("Editors’ desk")
    expect(page.locator(".dash-figure").first).to_contain_text("3 waiting")
    expect(page.locator(".bar-chart svg")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.screenshot(path=screenshots / f"dashboard-{width}.png", full_page=True)


def test_the_article_form_has_spellcheck_on_and_publishing_buttons_after_save(new_context, editor):
    page = log_in(new_context(), "editor")
    page.goto("/admin/articles/article/add/")

    assert page.locator(".ProseMirror[contenteditable=true]").evaluate("element => element.spellcheck") is True
    names = page.locator(".submit-row input[type=submit]").evaluate_all("inputs => inputs.map(i => i.name)")
    assert names[0] == "_save" and names[-2:] == ["_publish_now", "_schedule"]
