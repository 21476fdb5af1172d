import sys
from collections import Counter
from pathlib import Path

from django.utils import timezone

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))  # the bench package

from bench import data, inprocess, load, report  # noqa: E402

from comments.models import Comment  # noqa: E402

BODIES = ["I was at the meeting <b>too</b>.", "Visit https://example.org", "Plain words."]


def test_fifty_approved_comments_make_thirty_threads_fourteen_replies_and_six_replies_to_replies():
    comments = data.CommentMaker(first_pk=1, bodies=BODIES).discussion(7, timezone.now(), approved=50, held=10)
    approved = [comment for comment in comments if comment.status == Comment.Status.APPROVED]
    assert Counter(comment.depth for comment in approved) == {0: 30, 1: 14, 2: 6}
    assert sum(comment.status == Comment.Status.PENDING for comment in comments) == 10
    assert data.thread_shape(1000) == (600, 280, 120)


def test_bulk_created_comments_hold_what_comment_save_derives(article):
    maker = data.CommentMaker(first_pk=1000, bodies=BODIES)
    data.insert(Comment, maker.discussion(article.pk, article.published_at, approved=12, held=4))
    for comment in Comment.objects.select_related("parent"):
        derived = (comment.body_html, comment.body_digest, comment.depth, comment.thread_id)
        comment.save()
        assert (comment.body_html, comment.body_digest, comment.depth, comment.thread_id) == derived


def test_spread_splits_a_total_into_near_equal_whole_parts():
    assert data.spread(10, 4) == [3, 3, 2, 2]


def test_wrk_errors_add_socket_errors_and_refused_statuses():
    summary = {"requests": 500, "duration_us": 10_000_000, "p50_us": 1500, "p99_us": 9000, "redirects": -1,
               "errors": {"connect": 0, "read": 1, "write": 0, "status": 2, "timeout": 0}}
    figures = load.figures(summary)
    assert (figures["rps"], figures["p50_ms"], figures["p99_ms"], figures["errors"]) == (50.0, 1.5, 9.0, 3)
    assert "redirects" not in figures


def test_a_target_needs_its_share_its_p99_no_errors_and_an_answer():
    target = report.Target(0.70, max_p99_ms=20)
    met = {"requests": 7000, "rps": 700, "p99_ms": 19, "errors": 0}
    assert target.is_met(met, trivial_rps=1000)
    assert not target.is_met(met | {"p99_ms": 21}, trivial_rps=1000)
    assert not target.is_met(met | {"errors": 1}, trivial_rps=1000)
    assert not report.NO_TARGET.is_met({"requests": 0, "rps": 0, "p99_ms": 0, "errors": 0}, trivial_rps=1000)
    assert target.is_met(met | {"rps": 470, "p99_ms": 29}, trivial_rps=1000, allowance=1.5)


def test_a_count_without_where_is_a_full_count():
    assert not inprocess.is_limited('SELECT COUNT(*) AS "__count" FROM "comments_comment"')
    assert inprocess.is_limited('SELECT COUNT(*) FROM "comments_comment" WHERE "status" = \'pending\'')
    assert inprocess.is_limited('SELECT COUNT(*) FROM (SELECT 1 AS "a" FROM "articles_article" LIMIT 10001) subquery')


def test_shortened_sql_keeps_the_tables_and_conditions_without_the_columns():
    columns = ", ".join(f'"a"."{name}"' for name in ["id", "headline", "slug", "standfirst", "body", "image"])
    sql = f'SELECT {columns} FROM "articles_article" "a" WHERE "a"."status" = \'published\''
    assert inprocess.shorten(sql) == 'SELECT … FROM "articles_article" "a" WHERE "a"."status" = \'published\''
    assert inprocess.shorten('SELECT COUNT(*) FROM "articles_article"') == 'SELECT COUNT(*) FROM "articles_article"'
