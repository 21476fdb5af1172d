import re
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from comments.decisions import decide
from comments.forms import DOUBLE_SUBMIT_SECONDS, render_time_signer, sign_render_time
from comments.models import Comment
from comments.ratelimit import client_network

NOT_AVAILABLE = "The comment you are replying to is not available any more."
EXPIRED = "The form has expired. Please send your comment again."


def field_html(response, name):
    """The markup of one field of the reply form: its label, messages, input and help text."""
    html = response.content.decode()
    label = html.index(f'<label for="id_{name}"')
    return html[html.rindex("<div", 0, label):html.index("</div>", label)]


def test_a_posted_reply_is_stored_pending_with_the_client_address_and_browser(client, article):
    url = reverse("comments:post", kwargs={"slug": article.slug})
    data = {"body": "I was there.", "name": "Rita Reader", "email": "rita@example.org", "website": "example.org",
            "rendered_at": sign_render_time(article.pk, at=time.time() - 60)}

    response = client.post(url, data, HTTP_USER_AGENT="Browser/1.0 " + "x" * 500, REMOTE_ADDR="198.51.100.4")

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert (comment.article, comment.status, comment.body) == (article, Comment.Status.PENDING, "I was there.")
    assert (comment.name, comment.email, comment.website) == ("Rita Reader", "rita@example.org", "https://example.org")
    assert comment.ip_address == "198.51.100.4"
    assert comment.user_agent.startswith("Browser/1.0 ") and len(comment.user_agent) == 300
    assert comment.moderated_at is None


def test_posting_redirects_to_the_comment_on_the_article_and_says_it_awaits_moderation(article, send_reply):
    response = send_reply(body="My first reply.", follow=True)

    comment = Comment.objects.get()
    assert response.redirect_chain[0] == (comment.get_absolute_url(), 302)
    assert response.redirect_chain[-1] == (f"{article.get_absolute_url()}#comment-{comment.pk}", 302)
    assertContains(response, "Your comment is awaiting moderation.")
    assertContains(response, f'id="comment-{comment.pk}"')
    assertContains(response, "My first reply.")
    assertContains(response, "Only you can see it.")


def test_the_pending_comment_is_shown_to_its_poster_alone(client, article, send_reply):
    send_reply(body="Only for my eyes until approved.", follow=True)

    again = client.get(article.get_absolute_url())
    assertContains(again, "Only for my eyes until approved.")
    assertContains(again, "Your comment is awaiting moderation. Only you can see it.")
    assertNotContains(again, 'class="message message--info"')  # the one-off message was shown once

    someone_else = Client().get(article.get_absolute_url())
    assertNotContains(someone_else, "Only for my eyes until approved.")
    assertNotContains(someone_else, "awaiting moderation")


def test_the_poster_no_longer_sees_a_comment_once_it_is_rejected(client, article, send_reply, moderator):
    send_reply(body="Soon to be rejected.")
    decide(Comment.objects.all(), status=Comment.Status.REJECTED, by=moderator)
    assertNotContains(client.get(article.get_absolute_url()), "Soon to be rejected.")


def test_the_remember_me_cookie_is_set_only_when_the_box_is_ticked(client, article, send_reply):
    unticked = send_reply(body="Do not remember me.")
    assert not unticked.cookies.get("comment_author") or unticked.cookies["comment_author"].value == ""
    assertNotContains(client.get(article.get_absolute_url()), 'value="rita@example.org"')

    ticked = send_reply(body="Remember me.", remember="on", website="https://rita.example")
    cookie = ticked.cookies["comment_author"]
    assert cookie.value and cookie["httponly"] and cookie["max-age"]

    form = client.get(article.get_absolute_url())
    assert 'value="Rita Reader"' in field_html(form, "name")
    assert 'value="rita@example.org"' in field_html(form, "email")
    assert 'value="https://rita.example"' in field_html(form, "website")
    assert "checked" in form.content.decode().split('name="remember"')[1].split(">")[0]


def test_unticking_the_box_forgets_a_remembered_reader(client, article, send_reply):
    send_reply(body="Remember me.", remember="on")
    send_reply(body="Now forget me.")
    assertNotContains(client.get(article.get_absolute_url()), 'value="rita@example.org"')


def test_a_forged_remember_me_cookie_is_ignored(client, article):
    client.cookies["comment_author"] = '{"name": "Mallory", "email": "mallory@example.org"}'
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assertNotContains(response, "mallory@example.org")


