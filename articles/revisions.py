"""Article revisions as staff read them: one per save, with a summary of what changed."""

from django.utils.text import get_text_list


def summary(form, *, add):
    """“Created”, or “Changed headline, body and tags”, from the fields the admin form saw change."""
    if add:
        return "Created"
    labels = [str(form.fields[name].label).lower() for name in form.changed_data if name in form.fields]
    return f"Changed {get_text_list(labels, 'and')}" if labels else "Saved without changes"


def record_tags(article):
    """Write the article's tags into its latest revision, which save() wrote before the form set them."""
    revision = article.history.first()
    if revision is None:
        return
    revision.tags.all().delete()
    rows = article.tags.through.objects.filter(article=article)
    revision.tags.model.objects.bulk_create([
        revision.tags.model(history=revision, id=row.pk, article_id=row.article_id, tag_id=row.tag_id) for row in rows
    ])
