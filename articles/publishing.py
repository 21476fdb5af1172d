"""The publishing workflow: journalists submit, editors publish (now or at a set time) and unpublish.

Each move saves the article one by one, so that each is a revision with its author and reason.
"""

from django.utils import timezone

from articles.models import Article


def submit_for_review(articles, *, by):
    """Send drafts to the editors; returns the articles submitted."""
    return _move(articles.filter(status=Article.Status.DRAFT), status=Article.Status.REVIEW, by=by,
                 reason="Submitted for review")


def publish(articles, *, by):
    """Publish articles now, scheduled ones too; returns the articles moved.

    An article published before keeps its first publish time; one without, or with a future one, gets now.
    """
    now = timezone.now()
    chosen = list(articles.exclude(status=Article.Status.PUBLISHED, published_at__lte=now))
    for article in chosen:
        if article.published_at is None or article.published_at > now:
            article.published_at = now
    return _move(chosen, status=Article.Status.PUBLISHED, by=by, reason="Published now")


def unpublish(articles, *, by):
    """Take published articles back to draft; returns the articles moved."""
    return _move(articles.filter(status=Article.Status.PUBLISHED), status=Article.Status.DRAFT, by=by)


def keep_publishing_state(article, *, by):
    """Whatever was posted or restored by a journalist, only editors change the status, publish time or author."""
    if article.pk is None:
        article.status, article.published_at, article.author = Article.Status.DRAFT, None, by.author
        return
    stored = Article.objects.get(pk=article.pk)
    article.status, article.published_at, article.author_id = stored.status, stored.published_at, stored.author_id


# For a form that saves the article with its other changes: each sets the state and the revision's reason.

def mark_submitted(article):
    """A draft goes to the editors when it is saved."""
    article.status, article._change_reason = Article.Status.REVIEW, "Submitted for review"


def mark_published_now(article):
    """Published at once when saved; an earlier first publish time is kept."""
    article.status = Article.Status.PUBLISHED
    if article.published_at is None or article.published_at > timezone.now():
        article.published_at = timezone.now()
    article._change_reason = "Published now"


def mark_scheduled(article, *, reason):
    """Published at the publish time it carries, when saved."""
    article.status, article._change_reason = Article.Status.PUBLISHED, reason


def _move(articles, *, status, by, reason="", **fields):
    moved = list(articles)
    for article in moved:
        article.status = status
        for name, value in fields.items():
            setattr(article, name, value)
        article._history_user = by
        article._change_reason = reason or f"Status set to {article.get_status_display()}"
        article.save()  # publishing sets the publish time when none is set
    return moved
