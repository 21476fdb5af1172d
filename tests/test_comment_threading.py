from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from articles.models import Article
from comments.decisions import decide
from comments.models import Comment

EMPTY_PARENT = '<input type="hidden" name="parent" id="id_parent">'


class CommentNesting(HTMLParser):
    """Reads which comment each `<li id="comment-N">` of a page sits in, in page order."""

    def __init__(self):
        super().__init__()
        self.parents, self.open_items = {}, []

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            item_id = dict(attrs).get("id") or ""
            pk = int(item_id.removeprefix("comment-")) if item_id.startswith("comment-") else None
            if pk:
                self.parents[pk] = next((open_pk for open_pk in reversed(self.open_items) if open_pk), None)
            self.open_items.append(pk)

    def handle_endtag(self, tag):
        if tag == "li":
            self.open_items.pop()


def nesting(response):
    """Each comment shown on the page, in page order, mapped to the comment it is nested under (or None)."""
    parser = CommentNesting()
    parser.feed(response.content.decode())
    return parser.parents


def parent_input(pk):
    return f'<input type="hidden" name="parent" value="{pk}" id="id_parent">'


@pytest.fixture
def make_thread(make_comment):
    """Top-level approved comments, each with one approved reply, oldest first: [(root, reply), ...]."""
    def make(count):
        start = timezone.now() - timedelta(days=1)
        threads = []
        for n in range(count):
            root = make_comment(f"Root {n}.", created_at=start + timedelta(minutes=10 * n))
            reply = make_comment(f"Reply {n}.", parent=root, created_at=root.created_at + timedelta(hours=2))
            threads.append((root, reply))
        return threads
    return make


def test_approved_replies_are_nested_under_their_parent_oldest_first(client, article, make_comment):
    first = make_comment("First.")
    second = make_comment("Second.")
    answer = make_comment("Answer to first.", parent=first)
    answer_to_answer = make_comment("Answer to the answer.", parent=answer)
    later_answer = make_comment("Later answer to first.", parent=first)

    shown = nesting(client.get(article.get_absolute_url()))

    assert list(shown.items()) == [
        (first.pk, None), (answer.pk, first.pk), (answer_to_answer.pk, answer.pk), (later_answer.pk, first.pk),
        (second.pk, None),
    ]


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.REJECTED, Comment.Status.SPAM])
def test_comments_not_approved_are_hidden_with_their_replies(client, article, make_comment, status):
    hidden = make_comment("Not for readers.", status=status)
    make_comment("An approved reply below it.", parent=hidden)

    response = client.get(article.get_absolute_url())

    assertNotContains(response, "Not for readers.")
    assertNotContains(response, "An approved reply below it.")


@pytest.mark.parametrize("max_depth, answered, expected_parent", [
    (3, "grandchild", "child"),
    (3, "child", "child"),
    (2, "child", "root"),
    (2, "grandchild", "root"),
    (1, "child", None),
])
def test_a_reply_beyond_the_maximum_depth_joins_the_thread_of_the_comment_it_answers(
    settings, make_comment, send_reply, max_depth, answered, expected_parent
):
    root = make_comment("Root.")
    child = make_comment("Child.", parent=root)
    thread = {"root": root, "child": child, "grandchild": make_comment("Grandchild.", parent=child), None: None}
    settings.COMMENTS_MAX_DEPTH = max_depth

    assert send_reply(parent=str(thread[answered].pk)).status_code == 302

    reply = Comment.objects.get(body="I was at the meeting and agree.")
    assert reply.parent == thread[expected_parent]
    assert reply.depth < max_depth


@pytest.mark.parametrize("max_depth, with_link, without_link", [
    (3, ["root", "child"], ["grandchild"]),
    (2, ["root"], ["child", "grandchild"]),
])
def test_the_reply_link_appears_only_below_the_maximum_depth(
    settings, client, article, make_comment, max_depth, with_link, without_link
):
    settings.COMMENTS_MAX_DEPTH = max_depth
    root = make_comment("Root.")
    child = make_comment("Child.", parent=root)
    thread = {"root": root, "child": child, "grandchild": make_comment("Grandchild.", parent=child)}

    response = client.get(article.get_absolute_url())

    for name in with_link:
        assertContains(response, f"replyto={thread[name].pk}#respond")
    for name in without_link:
        assertNotContains(response, f"replyto={thread[name].pk}#respond")


def test_the_posters_pending_comment_has_no_reply_link(client, send_reply):
    send_reply(follow=True)
    assertNotContains(client.get(Comment.objects.get().article.get_absolute_url()), "replyto=")


