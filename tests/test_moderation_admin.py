import importlib
import json
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments.decisions import decide
from comments.models import Ban, Comment, ModeratorNote, StrictTag, WordRule

CHANGELIST = reverse("admin:comments_comment_changelist")
PENDING_QUEUE = f"{CHANGELIST}?status=pending"
BANS = reverse("admin:comments_ban_changelist")


def run_action(client, action, *comments, **fields):
    data = {"action": action, "_selected_action": [c.pk for c in comments], **fields}
    return client.post(f"{CHANGELIST}?status=all", data, follow=True)


def change_url(comment):
    return reverse("admin:comments_comment_change", args=[comment.pk])


@pytest.fixture
def ban_viewer(make_user):
    """Staff who may manage bans but may not see commenters' emails and addresses."""
    user = make_user("ban-viewer")
    user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="comments", codename__in=["view_ban", "add_ban", "change_ban", "view_comment"]
    ))
    return user


def test_a_rejection_records_the_reason_chosen_in_the_action_bar(client, moderator, pending_comment):
    client.force_login(moderator)

    response = run_action(client, "reject", pending_comment, rejection_reason="off_topic")

    assertContains(response, "1 comment rejected.")
    pending_comment.refresh_from_db()
    assert (pending_comment.status, pending_comment.rejection_reason) == (Comment.Status.REJECTED, "off_topic")
    entry = LogEntry.objects.get(object_id=str(pending_comment.pk))
    assert entry.get_change_message() == "Status: Pending → Rejected. Reason: Off-topic."


def test_the_action_bar_offers_every_rejection_reason(client, moderator, pending_comment):
    client.force_login(moderator)
    response = client.get(PENDING_QUEUE)
    for label in ("Off-topic", "Abusive or hateful", "Spam or advertising", "Shares personal data", "Legal risk",
                  "Other"):
        assertContains(response, label)


def test_a_rejection_on_the_change_page_records_its_reason(client, moderator, pending_comment):
    client.force_login(moderator)

    client.post(change_url(pending_comment), {"status": "rejected", "rejection_reason": "legal"})

    pending_comment.refresh_from_db()
    assert (pending_comment.status, pending_comment.rejection_reason) == (Comment.Status.REJECTED, "legal")
    entries = [entry.get_change_message() for entry in LogEntry.objects.filter(object_id=str(pending_comment.pk))]
    assert entries == ["Status: Pending → Rejected. Reason: Legal risk (defamation, contempt of court…)."]


def test_a_rejection_reason_not_in_the_list_is_refused_without_changing_anything(client, moderator,
                                                                                 pending_comment):
    client.force_login(moderator)
    response = run_action(client, "reject", pending_comment, rejection_reason="because\x00")
    assert response.status_code == 200
    pending_comment.refresh_from_db()
    assert (pending_comment.status, pending_comment.rejection_reason) == (Comment.Status.PENDING, "")


def test_approving_a_comment_again_clears_its_rejection_reason(moderator, make_comment):
    comment = make_comment(status=Comment.Status.REJECTED, rejection_reason="abusive")
    decide(Comment.objects.filter(pk=comment.pk), status=Comment.Status.APPROVED, by=moderator)
    comment.refresh_from_db()
    assert comment.rejection_reason == ""


def test_the_queue_can_be_filtered_by_rejection_reason(client, moderator, make_comment):
    make_comment("Rude.", status=Comment.Status.REJECTED, rejection_reason="abusive")
    make_comment("Wandering.", status=Comment.Status.REJECTED, rejection_reason="off_topic")
    client.force_login(moderator)
    response = client.get(f"{CHANGELIST}?status=all&rejection_reason__exact=abusive")
    assertContains(response, "Rude.")
    assertNotContains(response, "Wandering.")


