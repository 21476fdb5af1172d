"""Benchmarks of the reader pages, in process, on a throwaway database loaded with the demo.

Prints the median time and peak memory of each page, and each as a ratio to the health check measured in
the same run, so figures compare across machines. Run with `make bench`.
"""

import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
workdir = tempfile.mkdtemp(prefix="newsroom-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
os.environ["MEDIA_ROOT"] = f"{workdir}/media"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", 60))


def measure(client, url):
    client.get(url)  # warm caches and templates
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    tracemalloc.start()
    client.get(url)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(timings) * 1000, peak / 1024


def add_threads(article, count):
    """`count` approved comments in threads of four: a comment, a reply, a reply to it, and one more."""
    from comments.models import Comment

    parent = None
    for number in range(count):
        parent = Comment.objects.create(article=article, parent=parent if number % 4 else None,
                                        name=f"Reader {number}", email=f"reader{number}@example.org",
                                        body=f"Comment number {number}.", status=Comment.Status.APPROVED)


def main():
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("load_demo_comments", verbosity=0)
    from articles.models import Article

    busy, crowded = Article.objects.published()[:2]
    add_threads(busy, 200)
    add_threads(crowded, 2000)
    quiet = Article.objects.published().exclude(pk__in=[busy.pk, crowded.pk]).filter(comments__isnull=True).first()
    pages = {
        "health check (baseline)": "/healthz",
        "home": "/",
        "article, no comments": quiet.get_absolute_url(),
        "article, 200 comments": busy.get_absolute_url(),
        "article, 2,000 comments": crowded.get_absolute_url(),
        "tag": busy.tags.first().get_absolute_url(),
        "author": busy.author.get_absolute_url(),
    }
    client = Client()
    results = {name: measure(client, url) for name, url in pages.items()}
    base_ms, base_kb = results["health check (baseline)"]
    print(f"{'page':<26}{'median ms':>10}{'x base':>8}{'peak KiB':>10}{'x base':>8}")
    for name, (ms, kb) in results.items():
        print(f"{name:<26}{ms:>10.2f}{ms / base_ms:>8.1f}{kb:>10.0f}{kb / base_kb:>8.1f}")
    with_comments = results["article, 200 comments"][0] / results["article, no comments"][0]
    crowded_ratio = results["article, 2,000 comments"][0] / results["article, 200 comments"][0]
    print(f"\n200 comments cost {with_comments:.1f}x the time of an article with none; 2,000 comments cost "
          f"{crowded_ratio:.1f}x the time of 200, since a page holds 50 threads ({ROUNDS} rounds each).")


if __name__ == "__main__":
    main()
