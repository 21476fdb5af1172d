import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments.decisions import decide
from comments.models import Ban, Comment, StrictTag, WordRule

Status, Kind = Comment.Status, Comment.ReasonKind


def posted(body="I was at the meeting and agree."):
    return Comment.objects.get(body=body)


@pytest.fixture
def sent_reply(send_reply):
    """Sends a reply with this body through the form and returns the comment stored for it."""
    def send(body, **fields):
        send_reply(body=body, **fields)
        return posted(body)
    return send


def test_by_default_every_new_comment_is_held_with_its_reason(send_reply):
    send_reply()
    comment = posted()
    assert (comment.status, comment.reason, comment.reason_kind) == (
        Status.PENDING, "held: every new comment is held", Kind.HOLD_ALL)


def test_without_holding_every_comment_a_clean_comment_is_published_at_once(settings, client, article, send_reply):
    settings.COMMENTS_HOLD_ALL = False

    response = send_reply(follow=True)

    comment = posted()
    assert (comment.status, comment.reason, comment.moderated_at) == (Status.APPROVED, "", None)
    assertContains(response, "Your comment is published.")
    assertNotContains(response, "awaiting moderation")
    assertContains(Client().get(article.get_absolute_url()), "I was at the meeting and agree.")


@pytest.mark.parametrize("links, status, reason", [
    (2, Status.APPROVED, ""),
    (3, Status.PENDING, "held: 3 links (limit 2)"),
])
def test_a_comment_with_more_links_than_the_limit_is_held(settings, send_reply, links, status, reason):
    settings.COMMENTS_HOLD_ALL = False
    body = "See " + " and ".join(f"https://site{n}.example.org/" for n in range(links))

    send_reply(body=body)

    comment = posted(body)
    assert (comment.status, comment.reason) == (status, reason)
    assert comment.reason_kind == (Kind.LINKS if reason else "")


def test_links_typed_as_markup_count_too(settings, sent_reply):
    settings.COMMENTS_HOLD_ALL = False
    settings.COMMENTS_MAX_LINKS = 0
    assert sent_reply('Read <a href="https://example.org/">this</a>.').reason == "held: 1 links (limit 0)"


def test_a_watchlist_word_holds_a_comment_and_names_the_word(settings, make_word_rule, sent_reply):
    settings.COMMENTS_HOLD_ALL = False
    make_word_rule("lawsuit")

    comment = sent_reply("There will be a L.A.W.S.U.I.T about this.")
    assert (comment.status, comment.reason, comment.reason_kind) == (
        Status.PENDING, "held: watchlist word 'lawsuit'", Kind.WATCHLIST)


def test_a_watchlist_word_is_reported_rather_than_the_hold_all_rule(make_word_rule, sent_reply):
    make_word_rule("lawsuit")
    assert sent_reply("A lawsuit is coming.").reason == "held: watchlist word 'lawsuit'"


def test_a_watchlist_word_inside_a_longer_word_does_not_hold(settings, make_word_rule, sent_reply):
    settings.COMMENTS_HOLD_ALL = False
    make_word_rule("press")
    assert sent_reply("I run my blog on WordPress.").status == Status.APPROVED


def test_a_blocklist_word_in_the_name_sends_the_comment_to_spam_quietly(client, article, make_word_rule, send_reply):
    make_word_rule("casino", WordRule.Action.SPAM)

    response = send_reply(name="Best Caaasino Deals", follow=True)

    comment = posted()
    assert (comment.status, comment.reason, comment.reason_kind) == (
        Status.SPAM, "spam: blocklist word 'casino'", Kind.BLOCKLIST)
    assertContains(response, "Your comment is awaiting moderation.")  # the spammer learns nothing
    assert response.redirect_chain[-1][0] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    assertNotContains(Client().get(article.get_absolute_url()), "I was at the meeting and agree.")


