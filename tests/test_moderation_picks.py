from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment

CHANGELIST = reverse("admin:comments_comment_changelist")


def run_action(client, action, *comments):
    return client.post(f"{CHANGELIST}?status=all", {"action": action, "_selected_action": [c.pk for c in comments]},
                       follow=True)


def comment_html(response, comment):
    html = response.content.decode()
    start = html.index(f'id="comment-{comment.pk}"')
    return html[start:html.index("</article>", start)]


def test_a_moderator_marks_and_unmarks_editors_picks_and_it_is_recorded(client, moderator, make_comment):
    pick = make_comment("Worth reading.")
    client.force_login(moderator)

    marked = run_action(client, "mark_pick", pick)
    pick.refresh_from_db()
    assert pick.is_pick
    assertContains(marked, "1 comment marked as an editors&#x27; pick.")

    unmarked = run_action(client, "unmark_pick", pick)
    pick.refresh_from_db()
    assert not pick.is_pick
    assertContains(unmarked, "1 comment removed from the editors&#x27; picks.")
    history = client.get(reverse("admin:comments_comment_history", args=[pick.pk]))
    assertContains(history, "Marked as an editors&#x27; pick.")
    assertContains(history, "Removed from the editors&#x27; picks.")


def test_only_approved_comments_can_be_picks(admin_client, make_comment):
    pending = make_comment("Not yet approved.", status=Comment.Status.PENDING)
    response = run_action(admin_client, "mark_pick", pending)
    pending.refresh_from_db()
    assert not pending.is_pick
    assertContains(response, "1 comment is not approved: only approved comments can be picks.")


def test_staff_without_the_moderate_permission_cannot_mark_picks(client, comment_viewer, make_comment):
    comment = make_comment()
    client.force_login(comment_viewer)
    assertNotContains(client.get(CHANGELIST), "editors&#x27; picks")
    run_action(client, "mark_pick", comment)
    comment.refresh_from_db()
    assert not comment.is_pick


def test_picks_are_highlighted_on_the_article_page(client, article, make_comment):
    pick = make_comment("Worth reading.", is_pick=True)
    other = make_comment("Ordinary.")

    response = client.get(article.get_absolute_url())

    assertContains(response, f'<li class="comment comment--pick" id="comment-{pick.pk}">')
    assert "Editors’ pick" in comment_html(response, pick)
    assert "Editors’ pick" not in comment_html(response, other)


def test_the_picks_view_shows_only_the_picks_and_works_without_javascript(client, article, make_comment):
    root = make_comment("A root comment.", name="Rowan")
    pick = make_comment("A reply worth reading.", parent=root, is_pick=True)
    make_comment("Another comment.")

    all_comments = client.get(article.get_absolute_url())
    picks = client.get(f"{article.get_absolute_url()}?comments=picks")

    assertContains(all_comments, '<a href="?comments=picks#comments">Editors’ picks (1)</a>', html=True)
    assertContains(picks, "A reply worth reading.")
    assertNotContains(picks, "A root comment.")
    assertNotContains(picks, "Another comment.")
    assertContains(picks, f'In reply to <a href="{root.get_absolute_url()}">Rowan</a>', html=True)
    assertContains(picks, f'<a href="{pick.get_absolute_url()}">See it in the conversation</a>', html=True)
    assertContains(picks, f'<a href="{article.get_absolute_url()}#comments">All comments</a>', html=True)
    assertContains(picks, "3 comments")  # the count is of every comment


def test_without_picks_there_is_no_picks_view(client, article, make_comment):
    make_comment("Ordinary.")
    assertNotContains(client.get(article.get_absolute_url()), "Editors’ picks")
    assertContains(client.get(f"{article.get_absolute_url()}?comments=picks"), "Ordinary.")  # all comments instead


def test_a_pick_taken_down_with_its_thread_leaves_the_picks(client, article, make_comment):
    root = make_comment("Root, rejected later.", status=Comment.Status.REJECTED)
    make_comment("A pick below it.", parent=root, is_pick=True)
    shown = make_comment("A pick in plain view.", is_pick=True)

    page = Client().get(article.get_absolute_url())
    picks = Client().get(f"{article.get_absolute_url()}?comments=picks")

    assertContains(page, '<a href="?comments=picks#comments">Editors’ picks (1)</a>', html=True)
    assertContains(picks, f'id="comment-{shown.pk}"')
    assertContains(picks, "A pick in plain view.")
    assertNotContains(picks, "A pick below it.")
    assert picks.content.decode().count('class="comment__thread"') == 1


def test_picks_and_report_links_add_no_queries_per_comment(client, article, make_comment,
                                                          django_assert_num_queries, uncached):
    make_comment("The first comment.", is_pick=True)
    with CaptureQueriesContext(connection) as one_comment:
        client.get(article.get_absolute_url())
        client.get(f"{article.get_absolute_url()}?comments=picks")
    for n in range(60):
        make_comment(f"Comment {n}.", is_pick=n % 3 == 0)

    with django_assert_num_queries(len(one_comment.captured_queries)):
        page = client.get(article.get_absolute_url())
        picks = client.get(f"{article.get_absolute_url()}?comments=picks")
    assertContains(page, "Editors’ picks (21)")
    assert picks.content.decode().count('class="comment__report"') == 21