def test_replyto_says_whom_the_reader_answers_and_sets_the_hidden_parent(client, article, make_comment):
    root = make_comment("Root.", name="Paula Parent")

    response = client.get(f"{article.get_absolute_url()}?replyto={root.pk}")

    assertContains(response, "Reply to Paula Parent")
    assertContains(response, parent_input(root.pk), html=True)
    assertContains(response, "Cancel reply")


@pytest.mark.parametrize("raw_id", ["pending", "spam", "other article", "abc", "", "999999", "99999999999999999999999"])
def test_replyto_of_a_comment_the_page_does_not_show_is_ignored(client, article, make_article, make_comment, raw_id):
    ids = {
        "pending": make_comment("Pending.", status=Comment.Status.PENDING).pk,
        "spam": make_comment("Spam.", status=Comment.Status.SPAM).pk,
        "other article": make_comment("Elsewhere.", article=make_article("Elsewhere")).pk,
    }

    response = client.get(f"{article.get_absolute_url()}?replyto={ids.get(raw_id, raw_id)}")

    assertContains(response, "Leave a Reply")
    assertNotContains(response, "Reply to ")
    assertContains(response, EMPTY_PARENT, html=True)


def test_a_reply_through_the_replyto_form_is_threaded_for_everyone_once_approved(
    client, article, make_comment, send_reply, moderator
):
    root = make_comment("Root.", name="Paula Parent")
    send_reply(parent=str(root.pk), body="Answering Paula.")
    decide(Comment.objects.pending(), status=Comment.Status.APPROVED, by=moderator)

    shown = nesting(Client().get(article.get_absolute_url()))

    assert shown[Comment.objects.get(body="Answering Paula.").pk] == root.pk


def test_comments_are_paginated_by_top_level_comment_with_their_replies(settings, client, article, make_thread):
    settings.COMMENTS_PER_PAGE = 2
    threads = make_thread(5)

    pages = [client.get(f"{article.get_absolute_url()}?cpage={n}") for n in (1, 2, 3)]

    assert [list(nesting(page)) for page in pages] == [
        [threads[0][0].pk, threads[0][1].pk, threads[1][0].pk, threads[1][1].pk],
        [threads[2][0].pk, threads[2][1].pk, threads[3][0].pk, threads[3][1].pk],
        [threads[4][0].pk, threads[4][1].pk],
    ]
    assertContains(pages[1], "Comments page 2 of 3")
    assertContains(pages[1], 'href="?cpage=1#comments"')
    assertContains(pages[1], 'href="?cpage=3#comments"')
    assertContains(pages[1], "10 comments")  # the count covers every page


@pytest.mark.parametrize("cpage, expected_page", [("", 1), ("abc", 1), ("0", 3), ("-1", 3), ("99", 3), ("9" * 40, 3)])
def test_an_odd_comment_page_number_shows_a_page_that_exists(settings, client, article, make_thread, cpage,
                                                             expected_page):
    settings.COMMENTS_PER_PAGE = 2
    make_thread(5)
    response = client.get(f"{article.get_absolute_url()}?cpage={cpage}")
    assertContains(response, f"Comments page {expected_page} of 3")


def test_reply_links_on_a_later_page_keep_the_page(settings, client, article, make_thread):
    settings.COMMENTS_PER_PAGE = 2
    root = make_thread(3)[2][0]

    response = client.get(f"{article.get_absolute_url()}?cpage=2&replyto={root.pk}")

    assertContains(response, f'href="?cpage=2&amp;replyto={root.pk}#respond"')
    assertContains(response, "Reply to Reader")
    assertContains(response, parent_input(root.pk), html=True)


@pytest.mark.parametrize("thread_index, which, expected_query", [
    (0, 0, ""), (0, 1, ""), (1, 1, ""), (2, 0, "?cpage=2"), (3, 1, "?cpage=2"), (4, 1, "?cpage=3"),
])
def test_a_permalink_lands_on_the_page_that_holds_the_comment(
    settings, client, article, make_thread, make_comment, thread_index, which, expected_query
):
    settings.COMMENTS_PER_PAGE = 2
    threads = make_thread(5)
    # Top-level comments readers do not see must not shift the pages.
    for status in (Comment.Status.PENDING, Comment.Status.REJECTED, Comment.Status.SPAM):
        make_comment(f"Hidden, {status}.", status=status, created_at=threads[0][0].created_at + timedelta(minutes=1))
    comment = threads[thread_index][which]

    response = client.get(comment.get_absolute_url())

    expected = f"{article.get_absolute_url()}{expected_query}#comment-{comment.pk}"
    assertRedirects(response, expected, fetch_redirect_response=False)
    assertContains(client.get(expected), f'id="comment-{comment.pk}"')