def test_a_comment_sent_to_spam_gets_the_same_answer_as_a_held_one(article, make_word_rule, send_reply):
    make_word_rule("casino", WordRule.Action.SPAM)
    held_poster, spam_poster = Client(), Client()

    def answers(browser, body):
        first = send_reply(by=browser, body=body)
        comment = posted(body)
        page = browser.get(first["Location"], follow=True)
        shape = (first.status_code, first["Location"].replace(str(comment.pk), "<pk>"),
                 [(url.replace(str(comment.pk), "<pk>"), status) for url, status in page.redirect_chain])
        html = page.content.decode()
        start = html.index(f'id="comment-{comment.pk}"')
        shown = html[html.rindex("<li", 0, start):html.index("</article>", start)]
        shown = re.sub(r"<time .*?</time>", "<time>", shown.replace(f"comment-{comment.pk}", "comment-<pk>"))
        notice = [str(message) for message in page.context["messages"]]
        return comment, shape, shown.replace(body, "<body>"), notice, "private" in page["Cache-Control"]

    held, *held_answer = answers(held_poster, "A fair point about the budget.")
    spam, *spam_answer = answers(spam_poster, "Win big at the casino.")

    assert (held.status, spam.status) == (Status.PENDING, Status.SPAM)
    assert held_answer == spam_answer
    assert held_answer[0] == (302, "/comments/<pk>/", [(f"{article.get_absolute_url()}#comment-<pk>", 302)])
    assert "Your comment is awaiting moderation. Only you can see it." in held_answer[1]
    assert held_answer[2] == ["Your comment is awaiting moderation."]
    # Nobody else sees the spam, nor reaches it by its link.
    for reader in (Client(), held_poster):
        assertNotContains(reader.get(article.get_absolute_url()), "Win big at the casino.")
        assert reader.get(spam.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("kind, value, fields, reason", [
    (Ban.Kind.EMAIL, "RITA@example.org", {}, "spam: blocked email address"),
    (Ban.Kind.DOMAIN, "example.org", {}, "spam: blocked email domain"),
    (Ban.Kind.DOMAIN, "@Example.ORG", {"reason": "throwaway"}, "spam: blocked email domain (throwaway)"),
    (Ban.Kind.ADDRESS, "127.0.0.1", {"reason": "flooding"}, "spam: blocked client address (flooding)"),
])
def test_a_banned_email_domain_or_address_sends_the_comment_to_spam_with_the_ban_reason(
    make_ban, send_reply, kind, value, fields, reason
):
    make_ban(Ban.normalise(kind, value), kind=kind, **fields)

    send_reply(email="Rita@Example.org")

    comment = posted()
    assert (comment.status, comment.reason, comment.reason_kind) == (Status.SPAM, reason, Kind.BANNED)


def test_a_ban_of_a_domain_also_stops_its_subdomains_but_not_lookalikes(make_ban, send_reply):
    make_ban("example.org", kind=Ban.Kind.DOMAIN)
    send_reply(email="rita@mail.example.org", body="From a subdomain.")
    send_reply(email="rita@badexample.org", body="From a lookalike.")
    assert posted("From a subdomain.").status == Status.SPAM
    assert posted("From a lookalike.").status == Status.PENDING


@pytest.mark.parametrize("fields", [
    pytest.param({"expires_at": timezone.now() - timedelta(minutes=1)}, id="expired"),
    pytest.param({"lifted_at": timezone.now()}, id="lifted"),
])
def test_an_expired_or_lifted_ban_no_longer_stops_anyone(make_ban, send_reply, fields):
    make_ban("rita@example.org", **fields)
    send_reply()
    assert posted().reason == "held: every new comment is held"


def test_a_ban_with_a_future_expiry_is_in_force(make_ban, send_reply):
    make_ban("rita@example.org", expires_at=timezone.now() + timedelta(days=1))
    send_reply()
    assert posted().status == Status.SPAM


def test_a_strict_tag_holds_every_comment_even_when_the_site_is_relaxed(settings, make_article, make_tag,
                                                                        send_reply):
    settings.COMMENTS_HOLD_ALL = False
    courts = make_tag("Courts")
    StrictTag.objects.create(tag=courts)
    trial = make_article("Trial opens", tags=[courts, make_tag("Crime")])
    relaxed = make_article("Fete opens", tags=[make_tag("Crime")])

    send_reply(to=trial, body="On the trial.")
    send_reply(to=relaxed, body="On the fete.")

    on_trial = posted("On the trial.")
    assert (on_trial.status, on_trial.reason, on_trial.reason_kind) == (
        Status.PENDING, "held: articles tagged 'Courts' hold every comment", Kind.STRICT_TAG)
    assert posted("On the fete.").status == Status.APPROVED


def test_a_strict_tag_can_lower_the_link_limit(settings, make_article, make_tag, send_reply):
    settings.COMMENTS_HOLD_ALL = False
    courts = make_tag("Courts")
    StrictTag.objects.create(tag=courts, holds_every_comment=False, max_links=0)

    send_reply(to=make_article("Trial opens", tags=[courts]), body="Source: https://example.org/ruling")

    assert posted("Source: https://example.org/ruling").reason == "held: 1 links (limit 0)"


def test_every_rule_gives_way_to_a_ban(make_ban, make_word_rule, sent_reply):
    make_word_rule("lawsuit")
    make_ban("rita@example.org")
    assert sent_reply("A lawsuit https://a.example https://b.example https://c.example").reason_kind == Kind.BANNED


def test_the_queue_can_be_filtered_by_reason(client, moderator, make_word_rule, send_reply):
    make_word_rule("lawsuit")
    send_reply(body="A lawsuit is coming.")
    send_reply(body="Just a plain comment.")
    client.force_login(moderator)

    response = client.get(reverse("admin:comments_comment_changelist") + f"?reason={Kind.WATCHLIST}")

    assertContains(response, "A lawsuit is coming.")
    assertContains(response, "held: watchlist word &#x27;lawsuit&#x27;")
    assertNotContains(response, "Just a plain comment.")
    assertContains(response, "Watchlist word")  # the filter's own label


def test_the_queue_shows_why_each_comment_waits(client, moderator, send_reply):
    send_reply()
    client.force_login(moderator)
    assertContains(client.get(reverse("admin:comments_comment_changelist")), "held: every new comment is held")


class TestTrust:
    """A returning commenter's comments go through only with proof from their browser, never on the email alone."""

    @pytest.fixture(autouse=True)
    def trust_after_one(self, settings):
        settings.COMMENTS_TRUST_AFTER = 1

    @pytest.fixture
    def returning(self, client, send_reply, moderator):
        """Rita's browser posted a comment, with "remember me" ticked, that a moderator approved."""
        send_reply(body="My first comment.", remember="on")
        decide(Comment.objects.filter(body="My first comment."), status=Comment.Status.APPROVED, by=moderator)
        return client

    def test_a_returning_commenter_with_the_proof_is_published_at_once(self, returning, article, send_reply):
        response = send_reply(body="My second comment.", follow=True)

        comment = posted("My second comment.")
        assert (comment.status, comment.reason, comment.reason_kind) == (
            Status.APPROVED, "approved: trusted returning commenter", Kind.TRUSTED)
        assert comment.moderated_by is None
        assertContains(response, "Your comment is published.")

    def test_typing_a_trusted_commenters_email_without_the_proof_is_not_trusted(self, returning, send_reply):
        send_reply(by=Client(), body="Pretending to be Rita.", email="rita@example.org")
        assert posted("Pretending to be Rita.").reason == "held: every new comment is held"

    def test_proof_from_another_commenters_browser_does_not_carry_over_to_an_email(self, returning, sent_reply):
        assert sent_reply("Rita's browser, Mallory's email.", email="mallory@example.org").status == Status.PENDING

    def test_a_forged_proof_cookie_is_ignored(self, returning, article, send_reply):
        stranger = Client()
        stranger.cookies["comment_trust"] = f"[{posted('My first comment.').pk}]"
        send_reply(by=stranger, body="With a forged cookie.")
        assert posted("With a forged cookie.").status == Status.PENDING

    def test_trust_is_off_by_default(self, settings, returning, sent_reply):
        settings.COMMENTS_TRUST_AFTER = 0
        assert sent_reply("My second comment.").status == Status.PENDING

    def test_trust_needs_the_number_of_approved_comments_set(self, settings, returning, sent_reply):
        settings.COMMENTS_TRUST_AFTER = 2
        assert sent_reply("My second comment.").status == Status.PENDING

    def test_spam_posted_under_the_email_from_elsewhere_does_not_take_the_trust_away(self, returning, make_comment,
                                                                                    send_reply, sent_reply):
        make_comment("Spam from a stranger.", email="RITA@example.org", status=Status.SPAM)
        send_reply(by=Client(), body="More spam from a stranger.", email="rita@example.org")
        decide(Comment.objects.filter(body="More spam from a stranger."), status=Status.SPAM, by=None)

        assert sent_reply("My second comment.", remember="on").reason_kind == Kind.TRUSTED

    @pytest.mark.parametrize("status", [Status.SPAM, Status.REJECTED])
    def test_a_comment_of_the_browsers_own_refused_by_a_moderator_loses_the_trust(self, settings, returning,
                                                                                   moderator, send_reply, sent_reply,
                                                                                   status):
        settings.COMMENTS_RATE_LIMIT = 100
        send_reply(body="Something nasty.", remember="on")
        decide(Comment.objects.filter(body="Something nasty."), status=status, by=moderator)
        for n in range(25):  # more comments, which must not push the refused one out of the proof
            send_reply(body=f"Later comment {n}.", remember="on")

        assert sent_reply("Trying again.", remember="on").status == Status.PENDING

    def test_an_approval_by_a_rule_does_not_earn_trust(self, settings, client, send_reply, sent_reply):
        settings.COMMENTS_HOLD_ALL = False
        send_reply(body="Published by no one.", remember="on")
        settings.COMMENTS_HOLD_ALL = True
        assert sent_reply("My second comment.").status == Status.PENDING

    def test_trust_does_not_pass_a_strict_tag_or_a_watchlist_word(self, returning, make_word_rule, make_tag,
                                                                  make_article, send_reply):
        make_word_rule("lawsuit")
        courts = make_tag("Courts")
        StrictTag.objects.create(tag=courts)
        send_reply(body="A lawsuit is coming.")
        send_reply(to=make_article("Trial opens", tags=[courts]), body="On the trial.")
        assert posted("A lawsuit is coming.").status == Status.PENDING
        assert posted("On the trial.").status == Status.PENDING

    def test_unticking_remember_me_forgets_the_proof(self, returning, send_reply):
        response = send_reply(body="Forget me.")
        assert response.cookies["comment_trust"].value == ""


class TestTrustAfterSeveral:
    """With COMMENTS_TRUST_AFTER=3, the browser itself must have posted three comments a moderator approved."""

    @pytest.fixture(autouse=True)
    def trust_after_three(self, settings):
        settings.COMMENTS_TRUST_AFTER = 3

    @pytest.fixture
    def victim(self, make_comment, moderator):
        """Vera has three comments approved by a moderator, posted from her own browser."""
        for n in range(3):
            make_comment(f"Vera's comment {n}.", email="vera@example.org", moderated_by=moderator,
                         moderated_at=timezone.now())
        return "vera@example.org"

    def approve_own(self, browser, send_reply, moderator, body, email):
        send_reply(by=browser, body=body, email=email, remember="on")
        decide(Comment.objects.filter(body=body), status=Comment.Status.APPROVED, by=moderator)

    def test_one_approved_comment_under_a_trusted_email_does_not_borrow_its_trust(self, victim, send_reply,
                                                                                 moderator):
        mallory = Client()
        self.approve_own(mallory, send_reply, moderator, "A harmless first comment.", victim)

        send_reply(by=mallory, body="Now something nasty.", email=victim, remember="on")

        assert posted("Now something nasty.").reason == "held: every new comment is held"

    def test_fewer_approved_comments_in_the_browser_than_needed_are_not_enough(self, send_reply, moderator):
        rita = Client()
        for n in range(2):
            self.approve_own(rita, send_reply, moderator, f"Rita's comment {n}.", "rita@example.org")

        send_reply(by=rita, body="My third comment.", remember="on")

        assert posted("My third comment.").status == Status.PENDING

    def test_as_many_approved_comments_in_the_browser_as_needed_earn_trust(self, send_reply, moderator):
        rita = Client()
        for n in range(3):
            self.approve_own(rita, send_reply, moderator, f"Rita's comment {n}.", "rita@example.org")

        send_reply(by=rita, body="My fourth comment.", remember="on")

        assert (posted("My fourth comment.").status, posted("My fourth comment.").reason_kind) == (
            Status.APPROVED, Kind.TRUSTED)

    def test_the_proof_keeps_the_approved_comments_however_many_comments_follow(self, settings, send_reply,
                                                                                 moderator):
        settings.COMMENTS_RATE_LIMIT = 100
        rita = Client()
        for n in range(3):
            self.approve_own(rita, send_reply, moderator, f"Rita's comment {n}.", "rita@example.org")
        for n in range(25):  # published by trust, so they earn nothing and must not push the proof out
            send_reply(by=rita, body=f"Trusted comment {n}.", remember="on")

        send_reply(by=rita, body="Still trusted.", remember="on")

        assert posted("Trusted comment 24.").reason_kind == Kind.TRUSTED
        assert posted("Still trusted.").reason_kind == Kind.TRUSTED