class TestBans:
    def test_the_ban_action_asks_what_to_ban_and_shows_whom(self, client, moderator, make_comment):
        comment = make_comment("Trolling.", email="troll@example.org")
        client.force_login(moderator)

        page = run_action(client, "ban_commenters", comment)

        assertContains(page, "Ban commenters")
        assertContains(page, "troll@example.org")
        assertContains(page, "Also mark the selected comments as spam")
        assert Ban.objects.count() == 0

    def test_banning_from_the_queue_bans_each_email_once_and_marks_the_comments_spam(self, client, moderator,
                                                                                    make_comment):
        first = make_comment("Trolling.", email="Troll@Example.org", status=Comment.Status.PENDING)
        second = make_comment("More trolling.", email="troll@example.org", status=Comment.Status.PENDING)
        client.force_login(moderator)

        response = run_action(client, "ban_commenters", first, second, apply="yes", kind="email",
                              reason="trolling", duration="7", mark_spam="on")

        assertContains(response, "1 ban added.")
        ban = Ban.objects.get()
        assert (ban.kind, ban.value, ban.reason) == ("email", "troll@example.org", "trolling")
        assert ban.created_by == moderator
        assert timedelta(days=6, hours=23) < ban.expires_at - timezone.now() <= timedelta(days=7)
        assert set(Comment.objects.filter(status=Comment.Status.SPAM)) == {first, second}

    def test_a_domain_or_an_address_can_be_banned_for_good(self, client, moderator, make_comment):
        comment = make_comment(email="troll@spam.example", ip_address="2001:DB8::7")
        client.force_login(moderator)
        run_action(client, "ban_commenters", comment, apply="yes", kind="domain", duration="")
        run_action(client, "ban_commenters", comment, apply="yes", kind="address", duration="")
        assert set(Ban.objects.values_list("kind", "value", "expires_at")) == {
            ("domain", "spam.example", None), ("address", "2001:db8::/64", None)}  # an IPv6 ban covers the /64
        comment.refresh_from_db()
        assert comment.status == Comment.Status.APPROVED  # "mark as spam" was not ticked

    def test_an_invalid_ban_form_is_shown_again_with_its_message(self, client, moderator, make_comment):
        comment = make_comment()
        client.force_login(moderator)
        response = run_action(client, "ban_commenters", comment, apply="yes", kind="planet", duration="9999")
        assertContains(response, "Select a valid choice.")
        assert Ban.objects.count() == 0

    def test_staff_who_may_ban_but_not_moderate_ban_without_marking_spam(self, client, make_user, make_comment):
        banner = make_user("banner")
        banner.user_permissions.add(*Permission.objects.filter(content_type__app_label="comments", codename__in=[
            "view_comment", "add_ban", "view_commenter_private_data"]))
        comment = make_comment("Trolling.", email="troll@example.org", status=Comment.Status.PENDING)
        client.force_login(banner)

        response = run_action(client, "ban_commenters", comment, apply="yes", kind="email", duration="",
                              mark_spam="on")

        assertContains(response, "1 ban added.")
        assertContains(response, "The selected comments were not marked as spam: you may ban but not moderate.")
        comment.refresh_from_db()
        assert (comment.status, comment.moderated_by) == (Comment.Status.PENDING, None)

    def test_staff_who_cannot_see_emails_are_not_offered_the_ban_action_or_the_bans(self, client, comment_viewer,
                                                                                    ban_viewer, make_comment,
                                                                                    make_ban):
        make_ban("troll@example.org")
        comment = make_comment()
        for user in (comment_viewer, ban_viewer):
            client.force_login(user)
            assertNotContains(client.get(CHANGELIST), "ban_commenters")
            run_action(client, "ban_commenters", comment, apply="yes", kind="email", duration="")
            assert client.get(BANS).status_code == 403
        assert Ban.objects.count() == 1

    def test_bans_are_listed_and_can_be_lifted_but_not_deleted(self, client, moderator, make_ban):
        ban = make_ban("troll@example.org", reason="trolling")
        make_ban("old@example.org", expires_at=timezone.now() - timedelta(days=1))
        client.force_login(moderator)

        listed = client.get(BANS)
        lifted = client.post(BANS, {"action": "lift", "_selected_action": [ban.pk]}, follow=True)

        assertContains(listed, "troll@example.org")
        assertContains(listed, "in force")
        assertContains(listed, "expired")
        assertNotContains(listed, "delete_selected")
        assertContains(lifted, "1 ban lifted.")
        ban.refresh_from_db()
        assert ban.lifted_by == moderator
        assert not Ban.objects.active().filter(pk=ban.pk).exists()
        assert client.post(reverse("admin:comments_ban_delete", args=[ban.pk]), {"post": "yes"}).status_code == 403
        assert Ban.objects.filter(pk=ban.pk).exists()

    @pytest.mark.parametrize("kind, value, stored", [
        ("email", " Troll@Example.ORG ", "troll@example.org"),
        ("domain", "@Example.ORG", "example.org"),
        ("address", "2001:DB8:0::7", "2001:db8::/64"),
        ("address", "192.0.2.7", "192.0.2.7"),
        ("address", "198.51.100.77/24", "198.51.100.0/24"),
        ("address", "2001:DB8::/32", "2001:db8::/32"),
    ])
    def test_a_ban_added_by_hand_is_stored_in_a_comparable_form(self, client, moderator, kind, value, stored):
        client.force_login(moderator)
        client.post(reverse("admin:comments_ban_add"), {"kind": kind, "value": value, "reason": ""})
        assert Ban.objects.get().value == stored
        assert Ban.objects.get().created_by == moderator

    @pytest.mark.parametrize("kind, value, message", [
        ("email", "not an email", "Enter an email address such as name@example.org."),
        ("domain", "localhost", "Enter a domain such as example.org."),
        ("address", "300.1.1.1", "Enter an IP address such as 192.0.2.7 or 2001:db8::1, or a network such as "
                                 "198.51.100.0/24."),
        ("address", "192.0.2.0/33", "Enter an IP address such as 192.0.2.7 or 2001:db8::1, or a network such as "
                                    "198.51.100.0/24."),
    ])
    def test_a_ban_of_a_malformed_value_is_refused_keeping_what_was_typed(self, client, moderator, kind, value,
                                                                          message):
        client.force_login(moderator)
        response = client.post(reverse("admin:comments_ban_add"), {"kind": kind, "value": value})
        assertContains(response, message)
        assertContains(response, f'value="{value}"')
        assert Ban.objects.count() == 0


