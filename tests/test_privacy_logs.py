import io
import json
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from gunicorn.config import Config

from comments.models import Comment
from newsroom.gunicorn import Logger
from newsroom.logging import JSONFormatter, RedactPersonalData, redact

EMAIL = "Rita.Reader@example.org"
IPV4, IPV6 = "198.51.100.23", "2001:db8:abcd:12:3456::9"


@pytest.mark.parametrize("text, expected", [
    (f"Mail to {EMAIL} refused", "Mail to [email] refused"),
    ("GET /comments/?email=rita%40example.org HTTP/1.1", "GET /comments/?email=[email] HTTP/1.1"),
    (f"from {IPV4}:51234", "from 198.51.100.0/24:51234"),
    (f"from [{IPV6}]:443", "from [2001:db8:abcd::/48]:443"),
    ("from ::ffff:198.51.100.23", "from 198.51.100.0/24"),
    ("ban of 198.51.100.0/24 and 2001:db8::/32", "ban of 198.51.100.0/24 and 2001:db8::/32"),
    ("at 10:30:00 on 2026-12-05, version 1.2.3, Chrome/120.0.6099.109", None),
])
def test_log_text_loses_emails_and_full_client_addresses(text, expected):
    assert redact(text) == (text if expected is None else expected)


@pytest.mark.parametrize("address, logged", [(IPV4, "198.51.100.0/24"), (IPV6, "2001:db8:abcd::/48")])
def test_the_gunicorn_access_log_truncates_the_client_address_and_drops_emails(address, logged):
    environ = {"REMOTE_ADDR": address, "REQUEST_METHOD": "GET", "RAW_URI": "/search/?q=rita%40example.org",
               "SERVER_PROTOCOL": "HTTP/1.1", "PATH_INFO": "/search/", "QUERY_STRING": "q=rita%40example.org",
               "HTTP_REFERER": f"https://news.example/?email={EMAIL}", "HTTP_USER_AGENT": "Browser/1.0"}
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", f"{address}, 10.0.0.1")])
    logger = Logger(Config())

    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))
    line = Config().access_log_format % atoms

    assert line.startswith(f"{logged} - - ")
    assert address not in line and "rita" not in line.lower()
    assert address not in atoms["{x-forwarded-for}i"]


def test_serve_prod_uses_the_redacting_access_logger():
    with open("Makefile", encoding="utf-8") as makefile:
        assert "--logger-class newsroom.gunicorn.Logger" in makefile.read()


@pytest.fixture
def log_lines():
    """Everything the site's configured console handler writes, as JSON lines, while the test runs."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    assert any(isinstance(f, RedactPersonalData) for f in handler.filters)
    stream, formatter, level = io.StringIO(), handler.formatter, logging.getLogger().level
    old_stream = handler.setStream(stream)
    handler.setFormatter(JSONFormatter())
    logging.getLogger().setLevel(logging.DEBUG)
    yield lambda: stream.getvalue().splitlines()
    handler.setStream(old_stream)
    handler.setFormatter(formatter)
    logging.getLogger().setLevel(level)


def test_a_posting_and_moderation_flow_logs_no_email_and_no_full_client_address(
        settings, log_lines, article, moderator, reply_data, mailoutbox, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    url = reverse("comments:post", kwargs={"slug": article.slug})
    reader = Client()
    for address in [IPV4, IPV6]:
        reader.post(url, reply_data(body=f"From {address}.", email=EMAIL, is_subscribed="on"), REMOTE_ADDR=address)
    reader.post(url, reply_data(email="not-an-email"), REMOTE_ADDR=IPV4)  # a refused form: 400, logged
    reader.get(f"/no-such-page/?email={EMAIL}", REMOTE_ADDR=IPV4)  # 404, logged
    staff = Client()
    staff.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"{reverse('admin:comments_comment_changelist')}?status=all",
                   {"action": "approve", "_selected_action": list(Comment.objects.values_list("pk", flat=True))})
    # What a library might log: the address in the message, in extra fields and in an exception.
    logger = logging.getLogger("comments.flow")
    logger.warning("Recipient %s refused from %s", EMAIL, IPV4, extra={"client": IPV6, "to": EMAIL})
    try:
        raise ValueError(f"bad recipient <{EMAIL}> at {IPV6}")
    except ValueError:
        logger.exception("Mail failed")

    lines = log_lines()

    assert len(mailoutbox) == 2 and len(lines) >= 4
    entries = [json.loads(line) for line in lines]
    assert any(entry.get("client") == "2001:db8:abcd::/48" for entry in entries)
    for line in lines:
        lowered = line.lower()
        assert "rita.reader" not in lowered and "rita.reader%40" not in lowered, line
        assert IPV4 not in line and IPV6 not in line and "2001:db8:abcd:12" not in line, line


def test_a_malformed_logging_call_is_still_logged_without_the_email():
    record = logging.makeLogRecord({"msg": "To %s and %s", "args": (EMAIL,), "levelname": "WARNING"})
    assert RedactPersonalData().filter(record)
    assert EMAIL not in record.getMessage() and "[email]" in record.getMessage()
