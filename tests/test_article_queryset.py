from datetime import timedelta

from django.utils import timezone

from articles.models import Article


def test_published_excludes_drafts_reviews_and_scheduled_articles(make_article):
    live = make_article("Live")
    make_article("Draft", status=Article.Status.DRAFT)
    make_article("In review", status=Article.Status.REVIEW)
    make_article("Scheduled", published_at=timezone.now() + timedelta(days=1))
    assert list(Article.objects.published()) == [live]


def test_publishing_without_a_time_sets_it_to_now(make_article):
    article = make_article("Fresh", status=Article.Status.DRAFT, published_at=None)
    article.status = Article.Status.PUBLISHED
    article.save()
    assert timezone.now() - article.published_at < timedelta(seconds=5)
    assert list(Article.objects.published()) == [article]


def test_recommended_orders_by_shared_tags_then_latest(make_article, make_tag):
    council, budget, roads, parks = (make_tag(name) for name in ["Council", "Budget", "Roads", "Parks"])
    article = make_article("Main", tags=[council, budget, roads])
    one_tag_new = make_article("One tag new", tags=[council], published_at=timezone.now() - timedelta(minutes=5))
    three_tags = make_article("Three tags", tags=[council, budget, roads],
                              published_at=timezone.now() - timedelta(days=3))
    two_tags = make_article("Two tags", tags=[budget, roads], published_at=timezone.now() - timedelta(days=2))
    no_tags_newest = make_article("Unrelated newest", tags=[parks], published_at=timezone.now() - timedelta(minutes=1))
    make_article("Unrelated older", tags=[parks], published_at=timezone.now() - timedelta(days=9))
    make_article("Draft sharing all", tags=[council, budget, roads], status=Article.Status.DRAFT)

    recommended = list(Article.objects.recommended_for(article))

    assert recommended == [three_tags, two_tags, one_tag_new, no_tags_newest]


def test_updated_only_when_the_text_changes_after_publication(make_article):
    article = make_article("Fresh")
    article.comments_open = False
    article.save()
    assert not article.is_updated

    article.body = "<p>A correction.</p>"
    article.save()
    assert article.is_updated


def test_edits_before_publication_are_not_updates(make_article):
    article = make_article("Scheduled", published_at=timezone.now() + timedelta(hours=1))
    article.body = "<p>Rewritten before it went out.</p>"
    article.save()
    assert article.revised_at is None