def test_a_permalink_of_a_deep_reply_lands_on_the_page_of_its_thread(settings, client, article, make_thread,
                                                                    make_comment):
    settings.COMMENTS_PER_PAGE = 1
    root = make_thread(2)[1][0]
    deep = make_comment("Deep.", parent=make_comment("Middle.", parent=root))
    assertRedirects(client.get(deep.get_absolute_url()), f"{article.get_absolute_url()}?cpage=2#comment-{deep.pk}",
                    fetch_redirect_response=False)


def test_the_permalink_of_a_pending_comment_works_for_its_poster_alone(client, article, send_reply):
    send_reply()
    comment = Comment.objects.get()

    assertRedirects(client.get(comment.get_absolute_url()), f"{article.get_absolute_url()}#comment-{comment.pk}",
                    fetch_redirect_response=False)
    assert Client().get(comment.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("decision", [Comment.Status.REJECTED, Comment.Status.SPAM])
def test_the_permalink_of_a_comment_a_moderator_refused_is_not_found_even_for_its_poster(client, send_reply,
                                                                                       moderator, decision):
    send_reply()
    comment = Comment.objects.get()
    decide(Comment.objects.filter(pk=comment.pk), status=decision, by=moderator)
    assert client.get(comment.get_absolute_url()).status_code == 404


def test_the_permalink_of_a_comment_on_an_unpublished_article_is_not_found(client, article, make_comment):
    comment = make_comment()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    assert client.get(comment.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("path", ["/comments/424242/", "/comments/99999999999999999999999/", "/comments/abc/"])
def test_the_permalink_of_a_missing_comment_is_not_found(client, db, path):
    assert client.get(path).status_code == 404


def test_a_reply_that_would_join_a_thread_taken_down_meanwhile_is_refused(settings, make_comment, send_reply):
    settings.COMMENTS_MAX_DEPTH = 3
    root = make_comment("Root.")
    child = make_comment("Child.", parent=root)
    grandchild = make_comment("Grandchild, on a page loaded before the child was rejected.", parent=child)
    Comment.objects.filter(pk=child.pk).update(status=Comment.Status.REJECTED)

    response = send_reply(parent=str(grandchild.pk))

    assertContains(response, "The comment you are replying to is not available any more.", status_code=400)
    assert not Comment.objects.filter(body="I was at the meeting and agree.").exists()


def test_a_reply_to_a_comment_whose_thread_was_taken_down_is_refused(make_comment, send_reply):
    root = make_comment("Root, rejected after the page was loaded.", status=Comment.Status.REJECTED)
    child = make_comment("Child, still approved but no longer shown.", parent=root)

    response = send_reply(parent=str(child.pk))

    assertContains(response, "The comment you are replying to is not available any more.", status_code=400)


def test_the_permalink_of_a_reply_taken_down_with_its_thread_is_not_found(client, moderator, make_comment):
    root = make_comment("Root, rejected later.")
    reply = make_comment("An approved reply, hidden with its thread.", parent=root)
    decide(Comment.objects.filter(pk=root.pk), status=Comment.Status.REJECTED, by=moderator)
    assert client.get(reply.get_absolute_url()).status_code == 404


def test_a_permalink_counts_the_readers_own_pending_comments_in_its_pages(settings, client, article, send_reply,
                                                                        make_comment):
    settings.COMMENTS_PER_PAGE = 1
    send_reply(body="My pending comment, shown to me on page 1.")
    later = make_comment("An approved comment posted after mine.", created_at=timezone.now() + timedelta(minutes=1))

    response = client.get(later.get_absolute_url())

    expected = f"{article.get_absolute_url()}?cpage=2#comment-{later.pk}"
    assertRedirects(response, expected, fetch_redirect_response=False)
    assertContains(client.get(expected), f'id="comment-{later.pk}"')
    assertRedirects(Client().get(later.get_absolute_url()), f"{article.get_absolute_url()}#comment-{later.pk}",
                    fetch_redirect_response=False)


def test_a_deep_thread_hides_and_leaves_uncounted_every_reply_below_a_comment_taken_down(
    settings, client, article, moderator, make_comment
):
    settings.COMMENTS_MAX_DEPTH = 5
    chain = [make_comment("Level 0.")]
    for level in range(1, 5):
        chain.append(make_comment(f"Level {level}.", parent=chain[-1]))
    assert chain[-1].depth == 4
    decide(Comment.objects.filter(pk=chain[1].pk), status=Comment.Status.REJECTED, by=moderator)

    page = client.get(article.get_absolute_url())

    assertContains(page, '<h2 id="comments-heading">1 comment</h2>', html=True)
    for level in range(1, 5):
        assertNotContains(page, f"Level {level}.")
    assert "1 comment" in client.get("/").text
    assert list(Comment.objects.shown()) == [chain[0]]
    assert client.get(chain[-1].get_absolute_url()).status_code == 404
