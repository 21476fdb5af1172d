import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment


def card_html(response, headline):
    """The markup of the article card or lead story that carries `headline`."""
    html = response.content.decode()
    start = html.rindex("<article", 0, html.index(f">{headline}</a>"))
    return html[start:html.index("</article>", start)]


def comment_html(response, comment):
    html = response.content.decode()
    start = html.index(f'id="comment-{comment.pk}"')
    return html[start:html.index("</article>", start)]


def body_html(response, comment):
    """The rendered body of one comment, without the header around it."""
    html = comment_html(response, comment)
    start = html.index('<div class="comment__body">')
    return html[start:html.index("</div>", start)]


def test_the_article_page_counts_approved_comments_only(client, article, make_comment):
    root = make_comment("Approved root.")
    make_comment("Approved reply.", parent=root)
    for status in (Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REJECTED):
        make_comment(f"A {status} one.", status=status)

    response = client.get(article.get_absolute_url())

    assertContains(response, '<h2 id="comments-heading">\n    2 comments\n  </h2>', html=True)
    assertNotContains(response, "pending one")
    assertNotContains(response, "spam one")
    assertNotContains(response, "rejected one")


def test_one_comment_is_counted_in_the_singular(client, article, make_comment):
    make_comment()
    assertContains(client.get(article.get_absolute_url()), '<h2 id="comments-heading">1 comment</h2>', html=True)


def test_an_article_without_comments_invites_the_first(client, article, make_comment):
    make_comment(status=Comment.Status.PENDING)
    response = client.get(article.get_absolute_url())
    assertContains(response, '<h2 id="comments-heading">Comments</h2>', html=True)
    assertContains(response, "No comments yet. Start the conversation.")


@pytest.mark.parametrize("page", ["home", "tag", "author"])
def test_article_lists_show_each_articles_approved_comment_count(client, make_article, make_tag, make_comment, author,
                                                                 page):
    council = make_tag("Council")
    now = timezone.now()
    busy = make_article("Busy story", tags=[council], published_at=now - timedelta(hours=3))
    quiet = make_article("Quiet story", tags=[council], published_at=now - timedelta(hours=2))
    single = make_article("Single story", tags=[council], published_at=now - timedelta(hours=1))
    for body in ("One.", "Two.", "Three."):
        make_comment(body, article=busy)
    make_comment("Waiting.", article=busy, status=Comment.Status.PENDING)
    make_comment("Spam.", article=quiet, status=Comment.Status.SPAM)
    make_comment("Only one.", article=single)

    response = client.get({"home": "/", "tag": council.get_absolute_url(), "author": author.get_absolute_url()}[page])

    assert "3 comments" in card_html(response, "Busy story")
    assert "No comments" in card_html(response, "Quiet story")
    assert "1 comment" in card_html(response, "Single story")


def test_the_name_links_to_the_website_marked_as_untrusted(client, article, make_comment):
    with_site = make_comment("Has a site.", name="Rita Reader", website="https://rita.example/blog")
    without_site = make_comment("Has no site.", name="Nora Nosite")

    response = client.get(article.get_absolute_url())

    assertContains(response, '<a href="https://rita.example/blog" rel="nofollow ugc noopener">Rita Reader</a>',
                   html=True)
    author = re.search(r'<span class="comment__author">(.*?)</span>', comment_html(response, without_site), re.S)
    assert author.group(1).strip() == "Nora Nosite"
    assert "rita.example" not in comment_html(response, without_site)
    assert with_site.website in comment_html(response, with_site)


def test_each_comment_shows_its_date(client, article, make_comment):
    comment = make_comment(created_at=timezone.make_aware(timezone.datetime(2026, 3, 14, 9, 26)))
    html = comment_html(client.get(article.get_absolute_url()), comment)
    assert "14 March 2026 at 09:26" in html
    assert f'href="#comment-{comment.pk}"' in html


@pytest.mark.parametrize("name, initials", [
    ("Rita Reader", "RR"),
    ("madonna", "M"),
    ("Jean-Luc Picard the Third", "JP"),
    ("Émile zola", "ÉZ"),
    ("  ---  Dash  ", "D"),
    ("😀 🦊", "?"),
])
def test_the_avatar_shows_the_initials_of_the_name(client, article, make_comment, name, initials):
    comment = make_comment(name=name)
    avatar_pattern = r'<span class="avatar[^"]*"[^>]*>([^<]*)</span>'
    avatar = re.search(avatar_pattern, comment_html(client.get(article.get_absolute_url()),
                                                                         comment))
    assert avatar.group(1) == initials


