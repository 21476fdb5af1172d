from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from comments.decisions import decide
from comments.models import Comment
from newsroom import dashboard
from newsroom.charts import bar_chart, nice_top

INDEX = reverse("admin:index")


def test_a_journalist_sees_their_drafts_and_what_is_in_review_and_no_comment_data(
    client, journalist, other_journalist, make_article, make_comment
):
    make_article("My draft", author=journalist.author, status=Article.Status.DRAFT)
    make_article("My submitted piece", author=journalist.author, status=Article.Status.REVIEW)
    make_article("Someone else's draft", author=other_journalist.author, status=Article.Status.DRAFT)
    make_comment("Waiting.", status=Comment.Status.PENDING)
    client.force_login(journalist)

    response = client.get(INDEX)

    assertContains(response, "My articles")
    assertContains(response, "Drafts (1)")
    assertContains(response, "My draft")
    assertContains(response, "My submitted piece")
    assertNotContains(response, "Someone else")
    for hidden in ("Moderation", "Editors’ desk", "Comments over the last", 'class="bar-chart"', "Waiting."):
        assertNotContains(response, hidden)


def test_an_editor_sees_the_review_queue_what_is_scheduled_next_and_what_went_out_today(
    client, editor, make_article
):
    make_article("Needs review", status=Article.Status.REVIEW)
    make_article("Tomorrow's embargo", published_at=timezone.now() + timedelta(days=1))
    make_article("Out this morning", published_at=timezone.now() - timedelta(minutes=5))
    make_article("Last month", published_at=timezone.now() - timedelta(days=30))
    client.force_login(editor)

    response = client.get(INDEX)

    desk = response.context["dashboard"]["desk"]
    assert [a.headline for a in desk["review"]] == ["Needs review"]
    assert [a.headline for a in desk["scheduled"]] == ["Tomorrow's embargo"]
    assert [a.headline for a in desk["published_today"]] == ["Out this morning"]
    assertContains(response, "In review (1)")
    assertContains(response, "Published today (1)")


def test_a_moderator_sees_the_queue_figures_and_the_charts(client, moderator, make_comment, send_report):
    old = make_comment("Oldest.", status=Comment.Status.PENDING, created_at=timezone.now() - timedelta(hours=5),
                       reason_kind=Comment.ReasonKind.LINKS)
    make_comment("Newer.", status=Comment.Status.PENDING, reason_kind=Comment.ReasonKind.HOLD_ALL)
    make_comment("Also held for all.", status=Comment.Status.PENDING, reason_kind=Comment.ReasonKind.HOLD_ALL)
    reported = make_comment("Reported.")
    send_report(reported)
    client.force_login(moderator)

    response = client.get(INDEX)

    panel = response.context["dashboard"]["moderation"]
    assert panel["pending_count"] == 3 and panel["oldest"] == old and panel["reports_this_week"] == 1
    assert panel["by_reason"] == [("Every new comment held", 2), ("Too many links", 1)]
    assert "desk" not in response.context["dashboard"] and "writing" not in response.context["dashboard"]
    assertContains(response, 'class="bar-chart"', count=1)
    assertContains(response, 'class="bar-chart__bar bar-chart__bar--received"', count=30)
    assertContains(response, "Busiest articles")
    assert "<script" not in response.text.split('id="content"')[1]  # the charts need no script


def test_the_chart_counts_comments_received_approved_and_rejected_per_day(moderator, make_comment):
    two_days_ago = timezone.now() - timedelta(days=2)
    for body in ("One.", "Two."):
        make_comment(body, status=Comment.Status.PENDING, created_at=two_days_ago)
    approved, rejected = make_comment("Three.", status=Comment.Status.PENDING), make_comment("Four.",
                                                                                          status="pending")
    decide(Comment.objects.filter(pk=approved.pk), status=Comment.Status.APPROVED, by=moderator)
    decide(Comment.objects.filter(pk=rejected.pk), status=Comment.Status.SPAM, by=moderator)

    chart = dashboard.activity()["chart"]

    assert chart.series["received"][-3:] == [2, 0, 2]
    assert chart.series["approved"][-1] == 1 and chart.series["rejected or spam"][-1] == 1
    assert sum(chart.series["received"]) == 4


def test_the_median_time_to_a_decision_leaves_out_rules_and_staff_replies(moderator, make_comment):
    now = timezone.now()
    for minutes in (10, 20, 90):
        make_comment(f"Decided after {minutes} minutes.", created_at=now - timedelta(minutes=minutes), moderated_at=now,
                     moderated_by=moderator)
    make_comment("Approved by a rule.", created_at=now - timedelta(days=2))
    make_comment("Staff.", created_at=now, moderated_at=now, moderated_by=moderator, user=moderator)

    assert dashboard.activity()["median_wait"] == "20 min"


@pytest.mark.parametrize("seconds, text", [(45, "45 s"), (720, "12 min"), (12000, "3 h 20 min"),
                                           (90000, "1 day 1 h"), (187200, "2 days 4 h")])
def test_durations_read_at_a_glance(seconds, text):
    assert dashboard.duration_text(seconds) == text


def test_the_bar_chart_scales_to_a_round_top_and_places_each_bar():
    chart = bar_chart(["Mon", "Tue"], {"received": [4, 8], "approved": [2, 0]})

    assert nice_top(8) == 10 and nice_top(0) == 5 and nice_top(11) == 20 and nice_top(51) == 100
    assert len(chart.bars) == 4
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.title == "Tue: 8 received"
    assert tallest.y + tallest.height == chart.baseline
    assert [value for _, value in chart.ticks] == [0, 2, 4, 6, 8, 10]
    assert chart.rows == [("Mon", [4, 2]), ("Tue", [8, 0])]