def test_validation_errors_show_the_form_again_with_messages_beside_the_fields_and_the_typed_values(send_reply):
    response = send_reply(body="Words I typed with care.", name="", email="not-an-email", website="not a site")

    assert response.status_code == 400
    assert Comment.objects.count() == 0
    assertContains(response, "Check your comment", status_code=400)
    assert "Please give a name to show with your comment." in field_html(response, "name")
    assert "Please enter a valid email address, like name@example.com." in field_html(response, "email")
    assert "Please enter a full web address starting with http:// or https://." in field_html(response, "website")
    assert "Words I typed with care." in field_html(response, "body")
    assert 'value="not-an-email"' in field_html(response, "email")
    assert 'value="not a site"' in field_html(response, "website")


def test_the_form_states_its_limits_and_required_fields(client, article):
    response = client.get(article.get_absolute_url())
    assertContains(response, "Your email address will not be published. Required fields are marked")
    assertContains(response, "Save my name, email, and website in this browser for the next time I comment.")
    assertContains(response, "Up to 5,000 characters.")
    assert 'maxlength="5000"' in field_html(response, "body")
    assert 'maxlength="80"' in field_html(response, "name")


def test_a_filled_honeypot_is_refused(send_reply):
    response = send_reply(honeypot="http://cheap-pills.example")
    assert response.status_code == 400
    assert Comment.objects.count() == 0


def test_a_form_sent_faster_than_a_person_types_is_refused_and_says_why(settings, article, send_reply):
    settings.COMMENTS_MIN_FILL_SECONDS = 3
    response = send_reply(rendered_at=sign_render_time(article.pk))
    assertContains(response, "That was quick! Please check your comment and send it again.", status_code=400)
    assert Comment.objects.count() == 0


def test_the_minimum_fill_time_comes_from_the_settings(settings, article, send_reply):
    settings.COMMENTS_MIN_FILL_SECONDS = 120
    stamp = sign_render_time(article.pk, at=time.time() - 60)
    assert send_reply(body="After a minute.", rendered_at=stamp).status_code == 400
    settings.COMMENTS_MIN_FILL_SECONDS = 0
    assert send_reply(body="At once.", rendered_at=sign_render_time(article.pk)).status_code == 302


def test_the_error_page_restarts_the_fill_time_with_a_fresh_signed_value(article, send_reply):
    response = send_reply(email="")
    value = re.search(r'name="rendered_at" value="([^"]+)"', response.content.decode()).group(1)
    assert time.time() - int(render_time_signer(article.pk).unsign(value)) < 5


@pytest.mark.parametrize("rendered_at", [
    pytest.param(lambda pk: sign_render_time(pk, at=time.time() - 60)[:-2] + "xx", id="signature altered"),
    pytest.param(lambda pk: "1:" + sign_render_time(pk, at=time.time() - 60).split(":")[1], id="time altered"),
    pytest.param(lambda pk: str(int(time.time() - 60)), id="unsigned"),
    pytest.param(lambda pk: signing.Signer(salt="another.salt").sign("1"), id="signed for something else"),
    pytest.param(lambda pk: sign_render_time(pk, at=time.time() - 5 * 60 * 60), id="five hours old"),
    pytest.param(lambda pk: sign_render_time(pk + 1, at=time.time() - 60), id="for another article"),
    pytest.param(lambda pk: "", id="empty"),
    pytest.param(lambda pk: "a:b:c", id="garbage"),
])
def test_a_tampered_or_stale_render_time_is_refused(article, send_reply, rendered_at):
    response = send_reply(rendered_at=rendered_at(article.pk))
    assertContains(response, EXPIRED, status_code=400)
    assert Comment.objects.count() == 0


def test_the_same_email_and_text_on_the_same_article_is_refused_as_a_duplicate(make_comment, send_reply):
    make_comment("I was at the meeting and agree.", email="rita@example.org", status=Comment.Status.PENDING,
                 created_at=timezone.now() - timedelta(seconds=DOUBLE_SUBMIT_SECONDS + 1))

    response = send_reply(body="  I was at the meeting and agree.  ", email="RITA@example.org")

    assertContains(response, "You have already posted this comment on this article.", status_code=400)
    assert Comment.objects.count() == 1


def test_the_same_form_sent_again_moments_later_is_answered_like_the_first(send_reply):
    first = send_reply(body="Sent twice by a double click.")
    second = send_reply(body="Sent twice by a double click.")

    assert Comment.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == Comment.objects.get().get_absolute_url()


