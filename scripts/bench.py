"""Load benchmark of the reader pages: gunicorn with production settings, driven by wrk from loopback.

Builds a throwaway database (SQLite in a temporary folder, or a new database on the PostgreSQL server that
DATABASE_URL names; CACHE_URL's Redis database is emptied first), serves it twice (PAGE_CACHE_SECONDS=60 and 0),
measures each target for BENCH_SECONDS and prints req/s, p50, p99, errors and the share of a trivial view beside
issue 10's targets, then writes them to bench-results/. Run with `make bench` or `make bench-large`; the modules
are in scripts/bench/ and README "Tests and benchmarks" says more.
"""

import os
import secrets
import signal
import sys
import tempfile
import time
from pathlib import Path
from shutil import rmtree

PROJECT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT / "scripts"), str(PROJECT)]  # the bench package (scripts/bench/) and the site

import environ  # noqa: E402
from bench import database, load, report  # noqa: E402
from bench.server import Server  # noqa: E402

env = environ.Env()
SIZE = env.str("BENCH_SIZE", default="default")
SECONDS = env.int("BENCH_SECONDS", default=10)
WARMUP_SECONDS = env.int("BENCH_WARMUP", default=2)
WORKERS = env.int("BENCH_WORKERS", default=2)
THREADS = env.int("BENCH_THREADS", default=2)
CONNECTIONS = env.int("BENCH_CONNECTIONS", default=8)
SEARCH_PATH = "/search/?q=harbour+council"


def production_environment(workdir, database_url):
    """The settings a production server runs with, on loopback over plain HTTP, for gunicorn and this process."""
    environment = {
        "DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "False", "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "False", "SECURE_COOKIES": "False",
        "DATABASE_URL": database_url, "STATIC_ROOT": f"{workdir}/static", "MEDIA_ROOT": f"{workdir}/media",
        "EMAIL_URL": "dummymail://", "LOG_LEVEL": "WARNING",
        # Every post is a new reader's, sent at once, from the one client address wrk has.
        "COMMENTS_MIN_FILL_SECONDS": "0", "COMMENTS_RATE_LIMIT": "1000000000",
    }
    if database_url.startswith("postgres"):
        environment["CONN_MAX_AGE"] = env.str("CONN_MAX_AGE", default="60")  # README "Production", step 2
    return environment


def main():
    started = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops the servers
    wrk = load.wrk_version()
    machine = report.machine()  # before the run's own load counts in the load average
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    database_url, servers = None, []
    try:
        database_url = database.throwaway_url(workdir, env.str("DATABASE_URL", default=""))
        os.environ.update(production_environment(workdir, database_url))
        run = prepare(workdir)
        run |= {"machine": machine, "wrk": f"{wrk}, -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s", "workers": WORKERS}
        for name, seconds in (("cache-on", 60), ("cache-off", 0)):
            servers.append(Server(name, WORKERS, workdir, PAGE_CACHE_SECONDS=seconds))
        results = measure(*servers, run["paths"], workdir)
        finish(run, results, started)
    finally:
        for server in servers:
            server.stop()
        if database_url:
            database.drop(database_url)  # forcing out this process's own connections too
        rmtree(workdir, ignore_errors=True)


def prepare(workdir):
    """Builds the database, collects static files and takes the in-process measures; returns the run's facts."""
    import django

    django.setup()
    from bench import data, inprocess
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test.utils import setup_test_environment, teardown_test_environment

    from comments.models import Comment

    cache.clear()  # pages or limits left in CACHE_URL by an earlier run would skew this one
    print(f"Building the {SIZE} database on {connection.vendor}…", flush=True)
    build_started = time.monotonic()
    breaking, crowded = data.build(data.SIZES[SIZE])
    build_seconds = time.monotonic() - build_started
    counts = {"articles": breaking._meta.model.objects.count(), "comments": Comment.objects.count(),
              "pending": Comment.objects.pending().count()}
    print(f"Built in {build_seconds:.0f} s: {counts['articles']:,} articles, {counts['comments']:,} comments "
          f"({counts['pending']:,} pending).", flush=True)
    call_command("collectstatic", "--no-input", verbosity=0)
    setup_test_environment()
    article = inprocess.article_queries(breaking.get_absolute_url())
    admin = inprocess.admin_pages(["/admin/comments/comment/?status=pending", "/admin/articles/article/"])
    teardown_test_environment()
    paths = {"breaking": breaking.get_absolute_url(), "crowded": crowded.get_absolute_url(),
             "tag": breaking.tags.order_by("pk").first().get_absolute_url(),
             "post": f"/comments/reply/{breaking.slug}/"}
    run = {
        "database": connection.vendor, "size": SIZE, "counts": counts, "build_seconds": round(build_seconds, 1),
        "cache": settings.CACHES["default"]["BACKEND"], "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
        "allowance": report.PRODUCTION_ALLOWANCE if connection.vendor == "postgresql" else 1.0,
        "paths": paths, "article_queries": article, "admin": admin,
    }
    connections.close_all()  # gunicorn's workers have the database to themselves from here
    return run