class TestHistoryAndNotes:
    def test_a_moderator_sees_the_commenters_history_beside_each_comment(self, client, moderator, make_comment):
        for n, status in enumerate((Comment.Status.APPROVED, Comment.Status.APPROVED, Comment.Status.SPAM)):
            make_comment(f"Earlier one number {n}, {status}.", email="Rita@example.org", status=status)
        make_comment("Waiting.", email="rita@EXAMPLE.org", status=Comment.Status.PENDING)
        make_comment("Someone else.", email="other@example.org", status=Comment.Status.REJECTED)
        client.force_login(moderator)

        response = client.get(PENDING_QUEUE)

        assertContains(response, "2 approved · 0 rejected · 1 spam · 0 notes")

    def test_a_moderator_adds_a_note_which_shows_in_the_history_of_the_commenters_other_comments(
        self, client, moderator, make_comment
    ):
        first = make_comment("First.", email="rita@example.org")
        later = make_comment("Later.", email="RITA@example.org", status=Comment.Status.PENDING)
        client.force_login(moderator)

        client.post(change_url(first), {"status": "approved", "note": "Warned about personal attacks."})

        note = ModeratorNote.objects.get()
        assert (note.comment, note.author, note.body) == (first, moderator, "Warned about personal attacks.")
        assertContains(client.get(change_url(later)), "Warned about personal attacks.")
        assertContains(client.get(PENDING_QUEUE), "1 note")
        entry = LogEntry.objects.get(object_id=str(first.pk))
        assert entry.get_change_message() == "Added a moderator note."

    def test_the_change_page_shows_the_same_history_as_the_queue_with_the_notes(self, client, moderator,
                                                                                make_comment):
        for status in (Comment.Status.APPROVED, Comment.Status.REJECTED, Comment.Status.SPAM):
            make_comment(f"An earlier {status} one.", email="Rita@example.org", status=status)
        waiting = make_comment("Waiting.", email="rita@EXAMPLE.org", status=Comment.Status.PENDING)
        ModeratorNote.objects.create(comment=waiting, author=moderator, body="Asked to stay on topic.")
        client.force_login(moderator)

        queue, page = client.get(PENDING_QUEUE), client.get(change_url(waiting))

        for response in (queue, page):
            assertContains(response, "1 approved · 1 rejected · 1 spam · 1 note")
        assertContains(page, "Asked to stay on topic.")

    def test_a_note_is_not_quoted_in_the_history_which_staff_without_the_permission_read(
        self, client, moderator, comment_viewer, make_comment
    ):
        comment = make_comment("Borderline.", status=Comment.Status.PENDING)
        client.force_login(moderator)
        client.post(change_url(comment), {"status": "approved", "note": "Lives next door to the mayor."})
        history_url = reverse("admin:comments_comment_history", args=[comment.pk])
        assertContains(client.get(history_url), "Added a moderator note.")

        client.force_login(comment_viewer)
        history = client.get(history_url)

        assert history.status_code == 200
        assertContains(history, "Status: Pending → Approved.")
        assertContains(history, "Added a moderator note.")
        assertNotContains(history, "Lives next door")
        assert not LogEntry.objects.filter(change_message__contains="Lives next door").exists()

    def test_notes_outlive_their_comment_and_no_delete_page_quotes_them(self, admin_client, moderator,
                                                                        make_comment):
        deleted = make_comment("Soon deleted.", email="Rita@example.org")
        later = make_comment("Later.", email="rita@example.org", status=Comment.Status.PENDING)
        note = ModeratorNote.objects.create(comment=deleted, author=moderator, body="Doxxed a neighbour.")
        delete_url = reverse("admin:comments_comment_delete", args=[deleted.pk])

        confirmation = admin_client.get(delete_url)
        bulk_confirmation = admin_client.post(CHANGELIST, {"action": "delete_selected",
                                                           "_selected_action": [deleted.pk]})
        admin_client.post(delete_url, {"post": "yes"})

        for response in (confirmation, bulk_confirmation):
            assertContains(response, "Are you sure")
            assertNotContains(response, "Doxxed a neighbour.")
        assert not Comment.objects.filter(pk=deleted.pk).exists()
        note.refresh_from_db()
        assert (note.comment, note.email, note.body) == (None, "Rita@example.org", "Doxxed a neighbour.")
        assert str(note) == f"Moderator note #{note.pk}"
        history = admin_client.get(change_url(later))
        assertContains(history, "Doxxed a neighbour.")
        assertContains(history, "(on a comment since deleted)")
        assertContains(admin_client.get(PENDING_QUEUE), "0 approved · 0 rejected · 0 spam · 1 note")

    def test_history_and_notes_are_hidden_from_staff_without_the_private_data_permission(
        self, client, comment_viewer, moderator, make_comment
    ):
        comment = make_comment("Approved.", status=Comment.Status.PENDING)
        ModeratorNote.objects.create(comment=comment, author=moderator, body="A private note.")
        client.force_login(comment_viewer)

        for response in (client.get(PENDING_QUEUE), client.get(change_url(comment))):
            assert response.status_code == 200
            assertNotContains(response, "Commenter&#x27;s history")
            assertNotContains(response, "A private note.")
            assertNotContains(response, 'name="note"')

        client.post(change_url(comment), {"note": "Sneaked in."})
        assert not ModeratorNote.objects.filter(body="Sneaked in.").exists()