def test_the_avatar_uses_no_outside_service(client, article, make_comment):
    make_comment(email="rita@example.org")
    response = client.get(article.get_absolute_url())
    assertNotContains(response, "gravatar")
    assertNotContains(response, "<img", msg_prefix="no avatar image is fetched")


@pytest.mark.parametrize("body, forbidden", [
    ('<script>alert("x")</script>Hello', "<script"),
    ("<img src=x onerror=alert(1)>Hello", "<img"),
    ('<b onclick="steal()">Hello</b>', "onclick"),
    ('<a href="javascript:alert(1)">Hello</a>', "javascript:"),
    ('<a href="JaVaScRiPt:alert(1)">Hello</a>', "alert(1)"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">Hello</a>', "data:"),
    ('<iframe src="https://evil.example/"></iframe>Hello', "<iframe"),
    ('<p style="position:fixed">Hello</p>', "style="),
    ("<!-- hidden note -->Hello", "hidden note"),
    ('<svg onload="alert(1)">Hello</svg>', "<svg"),
    ('<a href="https://ok.example/" rel="dofollow">Hello</a>', "dofollow"),
])
def test_a_comment_body_loses_unsafe_markup(client, article, make_comment, body, forbidden):
    comment = make_comment(body)
    html = body_html(client.get(article.get_absolute_url()), comment)
    assert forbidden.lower() not in html.lower()
    assert "Hello" in html


def test_a_comment_body_keeps_the_allowed_inline_tags(client, article, make_comment):
    allowed = ['<em>em</em>', '<strong>strong</strong>', '<b>b</b>', '<i>i</i>', '<s>s</s>', '<del>del</del>',
               '<code>code</code>', '<q cite="https://example.org/">q</q>', '<cite>cite</cite>',
               '<abbr title="Hypertext">HTML</abbr>', '<blockquote>quote</blockquote>']
    comment = make_comment(" ".join(allowed))
    html = body_html(client.get(article.get_absolute_url()), comment)
    for tag in allowed:
        assert tag in html


def test_links_in_a_comment_body_are_clickable_and_marked_nofollow_ugc(client, article, make_comment):
    comment = make_comment('Read <a href="https://ok.example.org/page">this</a> and https://bare.example.org/more too.')
    html = body_html(client.get(article.get_absolute_url()), comment)
    links = re.findall(r"<a [^>]*>", html)
    assert len(links) == 2
    for link in links:
        assert 'rel="nofollow ugc noopener"' in link
    assert '<a href="https://bare.example.org/more" rel="nofollow ugc noopener">' in html


def test_a_comment_body_is_plain_text_with_paragraphs(client, article, make_comment):
    comment = make_comment("First line\nsecond line\n\nNew paragraph & 5 < 6")
    html = body_html(client.get(article.get_absolute_url()), comment)
    assert "<p>First line<br>\nsecond line</p>\n<p>New paragraph &amp; 5 &lt; 6</p>" in html


def test_a_name_with_markup_is_shown_as_text(client, article, make_comment):
    make_comment(name='<script>alert("name")</script>', website='https://x.example/"onmouseover="alert(1)')
    response = client.get(article.get_absolute_url())
    assertNotContains(response, '<script>alert("name")')
    assertNotContains(response, '"onmouseover="')


def test_the_article_page_makes_as_many_queries_with_200_comments_as_with_one(
    client, article, make_comment, django_assert_num_queries, uncached
):
    root = make_comment("The first comment.")
    with CaptureQueriesContext(connection) as one_comment:
        assertContains(client.get(article.get_absolute_url()), "1 comment")

    shown = [root]
    for n in range(199):  # top-level comments, replies and replies to replies, some with links and websites
        parent = shown[n % len(shown)] if n % 4 else None
        if parent and parent.depth + 1 >= 3:
            parent = parent.parent
        website = f"https://site{n}.example.org" if n % 5 else ""
        shown.append(make_comment(f"Comment {n} https://example.org/{n}", parent=parent, website=website))

    with django_assert_num_queries(len(one_comment.captured_queries)):
        response = client.get(article.get_absolute_url())
    assertContains(response, "200 comments")


def test_article_lists_count_comments_in_one_query_whatever_the_number_of_articles(
    client, make_article, make_comment, django_assert_num_queries
):
    make_comment("On the first.", article=make_article("First"))
    with CaptureQueriesContext(connection) as one_article:
        client.get("/")
    for n in range(6):
        make_comment(f"On article {n}.", article=make_article(f"Article {n}"))

    with django_assert_num_queries(len(one_article.captured_queries)):
        response = client.get("/")
    assert response.content.decode().count("1 comment") == 7