def test_the_same_text_is_welcome_from_another_email_or_on_another_article(make_article, make_comment, send_reply):
    make_comment("I was at the meeting and agree.", email="rita@example.org")
    assert send_reply(email="someone.else@example.org").status_code == 302
    assert send_reply(to=make_article("Another story")).status_code == 302


def test_the_rate_limit_answers_429_with_a_friendly_page(settings, article, send_reply, reply_data):
    settings.COMMENTS_RATE_LIMIT = 2

    statuses = [send_reply(body=f"Comment number {n}.").status_code for n in range(3)]

    assert statuses == [302, 302, 429]
    assert Comment.objects.count() == 2
    response = send_reply(body="Still too soon.")
    assertContains(response, "Please slow down", status_code=429)
    assertContains(response, f'href="{article.get_absolute_url()}#respond"', status_code=429)
    url = reverse("comments:post", kwargs={"slug": article.slug})
    assert Client().post(url, reply_data(body="From elsewhere."), REMOTE_ADDR="198.51.100.9").status_code == 302


def test_the_rate_limit_counts_refused_attempts_too(settings, send_reply):
    settings.COMMENTS_RATE_LIMIT = 2
    assert [send_reply(email="").status_code for n in range(3)] == [400, 400, 429]


@pytest.mark.parametrize("fields", [
    pytest.param({"body": "Null\x00bytes"}, id="null byte in body"),
    pytest.param({"name": "Rita\x00"}, id="null byte in name"),
    pytest.param({"email": "rita\x00@example.org"}, id="null byte in email"),
    pytest.param({"website": "https://rita.example/\x00"}, id="null byte in website"),
    pytest.param({"parent": "1\x00"}, id="null byte in parent"),
    pytest.param({"rendered_at": "\x00"}, id="null byte in render time"),
    pytest.param({"honeypot": "\x00"}, id="null byte in honeypot"),
    pytest.param({"body": "x" * 100_000}, id="100k body"),
    pytest.param({"body": "word " * 20_000}, id="100k words"),
    pytest.param({"name": "N" * 100_000}, id="100k name"),
    pytest.param({"email": "a" * 100_000 + "@example.org"}, id="100k email"),
    pytest.param({"website": "https://example.org/" + "a" * 100_000}, id="100k website"),
    pytest.param({"parent": "9" * 1000}, id="huge parent"),
    pytest.param({"parent": "99999999999999999999"}, id="parent beyond 64 bits"),
    pytest.param({"parent": "-1"}, id="negative parent"),
    pytest.param({"parent": "abc"}, id="parent not a number"),
    pytest.param({"parent": ["1", "2"]}, id="two parents"),
    pytest.param({"body": "\u202eevil\u202c \ufeff\u200b"}, id="bidi and zero width"),
    pytest.param({"body": "\x01\x02\x1b[31m"}, id="only control characters"),
    pytest.param({"body": "   \n\t  "}, id="only whitespace"),
    pytest.param({"email": "rita@example.org\nBcc: everyone@example.org"}, id="header injection"),
    pytest.param({"email": "rita@exämple.org"}, id="unicode domain"),
    pytest.param({"body": "<script>" * 1000}, id="many script tags"),
    pytest.param({"body": "<b>" * 2000 + "deep" + "</b>" * 2000}, id="deeply nested tags"),
    pytest.param({"body": "https://example.org/" * 200}, id="many links"),
    pytest.param({"remember": "maybe"}, id="odd checkbox"),
])
def test_odd_input_never_causes_a_server_error(send_reply, fields):
    response = send_reply(**fields)
    assert response.status_code in (302, 400)
    for comment in Comment.objects.all():
        assert "\x00" not in comment.body + comment.name + comment.email + comment.website


@pytest.mark.parametrize("body, name", [
    ("Привет, мир! 日本語のコメント. Ελληνικά. עברית", "Zoë Ångström-Ñúñez"),
    ("Great news 🎉👍🏽👩‍👩‍👧 — thanks!", "😀 Smiley 🦊"),
])
def test_unicode_and_emoji_are_stored_and_shown_as_typed(client, article, send_reply, body, name):
    assert send_reply(body=body, name=name).status_code == 302
    comment = Comment.objects.get()
    assert (comment.body, comment.name) == (body, name)
    page = client.get(article.get_absolute_url())
    assertContains(page, body)
    assertContains(page, name)


