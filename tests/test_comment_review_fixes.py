from datetime import timedelta

from django.utils import timezone

from articles.models import Article
from comments.decisions import decide
from comments.models import Comment


def test_a_page_with_the_posters_pending_comment_is_private_to_shared_caches(client, article, reply_data):
    assert "private" not in client.get(article.get_absolute_url()).get("Cache-Control", "")
    client.post(f"/comments/reply/{article.slug}/", reply_data())
    page = client.get(article.get_absolute_url())
    assert "awaiting moderation" in page.text
    assert "private" in page["Cache-Control"]


def test_counts_leave_out_replies_hidden_with_their_parent(client, article, make_comment):
    parent = make_comment("Soon taken down.")
    make_comment("A reply to it.", parent=parent)
    decide(Comment.objects.filter(pk=parent.pk), status=Comment.Status.REJECTED, by=None)
    assert "No comments" in client.get("/").text
    page = client.get(article.get_absolute_url()).text
    assert "A reply to it." not in page
    assert "1 comment" not in page


def test_the_queue_names_no_article_a_moderator_may_not_see(client, moderator, make_article, pending_comment):
    make_article("Embargoed merger scoop", status=Article.Status.DRAFT, published_at=None)
    make_article("Scheduled story", published_at=timezone.now() + timedelta(days=1))
    client.force_login(moderator)
    page = client.get("/admin/comments/comment/").text
    assert pending_comment.article.headline in page
    assert "Embargoed merger scoop" not in page and "Scheduled story" not in page