def test_moderators_edit_the_watchlist_and_blocklist(client, moderator):
    client.force_login(moderator)
    url = reverse("admin:comments_wordrule_add")

    client.post(url, {"phrase": "  payday   loan ", "action": "spam"})
    duplicate = client.post(url, {"phrase": "PAYDAY LOAN", "action": "hold"})
    empty = client.post(url, {"phrase": "...", "action": "hold"})

    assert list(WordRule.objects.values_list("phrase", "action")) == [("payday loan", "spam")]
    assertContains(duplicate, "This word or phrase is already listed.")
    assertContains(empty, "Enter a word or phrase with at least one letter or digit.")


def test_editors_put_a_tag_on_strict_moderation(client, editor, make_tag):
    courts = make_tag("Courts")
    client.force_login(editor)
    client.post(reverse("admin:comments_stricttag_add"), {"tag": courts.pk, "holds_every_comment": "on",
                                                          "max_links": "0"})
    assert StrictTag.objects.filter(tag=courts, holds_every_comment=True, max_links=0).exists()


@pytest.mark.parametrize("group", ["Moderator", "Editor"])
def test_moderators_and_editors_are_given_the_moderation_tools(db, group):
    codenames = set(Group.objects.get(name=group).permissions.values_list("codename", flat=True))
    assert {"add_ban", "change_ban", "add_wordrule", "add_stricttag", "view_report", "add_moderatornote"} <= codenames
    assert "delete_ban" not in codenames
    assert "change_moderatornote" not in codenames
    assert "add_ban" not in set(Group.objects.get(name="Journalist").permissions.values_list("codename", flat=True))


def test_the_migration_rewrites_history_entries_that_quoted_a_note(admin_user, make_comment):
    migration = importlib.import_module("comments.migrations.0006_moderator_notes_outlive_comments")
    comment = make_comment()
    logged = [{"changed": {"fields": ["Rejection reason"]}},
              {"added": {"name": "moderator note", "object": "Lives next door to the mayor."}}]
    entry = LogEntry.objects.log_actions(admin_user.pk, [comment], CHANGE, change_message=json.dumps(logged),
                                         single_object=True)
    decision = LogEntry.objects.log_actions(admin_user.pk, [comment], CHANGE,
                                            change_message="Status: Pending → Approved.", single_object=True)

    migration.forget_logged_note_texts(django_apps, schema_editor=None)

    entry.refresh_from_db()
    decision.refresh_from_db()
    assert entry.get_change_message() == "Changed Rejection reason. Added a moderator note."
    assert decision.get_change_message() == "Status: Pending → Approved."