def test_a_body_of_invalid_utf8_bytes_never_causes_a_server_error(client, article):
    url = reverse("comments:post", kwargs={"slug": article.slug})
    raw = b"body=%ff%fe%fd&name=%c3%28&email=%e2%82"
    response = client.post(url, raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_a_form_with_every_field_missing_is_refused_with_messages(client, article):
    response = client.post(reverse("comments:post", kwargs={"slug": article.slug}), {})
    assertContains(response, "Please write your comment.", status_code=400)
    assertContains(response, "Please give a name to show with your comment.", status_code=400)
    assertContains(response, "Please give your email address; it is never published.", status_code=400)


def test_a_file_upload_instead_of_text_is_refused(client, article, reply_data):
    data = reply_data() | {"body": SimpleUploadedFile("body.txt", b"text")}
    response = client.post(reverse("comments:post", kwargs={"slug": article.slug}), data)
    assert response.status_code == 400


def test_a_reply_to_an_approved_comment_is_stored_under_it(make_comment, send_reply):
    parent = make_comment("The parent.")
    assert send_reply(parent=str(parent.pk)).status_code == 302
    assert Comment.objects.get(body="I was at the meeting and agree.").parent == parent


@pytest.mark.parametrize("parent", [
    pytest.param(lambda make_comment, make_article: "abc", id="not a number"),
    pytest.param(lambda make_comment, make_article: "424242", id="no such comment"),
    pytest.param(lambda make_comment, make_article: make_comment(status=Comment.Status.PENDING).pk, id="pending"),
    pytest.param(lambda make_comment, make_article: make_comment(status=Comment.Status.SPAM).pk, id="spam"),
    pytest.param(lambda make_comment, make_article: make_comment(article=make_article("Elsewhere")).pk,
                 id="on another article"),
])
def test_a_reply_to_a_comment_that_is_not_available_is_refused_and_says_why(make_comment, make_article, send_reply,
                                                                          parent):
    response = send_reply(parent=str(parent(make_comment, make_article)))
    assertContains(response, NOT_AVAILABLE, status_code=400)
    assert not Comment.objects.filter(body="I was at the meeting and agree.").exists()


@pytest.mark.parametrize("website", [
    "javascript:alert(1)", "JaVaScRiPt:alert(document.cookie)", "javascript://example.org/%0aalert(1)",
    "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)", "ftp://example.org/file", "http://",
])
def test_a_website_that_is_not_a_web_address_is_refused(send_reply, website):
    response = send_reply(website=website)
    assert response.status_code == 400
    assert "Please enter a full web address starting with http:// or https://." in field_html(response, "website")
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("headers", [
    pytest.param({"HTTP_ORIGIN": "https://evil.example"}, id="foreign-origin"),
    pytest.param({"HTTP_ORIGIN": "null"}, id="null-origin"),
    pytest.param({"HTTP_REFERER": "https://evil.example/page"}, id="foreign-referer"),
    pytest.param({"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "cross-site"}, id="cross-site-fetch"),
])
def test_a_post_from_another_site_is_refused(article, reply_data, headers):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("comments:post", kwargs={"slug": article.slug}), reply_data(), **headers)
    assert response.status_code == 403
    assert "can only be sent from this site" in response.content.decode()
    assert Comment.objects.count() == 0


def test_the_form_on_a_shared_page_posts_without_a_token_of_its_own(settings, article):
    settings.COMMENTS_MIN_FILL_SECONDS = 0
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(article.get_absolute_url())
    html = page.content.decode()
    assert "csrfmiddlewaretoken" not in html and not page.cookies  # nothing of one reader's for the next
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    action = re.search(r'<form class="reply-form" method="post" action="([^"#]+)', html).group(1)

    data = {**hidden, "body": "Posted like a browser.", "name": "Bea Browser", "email": "bea@example.org"}
    response = browser.post(action, data, HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="same-origin")

    assert response.status_code == 302
    assert Comment.objects.get().body == "Posted like a browser."


def test_the_reply_address_takes_posts_only(client, article):
    assert client.get(reverse("comments:post", kwargs={"slug": article.slug})).status_code == 405


@pytest.mark.parametrize("fields", [
    pytest.param({"status": Article.Status.DRAFT}, id="draft"),
    pytest.param({"published_at": timezone.now() + timedelta(days=1)}, id="scheduled"),
])
def test_an_article_readers_cannot_see_takes_no_replies(make_article, send_reply, fields):
    assert send_reply(to=make_article("Not out yet", **fields)).status_code == 404
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("fields", [
    pytest.param({"comments_open": False}, id="switched off"),
    pytest.param({"published_at": timezone.now() - timedelta(days=31)}, id="older than the setting"),
])
def test_a_closed_article_replaces_the_form_and_refuses_posts(settings, client, make_article, make_comment, send_reply,
                                                            fields):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    article = make_article("Closed story", **fields)
    root = make_comment("Said before closing.", article=article)

    page = client.get(article.get_absolute_url())
    assertContains(page, "Comments are closed")
    assertContains(page, "Said before closing.")
    assertNotContains(page, 'class="reply-form"')
    assertNotContains(page, f"replyto={root.pk}")

    response = send_reply(to=article, body="Too late.")
    assertContains(response, "Comments are closed", status_code=403)
    assert not Comment.objects.filter(body="Too late.").exists()


def test_an_article_younger_than_the_closing_age_stays_open(settings, client, make_article, send_reply):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    article = make_article("Recent story", published_at=timezone.now() - timedelta(days=29))
    assertContains(client.get(article.get_absolute_url()), 'class="reply-form"')
    assert send_reply(to=article).status_code == 302


def test_without_a_closing_age_old_articles_stay_open(settings, make_article, send_reply):
    settings.COMMENTS_CLOSE_AFTER_DAYS = None
    old = make_article("Old story", published_at=timezone.now() - timedelta(days=3650))
    assert send_reply(to=old).status_code == 302


def test_control_characters_in_the_browser_name_are_not_stored(client, article, reply_data):
    url = reverse("comments:post", kwargs={"slug": article.slug})
    response = client.post(url, reply_data(), HTTP_USER_AGENT="Odd\x00Browser\x1b/1.0")
    assert response.status_code == 302
    assert Comment.objects.get().user_agent == "OddBrowser/1.0"


@pytest.mark.parametrize("name", [
    "\u200b", "\u200b\u2060\ufeff", "\u202e\u202c", " \u00ad ", "\u200d", "\u3164", "\u2800\u2800",
])
def test_a_name_that_shows_nothing_is_refused_and_says_why(send_reply, name):
    response = send_reply(name=name)
    assert response.status_code == 400
    assert "Please give a name to show with your comment." in field_html(response, "name")
    assert Comment.objects.count() == 0


def test_invisible_characters_are_taken_out_of_a_name_and_joiners_kept(send_reply):
    send_reply(name="\u202eRita\u200b Reader\u2066", body="First.")
    send_reply(name="\u0645\u0647\u200c\u0633\u0627", body="Second.")  # a Persian name needs its joiner
    assert Comment.objects.get(body="First.").name == "Rita Reader"
    assert Comment.objects.get(body="Second.").name == "\u0645\u0647\u200c\u0633\u0627"


def test_the_rate_limit_counts_an_ipv6_network_as_one_client(settings, article, reply_data):
    settings.COMMENTS_RATE_LIMIT = 2
    url = reverse("comments:post", kwargs={"slug": article.slug})
    addresses = ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:abcd::3", "2001:db8:1:3::1"]

    statuses = [Client().post(url, reply_data(body=f"Comment {n}."), REMOTE_ADDR=address).status_code
                for n, address in enumerate(addresses)]

    assert statuses == [302, 302, 429, 302]


@pytest.mark.parametrize("address, network", [
    ("2001:DB8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ("2001:db8::1", "2001:db8::/64"),
    ("::ffff:192.0.2.7", "192.0.2.7"),
    ("192.0.2.7", "192.0.2.7"),
    ("", ""),
    ("not an address", "not an address"),
])
def test_client_network_is_the_ipv6_slash_64_or_the_ipv4_address(address, network):
    assert client_network(address) == network


def test_a_second_copy_sent_at_the_same_moment_is_answered_like_the_first(article, reply_data, mailoutbox):
    from comments.forms import ReplyForm
    from comments.posting import submit_reply

    def posted():
        form = ReplyForm(reply_data(), instance=Comment(article=article))
        assert form.is_valid(), form.errors  # both pass the form's own check before either is stored
        return form.save(commit=False)

    first, second = posted(), posted()
    stored = submit_reply(first, client_ip="192.0.2.1")
    again = submit_reply(second, client_ip="192.0.2.1")

    assert again == stored
    assert Comment.objects.count() == 1
