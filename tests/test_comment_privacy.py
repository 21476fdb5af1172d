import hashlib
import re
import uuid
from html import unescape
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from comments.decisions import decide
from comments.models import Comment

CHANGELIST = reverse("admin:comments_comment_changelist")
PENDING_QUEUE = f"{CHANGELIST}?status=pending"
CRAWL_LIMIT = 200
LINK = re.compile(r"""(?:href|src|action)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def fingerprints(email):
    """The forms an email takes when leaked: as typed, lowercased, URL-quoted, its local part, and hex digests."""
    forms = {email, email.lower(), email.strip().lower(), quote(email), quote(email.lower()), email.split("@")[0]}
    digests = {hashlib.new(name, form.encode()).hexdigest() for form in forms for name in ("md5", "sha1", "sha256")}
    return {needle.lower() for needle in forms | digests}


def body_text(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def public_links(text, response, url):
    """Same-site addresses a page links to, without fragments, leaving out the admin."""
    found = set()
    for raw in LINK.findall(text):
        parts = urlsplit(urljoin(f"http://testserver{url}", unescape(raw)))
        if parts.scheme in ("http", "https") and parts.netloc == "testserver" and not parts.path.startswith("/admin"):
            found.add(urlunsplit(("", "", parts.path, parts.query, "")))
    if response.has_header("Location"):
        found.add(urljoin(url, response["Location"]).split("#")[0])
    return found


def crawl(client, start_urls):
    """Public responses reachable from `start_urls` by same-site links, up to CRAWL_LIMIT: {url: (response, text)}."""
    seen, queue = {}, list(start_urls)
    while queue and len(seen) < CRAWL_LIMIT:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = (response, body_text(response))
        queue += sorted(public_links(seen[url][1], response, url) - seen.keys())
    return seen


def revealed(response, text, needles):
    """The fingerprints found anywhere in a response: body, headers or cookies."""
    everything = " ".join([text, *map(str, response.items()), response.cookies.output()]).lower()
    return {needle for needle in needles if needle in everything}


def test_no_public_response_reveals_a_commenters_email(settings, make_article, make_tag, make_comment, send_reply,
                                                       reply_data, moderator):
    settings.COMMENTS_PER_PAGE = 1  # so the crawl walks through comment pages too
    settings.COMMENTS_RATE_LIMIT = 3
    council = make_tag("Council")
    article = make_article("Leaky story", tags=[council])
    make_article("Other story", tags=[council])
    root = make_comment("The first thread.", article=article, email="root.commenter@example.org")
    make_comment("The second thread.", article=article, email="second.commenter@example.org",
                 website="https://two.example.org")
    email = f"Crawl.Target+{uuid.uuid4().hex}@Example.ORG"
    posted = send_reply(to=article, by=Client(), email=email, name="Secret Sam", website="https://sam.example.org",
                        remember="on", parent=str(root.pk), body="My reply, with my email kept private.")
    assert posted.status_code == 302
    reply = Comment.objects.get(email=email)
    decide(Comment.objects.filter(pk=reply.pk), status=Comment.Status.APPROVED, by=moderator)

    reader = Client()
    seen = crawl(reader, ["/", reply.get_absolute_url(), f"{article.get_absolute_url()}?replyto={reply.pk}",
                          "/no-such-page/", "/articles/no-such-article/", "/comments/424242/"])
    post_url = reverse("comments:post", kwargs={"slug": article.slug})
    for n in range(3):  # the error form page, then the rate-limited page
        response = reader.post(post_url, reply_data(email="", parent=str(reply.pk)))
        seen[f"POST {post_url} #{n}"] = (response, body_text(response))

    assert {200, 302, 400, 404, 429} <= {response.status_code for response, text in seen.values()}
    assert {"/", council.get_absolute_url(), article.author.get_absolute_url(), f"{article.get_absolute_url()}?cpage=2"
            } <= seen.keys()
    assert any("My reply, with my email kept private." in text for response, text in seen.values())
    assert any("Secret Sam" in text and "sam.example.org" in text for response, text in seen.values())
    for commenter_email in Comment.objects.values_list("email", flat=True):
        needles = fingerprints(commenter_email)
        leaks = {url: found for url, (response, text) in seen.items() if (found := revealed(response, text, needles))}
        assert leaks == {}, f"{commenter_email} leaked"


def test_the_remembered_details_stay_in_the_posters_own_browser(client, article, send_reply):
    send_reply(remember="on", email="rita.remembered@example.org")

    own_page = client.get(article.get_absolute_url())

    assertContains(own_page, "rita.remembered@example.org")
    assert "Cookie" in own_page["Vary"]  # so no shared cache hands this page to someone else
    assertNotContains(Client().get(article.get_absolute_url()), "rita.remembered@example.org")


def test_the_change_page_shows_the_email_address_and_browser_to_a_moderator(client, moderator, pending_comment):
    client.force_login(moderator)
    response = client.get(reverse("admin:comments_comment_change", args=[pending_comment.pk]))
    assertContains(response, "reader@example.org")
    assertContains(response, "192.0.2.7")
    assertContains(response, "TestBrowser/1.0")


def test_the_change_page_hides_them_from_staff_without_the_private_data_permission(client, comment_viewer, moderator,
                                                                                   pending_comment):
    # A history with every kind of entry a moderator can leave: a note, a rejection with its reason, a ban.
    client.force_login(moderator)
    change_url = reverse("admin:comments_comment_change", args=[pending_comment.pk])
    client.post(change_url, {"status": "rejected", "rejection_reason": "personal_data",
                             "note": "Same person as reader@example.org on 192.0.2.7 with TestBrowser."})
    client.post(CHANGELIST, {"action": "ban_commenters", "_selected_action": [pending_comment.pk], "apply": "yes",
                             "kind": "address", "duration": "", "reason": "Flooding."})
    history_url = reverse("admin:comments_comment_history", args=[pending_comment.pk])
    assertContains(client.get(history_url), "Status: Pending → Rejected. Reason: Shares personal data.")

    client.force_login(comment_viewer)
    queue = client.get(f"{CHANGELIST}?status=all")
    for response in [client.get(change_url), client.get(history_url), queue]:
        assert response.status_code == 200
        assertNotContains(response, "reader@example.org")
        assertNotContains(response, "192.0.2.7")
        assertNotContains(response, "TestBrowser")
        assertNotContains(response, "Same person as")
    assertContains(client.get(change_url), "Waiting for a moderator.")
    assertContains(client.get(history_url), "Added a moderator note.")
    assertContains(queue, "Waiting for a moderator.")


def test_staff_without_the_private_data_permission_cannot_search_by_email(client, comment_viewer, moderator,
                                                                          pending_comment):
    client.force_login(comment_viewer)
    assertContains(client.get(f"{PENDING_QUEUE}&q=reader@example.org"), "0 comments")

    client.force_login(moderator)
    assertContains(client.get(f"{PENDING_QUEUE}&q=reader@example.org"), "Waiting for a moderator.")


@pytest.mark.parametrize("lookup", [
    "email=reader@example.org", "email__startswith=r", "email__iregex=^r", "ip_address=192.0.2.7",
    "ip_address__startswith=192", "user_agent__icontains=test",
])
def test_staff_without_the_private_data_permission_cannot_filter_by_private_fields(client, comment_viewer, moderator,
                                                                                   pending_comment, lookup):
    client.force_login(comment_viewer)
    assert client.get(f"{PENDING_QUEUE}&{lookup}").status_code == 400

    client.force_login(moderator)
    assertContains(client.get(f"{PENDING_QUEUE}&{lookup}"), "Waiting for a moderator.")
