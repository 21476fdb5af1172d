from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles import publishing
from articles.articleforms import when
from articles.models import Article
from tests.test_article_admin import CHANGELIST, change_url, form_data


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


def test_an_editor_sees_publish_now_and_schedule_beside_save_and_a_journalist_does_not(
    client, desk, journalist, make_article
):
    article = make_article("In review", status=Article.Status.REVIEW, published_at=None, author=journalist.author)
    page = desk.get(change_url(article))
    assertContains(page, 'name="_publish_now"')
    assertContains(page, 'name="_schedule"')

    client.force_login(journalist)
    page = client.get(change_url(article))
    assertNotContains(page, 'name="_publish_now"')
    assertNotContains(page, 'name="_schedule"')


def test_publish_now_publishes_at_once_and_says_so(desk, make_article):
    article = make_article("Ready", status=Article.Status.REVIEW, published_at=None)

    response = desk.post(change_url(article), form_data(article, _publish_now="Publish now"), follow=True)

    article.refresh_from_db()
    assert article.is_live
    assertContains(response, "“Ready” is published: readers see it now.")
    assert article.history.first().history_change_reason == "Published now"


def test_publish_now_brings_a_scheduled_article_forward(desk, make_article):
    article = make_article("Embargoed", published_at=timezone.now() + timedelta(days=2))
    later = timezone.localtime(article.published_at)
    desk.post(change_url(article), form_data(article, _publish_now="1", published_at_0=later.strftime("%Y-%m-%d"),
                                             published_at_1=later.strftime("%H:%M:%S")))
    article.refresh_from_db()
    assert article.is_live


def test_schedule_publishes_at_the_time_set_and_names_it(desk, make_article, settings):
    article = make_article("Embargoed", status=Article.Status.REVIEW, published_at=None)
    at = timezone.localtime() + timedelta(days=3)
    at = at.replace(hour=9, minute=0, second=0, microsecond=0)

    response = desk.post(change_url(article), form_data(article, _schedule="Schedule",
                                                        published_at_0=at.strftime("%Y-%m-%d"),
                                                        published_at_1="09:00:00"), follow=True)

    article.refresh_from_db()
    assert article.is_scheduled and article.published_at == at
    expected = at.strftime("%A ") + str(at.day) + at.strftime(" %B") + ("" if at.year == timezone.localdate().year
                                                                        else at.strftime(" %Y")) + ", 09:00"
    assertContains(response, f"“Embargoed” is scheduled for {expected}.")


def test_schedule_without_a_future_time_is_refused_with_a_hint(desk, make_article):
    article = make_article("Embargoed", status=Article.Status.REVIEW, published_at=None)

    response = desk.post(change_url(article), form_data(article, _schedule="Schedule"))

    assert response.status_code == 200
    assertContains(response, "Set a future publish time to schedule the article")
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_the_time_is_named_as_people_say_it():
    friday = timezone.make_aware(datetime(2031, 12, 5, 9, 0))
    assert when(friday) == "Friday 5 December 2031, 09:00"
    this_year = timezone.localtime().replace(month=12, day=5, hour=9, minute=0)
    assert when(this_year).endswith(" 5 December, 09:00")


def test_the_publish_action_publishes_scheduled_articles_now(desk, editor, make_article):
    scheduled = make_article("Embargoed", published_at=timezone.now() + timedelta(days=1))
    draft = make_article("Draft", status=Article.Status.DRAFT, published_at=None)
    live = make_article("Live")

    response = desk.post(CHANGELIST, {"action": "publish", "_selected_action": [scheduled.pk, draft.pk, live.pk]},
                         follow=True)

    assertContains(response, "2 articles published.")
    for article in (scheduled, draft):
        article.refresh_from_db()
        assert article.is_live


def test_publishing_again_keeps_the_first_publish_time(editor, make_article):
    first = timezone.now() - timedelta(days=3)
    article = make_article("Back again", status=Article.Status.DRAFT, published_at=first)
    publishing.publish(Article.objects.filter(pk=article.pk), by=editor)
    article.refresh_from_db()
    assert article.is_live and article.published_at == first


def test_the_admin_writes_dates_one_way(desk, make_article):
    make_article("Embargoed", published_at=timezone.make_aware(datetime(2031, 12, 5, 9, 0)))
    page = desk.get(CHANGELIST)
    assertContains(page, "Scheduled for 5 Dec 2031, 09:00")
    assertContains(page, "5 Dec 2031, 09:00</td>")
