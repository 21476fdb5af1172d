"""Browser tests: Playwright driving Debian's Chromium against the site served by pytest-django's live server."""

import importlib
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
NODE_MODULES = Path(__file__).resolve().parent / "node_modules"



@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is needed for the browser tests: run scripts/test-services.sh (make test does).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread while the browser lives; the ORM calls the
    # tests make meanwhile are plain synchronous ones.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def staff_groups(transactional_db):
    """The staff groups, made again by their data migrations when an earlier browser test's flush removed them."""
    # Serialized rollback restores them only for the first transactional test after the others in some orders.
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    if Group.objects.filter(name="Moderator").exists():
        return
    state = MigrationExecutor(connection).loader.project_state().apps
    for module, function in [("articles.migrations.0002_staff_groups", "create_groups"),
                             ("comments.migrations.0002_moderator_permissions", "grant"),
                             ("comments.migrations.0004_moderation_tools_permissions", "grant")]:
        getattr(importlib.import_module(module), function)(state, None)


@pytest.fixture
def new_context(browser, live_server):
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def e2e_settings(settings):
    """People take seconds to fill the form; the browser takes none."""
    settings.COMMENTS_MIN_FILL_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT = 100
    return settings


@pytest.fixture
def screenshots():
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
