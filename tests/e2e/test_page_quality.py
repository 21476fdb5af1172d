"""Accessibility (axe-core in Chromium), valid HTML (the Nu Html Checker) and Lighthouse on the pages readers use."""

import json
import os
import shutil
import subprocess

import pytest
from django.core.management import call_command

from articles.models import Article, Author, Tag
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, NODE_MODULES

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def reader_urls(db):
    call_command("load_demo", verbosity=0)
    call_command("load_demo_comments", verbosity=0)
    article = Article.objects.published().filter(comments__isnull=False).first()
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "tag": Tag.objects.filter(articles__isnull=False).first().get_absolute_url(),
        "author": Author.objects.first().get_absolute_url(),
        "search": "/search/?q=council",
        "privacy": "/privacy/",
    }


def comment_form_with_errors(page, article_url):
    page.goto(article_url)
    page.fill("#id_email", "not-an-email")
    page.click("button:has-text('Post Comment')")
    page.wait_for_selector(".errorlist")


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[node['target'] for node in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


def test_reader_pages_have_no_serious_accessibility_violations(new_context, reader_urls, e2e_settings):
    # axe is injected as a script, which the site's Content-Security-Policy rightly forbids.
    page = new_context(bypass_csp=True).new_page()
    found = {}
    for name, url in reader_urls.items():
        page.goto(url)
        found[name] = axe_violations(page)
    comment_form_with_errors(page, reader_urls["article"])
    found["comment form with errors"] = axe_violations(page)
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_reader_pages_are_valid_html(client, reader_urls, tmp_path, settings, reply_data):
    if not VNU.exists() or not shutil.which("java"):
        pytest.fail("The Nu Html Checker needs Java and tests/e2e/node_modules: run scripts/test-services.sh.")
    pages = {name: client.get(url) for name, url in reader_urls.items()}
    article = Article.objects.get(slug=reader_urls["article"].strip("/").split("/")[-1])
    pages["comment form with errors"] = client.post(f"/comments/reply/{article.slug}/",
                                                    reply_data(email="not-an-email"))
    files = []
    for name, response in pages.items():
        assert response.status_code in (200, 400), name
        path = tmp_path / f"{name.replace(' ', '-')}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    result = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", "--stdout", *files],
                            capture_output=True, text=True, timeout=180)
    messages = json.loads(result.stdout)["messages"]
    errors = [f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages
              if m["type"] == "error"]
    assert errors == []


LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
LIGHTHOUSE_CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# Search results are rightly kept out of search engines (`noindex`), which this SEO audit counts against them.
LIGHTHOUSE_EXEMPT = {"search": {"is-crawlable"}}


def lighthouse_shortfalls(url, report_path, exempt=()):
    """Lighthouse (mobile) on `url`: each category below 100, as Lighthouse rounds it, with the audits that
    cost it points. Audits in `exempt` are left out of their category's score."""
    run = subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report_path}", "--form-factor=mobile",
         f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
         f"--chrome-flags=--headless=new {' '.join(CHROMIUM_ARGS)}"],
        env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=180,
    )
    if run.returncode != 0:  # Lighthouse or its Chromium gave up (seen on a busy machine): a failed try, not a score
        return {"lighthouse run": (0, [run.stderr.strip()[-500:]])}
    report = json.loads(report_path.read_text())
    shortfalls = {}
    for name, category in report["categories"].items():
        scored = [(ref["weight"], report["audits"][ref["id"]]) for ref in category["auditRefs"]
                  if ref["weight"] and ref["id"] not in exempt and report["audits"][ref["id"]]["score"] is not None]
        score = round(100 * sum(weight * audit["score"] for weight, audit in scored) / sum(w for w, _ in scored))
        if score < 100:
            costs = [f"{audit['id']} ({audit['score']})" for _, audit in scored if audit["score"] < 1]
            shortfalls[name] = (score, costs)
    return shortfalls


def test_reader_pages_score_100_in_every_lighthouse_category(live_server, reader_urls, tmp_path):
    if not LIGHTHOUSE.exists():
        pytest.fail("Lighthouse is needed for the browser tests: run scripts/test-services.sh (make test does).")
    found = {}
    for name, url in reader_urls.items():
        # Timings vary with the machine's load: a page gets three tries, as Lighthouse CI takes several runs.
        for attempt in range(3):
            found[name] = lighthouse_shortfalls(live_server.url + url, tmp_path / f"{name}-{attempt}.json",
                                                LIGHTHOUSE_EXEMPT.get(name, ()))
            if not found[name]:
                break
    assert {name: shortfalls for name, shortfalls in found.items() if shortfalls} == {}
