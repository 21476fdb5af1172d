"""Measures taken inside this process with Django's test client: query plans and the admin's big lists."""

import re
import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

ROUNDS = 3
COUNT = re.compile(r"\bCOUNT\(\*\)", re.IGNORECASE)


def article_queries(path, slowest=3):
    """The queries an anonymous reader's request for `path` runs: their number, the slowest, and the plan of each
    SELECT on comments_comment (EXPLAIN on PostgreSQL, EXPLAIN QUERY PLAN on SQLite)."""
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(path)
    assert response.status_code == 200, (path, response.status_code)
    queries = captured.captured_queries
    explain = "EXPLAIN" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    plans = []
    with connection.cursor() as cursor:
        for sql in (query["sql"] for query in queries):
            if sql.lstrip().upper().startswith("SELECT") and "comments_comment" in sql:
                cursor.execute(f"{explain} {sql}")
                plans.append({"sql": sql, "plan": "\n".join(str(row[-1]) for row in cursor.fetchall())})
    by_time = sorted(queries, key=lambda query: float(query["time"]), reverse=True)[:slowest]
    return {"queries": len(queries), "slowest": [{"ms": float(query["time"]) * 1000, "sql": query["sql"]}
                                                 for query in by_time], "comment_plans": plans}


def admin_pages(paths):
    """Median time, query count and COUNT(*) queries of admin pages, as a superuser (the moderators' view)."""
    user = get_user_model().objects.create_superuser("bench-admin", "bench-admin@example.org", None)
    client = Client()
    client.force_login(user)
    return {path: admin_page(client, path) for path in paths}


def admin_page(client, path):
    client.get(path)  # templates loaded, as on a running server
    timings = []
    for _ in range(ROUNDS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    counts = [query["sql"] for query in captured.captured_queries if COUNT.search(query["sql"])]
    return {
        "ms": statistics.median(timings) * 1000,
        "queries": len(captured.captured_queries),
        "counts": counts,
        "full_counts": [sql for sql in counts if not is_limited(sql)],
    }


def is_limited(sql):
    """Whether a COUNT query has a WHERE clause or counts a LIMITed subquery, so it need not count a whole table."""
    return re.search(r"\b(WHERE|LIMIT)\b", sql, re.IGNORECASE) is not None


def print_admin(measures):
    for path, measure in measures.items():
        print(f"\n{path}: {measure['ms']:.0f} ms, {measure['queries']} queries, "
              f"{len(measure['counts'])} with COUNT(*), "
              f"{len(measure['full_counts'])} of them over a whole table (no WHERE, no LIMIT)")
        for sql in measure["counts"]:
            marker = "FULL COUNT " if sql in measure["full_counts"] else "counted    "
            print(f"  {marker}{shorten(sql)}")


def shorten(sql, length=240):
    """One line of SQL without a long column list, so that what it reads and how it filters shows."""
    sql = re.sub(r"^SELECT .{40,}? FROM ", "SELECT … FROM ", " ".join(sql.split()))
    return sql if len(sql) <= length else sql[:length] + " …"
