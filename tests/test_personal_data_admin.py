import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Ban, ModeratorNote

CHANGELIST = reverse("admin:comments_comment_changelist")
SEARCH = reverse("admin:comments_comment_search")
NOTES = reverse("admin:comments_moderatornote_changelist")
BANS = reverse("admin:comments_ban_changelist")


def history_link(response):
    return unescape(re.search(r'href="([^"]*)">see them all</a>', response.text).group(1))


class TestCommenterLinks:
    def test_the_history_link_names_the_commenter_by_a_token_not_the_email(self, client, moderator, make_comment):
        rita = make_comment("Rita's first.", email="Rita@Example.org")
        make_comment("Rita's second.", email="rita@example.org")
        make_comment("Someone else's.", email="sam@example.org")
        client.force_login(moderator)

        link = history_link(client.get(reverse("admin:comments_comment_change", args=[rita.pk])))

        assert "rita" not in link.lower() and "%40" not in link and "@" not in link
        assert set(parse_qs(urlsplit(link).query)) == {"commenter", "status"}
        listed = client.get(link)
        assertContains(listed, "Rita&#x27;s first.")
        assertContains(listed, "Rita&#x27;s second.")
        assertNotContains(listed, "Someone else")
        assertContains(listed, "This commenter")

    def test_an_altered_token_or_one_without_the_permission_lists_nothing(self, client, comment_viewer, moderator,
                                                                          make_comment):
        rita = make_comment("Rita's first.")
        client.force_login(moderator)
        link = history_link(client.get(reverse("admin:comments_comment_change", args=[rita.pk])))

        assertNotContains(client.get(link.replace("commenter=", "commenter=x")), "Rita&#x27;s first.")
        client.force_login(comment_viewer)
        assertNotContains(client.get(link), "Rita&#x27;s first.")

    def test_the_queue_searches_by_a_posted_email_and_lands_on_a_token_address(self, client, moderator,
                                                                                make_comment):
        make_comment("Rita's.", email="rita@example.org")
        make_comment("Sam's.", email="sam@example.org")
        client.force_login(moderator)
        assertContains(client.get(CHANGELIST), f'method="post" action="{SEARCH}"')

        response = client.post(SEARCH, {"q": " RITA@example.org ", "status": "pending"})

        assert response.status_code == 302
        assert "rita" not in response["Location"].lower() and "%40" not in response["Location"]
        listed = client.get(response["Location"])
        assertContains(listed, "Rita&#x27;s.")
        assertNotContains(listed, "Sam&#x27;s.")

    def test_other_searches_keep_working_as_before(self, client, moderator, make_comment):
        make_comment("About the budget.")
        client.force_login(moderator)

        response = client.post(SEARCH, {"q": "budget", "status": "all"})

        assert parse_qs(urlsplit(response["Location"]).query) == {"q": ["budget"], "status": ["all"]}
        assertContains(client.get(response["Location"]), "About the budget.")

    def test_an_unknown_email_or_staff_without_the_permission_never_get_it_in_a_url(self, client, comment_viewer,
                                                                                    moderator, make_comment):
        make_comment("Rita's.", email="rita@example.org")
        client.force_login(moderator)
        response = client.post(SEARCH, {"q": "nobody@example.org"}, follow=True)
        assertContains(response, "No comment was posted with this email address.")
        assert all("nobody" not in url for url, _ in response.redirect_chain)

        client.force_login(comment_viewer)
        response = client.post(SEARCH, {"q": "rita@example.org"}, follow=True)
        assertContains(response, "Searching by email address needs the permission")
        assertNotContains(response, "Rita&#x27;s.")
        assert all("rita" not in url for url, _ in response.redirect_chain)


class TestModeratorNotesAdmin:
    def test_a_moderator_lists_and_deletes_notes(self, client, moderator, make_comment):
        comment = make_comment()
        note = ModeratorNote.objects.create(comment=comment, body="Argues in good faith.", author=moderator)
        client.force_login(moderator)

        listed = client.get(NOTES)
        assertContains(listed, "Argues in good faith.")
        assertContains(listed, "reader@example.org")
        response = client.post(reverse("admin:comments_moderatornote_delete", args=[note.pk]), {"post": "yes"})

        assert response.status_code == 302
        assert not ModeratorNote.objects.exists()
        assert "Argues" not in LogEntry.objects.get().object_repr

    def test_notes_cannot_be_added_or_edited_here(self, client, moderator, make_comment):
        note = ModeratorNote.objects.create(comment=make_comment(), body="Kept as written.", author=moderator)
        client.force_login(moderator)
        assert client.get(reverse("admin:comments_moderatornote_add")).status_code == 403
        client.post(reverse("admin:comments_moderatornote_change", args=[note.pk]), {"body": "Rewritten."})
        assert ModeratorNote.objects.get().body == "Kept as written."

    def test_staff_without_the_private_data_permission_get_no_access(self, client, comment_viewer, moderator,
                                                                     make_comment):
        note = ModeratorNote.objects.create(comment=make_comment(), body="Private.", author=moderator)
        ban = Ban.objects.create(kind=Ban.Kind.EMAIL, value="troll@example.org")
        comment_viewer.user_permissions.add(*Permission.objects.filter(
            content_type__app_label="comments",
            codename__in=["view_moderatornote", "delete_moderatornote", "view_ban", "change_ban"]))
        client.force_login(comment_viewer)
        for url in [NOTES, reverse("admin:comments_moderatornote_change", args=[note.pk]),
                    reverse("admin:comments_moderatornote_delete", args=[note.pk]), BANS,
                    reverse("admin:comments_ban_change", args=[ban.pk])]:
            assert client.get(url).status_code == 403, url
        assertNotContains(client.get(reverse("admin:index")), NOTES)


class TestPostedSearches:
    def test_the_ban_list_is_searched_without_the_email_in_the_url(self, client, moderator):
        troll = Ban.objects.create(kind=Ban.Kind.EMAIL, value="troll@example.org")
        Ban.objects.create(kind=Ban.Kind.EMAIL, value="other@example.org")
        client.force_login(moderator)
        assertContains(client.get(BANS), f'method="post" action="{reverse("admin:comments_ban_search")}"')

        response = client.post(reverse("admin:comments_ban_search"), {"q": "troll@example.org", "state": "active"})

        assert "troll" not in response["Location"] and "%40" not in response["Location"]
        assert parse_qs(urlsplit(response["Location"]).query) == {"state": ["active"], "id__in": [str(troll.pk)]}
        listed = client.get(response["Location"])
        assertContains(listed, "troll@example.org")
        assertNotContains(listed, "other@example.org")

    def test_the_note_list_is_searched_the_same_way(self, client, moderator, make_comment):
        note = ModeratorNote.objects.create(comment=make_comment(), body="Same as sam@example.org.",
                                            author=moderator)
        client.force_login(moderator)

        response = client.post(reverse("admin:comments_moderatornote_search"), {"q": "sam@example.org"})

        assert response["Location"].endswith(f"?id__in={note.pk}")
        assert client.post(reverse("admin:comments_moderatornote_search"), {"q": "nobody"}, follow=True
                           ).redirect_chain[-1][0] == NOTES

    def test_staff_without_the_private_data_permission_cannot_search_them(self, client, comment_viewer):
        client.force_login(comment_viewer)
        assert client.post(reverse("admin:comments_ban_search"), {"q": "troll"}).status_code == 403