def measure(cached, uncached, paths, workdir):
    """Every target, one after the other, the trivial view first and posting (which adds rows) last."""
    pages = [
        ("trivial view (framework floor)", cached, "/bench-trivial/", report.NO_TARGET),
        ("article, 50 comments, page cache", cached, paths["breaking"], report.Target(0.70, max_p99_ms=20)),
        ("article, 50 comments, cache off", uncached, paths["breaking"], report.Target(0.15)),
        ("article, 1,000 comments, page cache", cached, paths["crowded"], report.NO_TARGET),
        ("article, 1,000 comments, cache off", uncached, paths["crowded"], report.Target(0.10)),
    ]
    for name, path in (("home", "/"), ("tag", paths["tag"]), ("search", SEARCH_PATH), ("RSS feed", "/feed/")):
        pages += [(f"{name}, {label}", server, path, report.NO_TARGET)
                  for label, server in (("page cache", cached), ("cache off", uncached))]
    results = []
    for name, server, path, target in pages:
        if WARMUP_SECONDS:
            run_wrk(server.url + path, "", workdir, seconds=WARMUP_SECONDS)
        results.append(result(name, server, path, target, run_wrk(server.url + path, "", workdir)))
        print(f"  {name}: {results[-1]['rps']:.0f} req/s", flush=True)
    # As a first-time reader would: the form from the page as served to everyone, then the post.
    script, trial_status = load.posting_script(cached.port, paths["breaking"], paths["post"])
    posted = run_wrk(cached.url + paths["post"], script, workdir)
    results.append(result("comment posting (POST, 3xx = success)", cached, paths["post"], report.NO_TARGET, posted)
                   | {"trial_status": trial_status})
    return results


def run_wrk(url, script, workdir, seconds=SECONDS):
    return load.run_wrk(url, seconds=seconds, threads=THREADS, connections=CONNECTIONS, script=script,
                        workdir=workdir)


def result(name, server, path, target, figures):
    return {"name": name, "server": server.name, "path": path, "target": target} | figures


def finish(run, results, started):
    """Prints the table, the query plans and the admin measures, and saves the run as JSON."""
    from bench import inprocess

    machine = run["machine"]
    print(f"\nNewsroom benchmark, {time.strftime('%Y-%m-%d')}: {machine['nproc']} × {machine['cpu_model']}, "
          f"{run['database']} + {run['cache'].rsplit('.', 1)[-1]}, size {run['size']}, gunicorn {run['workers']} "
          f"workers, {run['wrk']}\n")
    print(report.table(results, run["allowance"]))
    if machine["load_average"] > 0.5 * machine["nproc"]:
        print(f"\nThe machine was busy with other work (load average {machine['load_average']:.1f} on "
              f"{machine['nproc']} cores in the minute before): these figures understate the site.")
    if run["allowance"] != 1.0:
        print(f"\nPostgreSQL + Redis: each target is allowed {run['allowance']}x (shares divided, p99 multiplied).")
    posting = results[-1]
    print(f"\nComment posting: {posting.get('redirects', 0):,} of {posting['requests']:,} posts accepted (redirected); "
          f"a trial post before the load answered {posting['trial_status']}.")
    article = run["article_queries"]
    print(f"\nThe 50-comment article in process: {article['queries']} queries; the slowest:")
    for query in article["slowest"]:
        print(f"  {query['ms']:7.1f} ms  {inprocess.shorten(query['sql'])}")
    print("\nQuery plans of its comment queries:")
    for plan in article["comment_plans"]:
        print(f"\n  {inprocess.shorten(plan['sql'])}\n    " + plan["plan"].replace("\n", "\n    "))
    print("\nAdmin, in process as a superuser (median of 3):")
    inprocess.print_admin(run["admin"])
    run["total_seconds"] = round(time.monotonic() - started)
    path = report.save(run, results)
    print(f"\nSaved {path.relative_to(report.PROJECT)}; the whole run took {run['total_seconds']} s.")


if __name__ == "__main__":
    main()
