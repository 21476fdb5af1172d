import logging

import pytest
from axes.models import AccessAttempt
from django.test import Client

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "pw-for-tests-only"  # the make_user fixture's


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Dozens of logins here: a fast hasher keeps them quick (the lockout is the same whatever the hasher)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def log_in(db):
    """Posts the admin login form from a fresh browser at `address`."""
    def send(username, password, address="203.0.113.5"):
        return Client().post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)
    return send


def fail_logins(log_in, username, times, address="203.0.113.5"):
    return [log_in(username, f"wrong-{attempt}", address=address) for attempt in range(times)]


def test_the_right_password_is_refused_after_five_wrong_ones(log_in, editor):
    answers = fail_logins(log_in, "editor", 5)
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 429]
    assert "Please enter the correct username and password" in answers[0].text

    response = log_in("editor", PASSWORD)
    assert response.status_code == 429
    assert "Logging in is locked after 5 failed attempts" in response.text
    assert "Try again in 15 minutes, or ask an editor to unlock it now." in response.text
    assert "permission to view or edit" not in response.text  # no admin navigation before logging in
    assert "_auth_user_id" not in response.client.session


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(log_in, editor):
    fail_logins(log_in, "editor", 4)
    response = log_in("editor", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_a_successful_login_starts_the_count_again(log_in, editor):
    fail_logins(log_in, "editor", 4)
    assert log_in("editor", PASSWORD).status_code == 302
    fail_logins(log_in, "editor", 4)
    assert log_in("editor", PASSWORD).status_code == 302


def test_a_locked_username_is_refused_from_every_address(log_in, editor):
    for number in range(5):  # one failure from each of five addresses
        log_in("editor", "wrong", address=f"198.51.100.{number}")
    assert log_in("editor", PASSWORD, address="192.0.2.99").status_code == 429


def test_an_address_trying_many_usernames_is_locked_out(log_in, editor):
    for name in ["alice", "bob", "carol", "dave", "erin"]:
        log_in(name, "guess", address="203.0.113.66")
    assert log_in("editor", PASSWORD, address="203.0.113.66").status_code == 429
    assert log_in("editor", PASSWORD, address="192.0.2.1").status_code == 302  # the editor elsewhere is not


def test_the_lockout_is_logged_without_the_password(log_in, editor, caplog):
    with caplog.at_level(logging.INFO):
        fail_logins(log_in, "editor", 5)
        log_in("editor", PASSWORD)
    lockouts = [record.getMessage() for record in caplog.records if "Locking out" in record.getMessage()]
    assert lockouts and 'username: "editor"' in lockouts[0] and "203.0.113.0/24" in lockouts[0]
    assert "wrong-" not in caplog.text and PASSWORD not in caplog.text
    assert "wrong-" not in "".join(AccessAttempt.objects.values_list("post_data", flat=True))


def test_an_editor_unlocks_a_login_from_the_admin(log_in, editor, journalist, client):
    fail_logins(log_in, "journalist", 5)
    assert log_in("journalist", PASSWORD).status_code == 429

    client.force_login(editor)
    changelist = "/admin/axes/accessattempt/"
    assert "journalist" in client.get(changelist).text
    ids = [str(pk) for pk in AccessAttempt.objects.filter(username="journalist").values_list("pk", flat=True)]
    response = client.post(changelist, {"action": "unlock", "_selected_action": ids}, follow=True)
    assert "the login is unlocked" in response.text

    assert log_in("journalist", PASSWORD).status_code == 302


def test_a_superuser_unlocks_a_login_too(log_in, editor, admin_client):
    fail_logins(log_in, "editor", 5)
    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    admin_client.post("/admin/axes/accessattempt/", {"action": "unlock", "_selected_action": ids})
    assert log_in("editor", PASSWORD).status_code == 302


def test_journalists_cannot_see_or_unlock_logins(journalist, client):
    client.force_login(journalist)
    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_a_lockout_does_not_end_a_session_already_logged_in(log_in, editor, client):
    client.force_login(editor)
    fail_logins(log_in, "editor", 5)
    assert client.get("/admin/").status_code == 200
