import json
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import models
from django.db.models.functions import Cast
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from articles.models import PageGeneration
from comments import tasks
from comments.models import Ban, Comment, ModeratorNote, Report
from comments.notifications import mail

EMAIL = "Rita.Reader@example.org"
CHANGELIST = reverse("admin:comments_comment_changelist")
REQUESTS = reverse("admin:comments_comment_personal_data")


def rows_holding(text):
    """Every model and text column (char, text, email, URL, JSON…) with a row that holds `text`, any case."""
    found = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            rows = model._base_manager.all()
            if isinstance(field, (models.CharField, models.TextField)):
                rows = rows.filter(**{f"{field.attname}__icontains": text})
            elif isinstance(field, models.JSONField):
                rows = rows.alias(as_text=Cast(field.attname, models.TextField())).filter(as_text__icontains=text)
            else:
                continue
            if rows.exists():
                found.add(f"{model._meta.label}.{field.name}")
    return found


@pytest.fixture
def rita(settings, client, moderator, make_comment, reply_data, send_reply, send_report, run_worker, mailoutbox,
         django_capture_on_commit_callbacks):
    """Rita commented twice, asked for notices and was approved, noted, banned, reported and quoted; her mail went
    out through the task queue and one more message waits in it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    other = make_comment("An earlier view.", email="other@example.org")
    client.post(reverse("comments:post", kwargs={"slug": other.article.slug}), reply_data(
        body="I was there.", email=EMAIL, website="https://rita.example", is_subscribed="on"),
        HTTP_USER_AGENT="RitaBrowser/2.0")
    send_reply(body="And I agree.", email=EMAIL.lower(), parent=str(other.pk))
    first, second = Comment.objects.from_email(EMAIL).order_by("pk")
    staff = Client()
    staff.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"{CHANGELIST}?status=all", {"action": "approve", "_selected_action": [first.pk, second.pk]})
    run_worker()
    run_worker()
    assert [message.to for message in mailoutbox] == [[EMAIL]]
    staff.post(reverse("admin:comments_comment_change", args=[first.pk]),
               {"status": "approved", "rejection_reason": "", "note": f"Also writes as {EMAIL.upper()}."})
    staff.post(f"{CHANGELIST}?status=all", {"action": "ban_commenters", "_selected_action": [second.pk], "apply": "yes",
                            "kind": "email", "duration": "7", "reason": "Cooling off."})
    send_report(first, detail=f"This is {EMAIL}, who stalks me.")
    make_comment(f"Write to {EMAIL} for more.", email="quoter@example.org")
    tasks.deliver.enqueue(mail("Still queued", "Hello.", [EMAIL]))
    return first, second


def test_the_export_holds_everything_stored_about_the_address(rita):
    first, second = rita
    out = StringIO()

    call_command("export_personal_data", EMAIL.upper(), stdout=out)

    document = json.loads(out.getvalue())
    assert [comment["comment"] for comment in document["comments"]] == ["I was there.", "And I agree."]
    exported = document["comments"][0]
    assert (exported["article"], exported["status"], exported["email"]) == (
        "Council approves budget", "approved", EMAIL)
    assert (exported["client_address"], exported["browser"], exported["website"]) == (
        "127.0.0.1", "RitaBrowser/2.0", "https://rita.example")
    assert exported["created_at"] and exported["moderated_at"]
    assert exported["reports"] == [
        {"concern": "abusive", "detail": f"This is {EMAIL}, who stalks me.", "created_at": exported["reports"][0][
            "created_at"]}]
    assert document["comments"][1]["in_reply_to"] == second.parent_id
    assert [note["note"] for note in document["moderator_notes"]] == [f"Also writes as {EMAIL.upper()}."]
    assert [(ban["kind"], ban["value"], ban["reason"]) for ban in document["bans"]] == [
        ("email", EMAIL.lower(), "Cooling off.")]
    assert document["subscriptions"] == [{"comment": first.pk, "article": "Council approves budget"}]


def test_an_erasure_leaves_the_address_in_no_column_of_any_table(rita):
    before = rows_holding(EMAIL)
    assert {"comments.Comment.email", "comments.Comment.body", "comments.ModeratorNote.email",
            "comments.ModeratorNote.body", "comments.Ban.value", "comments.Report.detail",
            "admin.LogEntry.object_repr", "django_tasks_database.DBTaskResult.args_kwargs"} <= before

    call_command("erase_personal_data", EMAIL, stdout=StringIO())

    assert rows_holding(EMAIL) == set()
    assert rows_holding("rita.example") == set()  # her website
    assert rows_holding("RitaBrowser") == set()


def test_erased_comments_stay_as_anonymous_without_email_address_browser_or_website(rita, client, article):
    first, second = rita

    call_command("erase_personal_data", EMAIL, stdout=StringIO())

    for comment in Comment.objects.filter(pk__in=[first.pk, second.pk]):
        assert (comment.name, comment.website, comment.ip_address, comment.user_agent, comment.is_subscribed) == (
            "Anonymous", "", None, "", False)
        assert comment.email.startswith("erased-") and comment.email.endswith("@erased.invalid")
        assert comment.status == Comment.Status.APPROVED
    assert first.email != Comment.objects.get(pk=first.pk).email
    assert not ModeratorNote.objects.exists()
    assert not Ban.objects.filter(kind=Ban.Kind.EMAIL).exists()
    assert Report.objects.filter(comment=first).exists()  # readers' reports stay, without the address
    page = client.get(article.get_absolute_url())
    assertContains(page, "I was there.")
    assertContains(page, "Anonymous")


def test_erasing_with_delete_comments_deletes_them_and_tells_the_page_cache(rita):
    first, second = rita
    generation = PageGeneration.objects.get().number

    call_command("erase_personal_data", EMAIL, "--delete-comments", stdout=StringIO())

    assert not Comment.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert Comment.objects.filter(email="other@example.org").exists()
    assert PageGeneration.objects.get().number > generation
    assert rows_holding(EMAIL) == set()


class TestAdminRequests:
    def test_staff_without_the_private_data_permission_get_no_requests_page(self, client, comment_viewer):
        client.force_login(comment_viewer)
        assert client.get(REQUESTS).status_code == 403
        assert client.post(REQUESTS, {"email": EMAIL, "request": "export"}).status_code == 403
        assert "Personal data requests" not in client.get(CHANGELIST).text

    def test_a_moderator_downloads_the_export_recorded_without_the_email(self, client, moderator, make_comment):
        make_comment("Mine.", email=EMAIL)
        client.force_login(moderator)
        assertContains(client.get(CHANGELIST), REQUESTS)

        response = client.post(REQUESTS, {"email": EMAIL, "request": "export"})

        assert response["Content-Disposition"] == 'attachment; filename="personal-data.json"'
        assert [comment["comment"] for comment in json.loads(response.content)["comments"]] == ["Mine."]
        entry = LogEntry.objects.get()
        assert (entry.user, entry.object_repr) == (moderator, "Personal data request")
        assert entry.change_message == "Exported the personal data of one commenter (1 comment)."

    def test_an_erasure_needs_confirming(self, client, moderator, make_comment):
        make_comment("Mine.", email=EMAIL)
        client.force_login(moderator)

        response = client.post(REQUESTS, {"email": EMAIL, "request": "erase"})

        assertContains(response, "Erasure cannot be undone: tick the box to confirm it.")
        assert Comment.objects.get().email == EMAIL

    def test_a_moderator_erases_and_the_log_names_no_one(self, client, moderator, make_comment):
        make_comment("Mine.", email=EMAIL)
        client.force_login(moderator)

        response = client.post(REQUESTS, {"email": EMAIL, "request": "erase", "confirm": "on"}, follow=True)

        assertContains(response, "Erased. Comments anonymised: 1")
        assert Comment.objects.get().name == "Anonymous"
        entry = LogEntry.objects.get()
        assert entry.change_message.startswith("Erased the personal data of one commenter (comments anonymised: 1")
        assert rows_holding(EMAIL) == set()

    def test_deleting_comments_needs_the_delete_permission(self, client, make_user, make_comment):
        user = make_user("privacy-officer")
        user.user_permissions.add(*Permission.objects.filter(content_type__app_label="comments", codename__in=[
            "view_comment", "view_commenter_private_data"]))
        make_comment("Mine.", email=EMAIL)
        client.force_login(user)

        response = client.post(REQUESTS, {"email": EMAIL, "request": "delete", "confirm": "on"})

        assertContains(response, "You may not delete comments")
        assert Comment.objects.get().email == EMAIL
