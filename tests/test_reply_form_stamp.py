import re
import time

import pytest
from pytest_django.asserts import assertContains

from comments.forms import render_time_signer, sign_render_time
from comments.models import Comment

EXPIRED = "The form has expired. Please send your comment again."


@pytest.fixture(autouse=True)
def no_minimum_fill_time(settings):
    settings.COMMENTS_MIN_FILL_SECONDS = 0


def stamps(response):
    """The form's signed render time and each reply link's, by the comment a reply would answer."""
    html = response.content.decode()
    form = re.search(r'name="rendered_at" value="([^"]+)"', html).group(1)
    links = dict(re.findall(r'data-reply-to="(\d+)"[^>]*?data-rendered-at="([^"]+)"', html, re.DOTALL))
    return form, {int(pk): stamp for pk, stamp in links.items()}


def test_the_form_and_each_reply_link_carry_a_stamp_bound_to_what_they_answer(uncached, client, article,
                                                                              make_comment):
    comment = make_comment()

    form, links = stamps(client.get(article.get_absolute_url()))

    render_time_signer(article.pk).unsign(form)
    render_time_signer(article.pk, comment.pk).unsign(links[comment.pk])
    replying = stamps(client.get(f"{article.get_absolute_url()}?replyto={comment.pk}"))[0]
    render_time_signer(article.pk, comment.pk).unsign(replying)


def test_a_reply_is_accepted_with_its_comments_stamp(uncached, client, article, make_comment, send_reply):
    comment = make_comment()
    _, links = stamps(client.get(article.get_absolute_url()))

    response = send_reply(body="A reply.", parent=str(comment.pk), rendered_at=links[comment.pk])

    assert response.status_code == 302
    assert Comment.objects.get(body="A reply.").parent == comment


def test_a_stamp_for_one_form_does_not_serve_another(article, make_article, make_comment, send_reply):
    comment, other = make_comment(), make_comment("Another.")
    top_level = sign_render_time(article.pk, at=time.time() - 60)
    for_other = sign_render_time(article.pk, other.pk, at=time.time() - 60)
    elsewhere = make_article("Another story")

    assertContains(send_reply(parent=str(comment.pk), rendered_at=top_level), EXPIRED, status_code=400)
    assertContains(send_reply(parent=str(comment.pk), rendered_at=for_other), EXPIRED, status_code=400)
    assertContains(send_reply(parent="", rendered_at=for_other), EXPIRED, status_code=400)
    assertContains(send_reply(to=elsewhere, rendered_at=top_level), EXPIRED, status_code=400)
    assert not Comment.objects.filter(body="I was at the meeting and agree.").exists()


@pytest.mark.parametrize("hours, status", [(3.5, 302), (4.5, 400)])
def test_a_stamp_lasts_four_hours(article, send_reply, hours, status):
    stamp = sign_render_time(article.pk, at=time.time() - hours * 60 * 60)
    assert send_reply(rendered_at=stamp).status_code == status


def test_the_stamp_is_the_same_for_every_reader_so_the_page_cache_can_serve_it(client, article, make_comment):
    make_comment()
    first = client.get(article.get_absolute_url())
    again = client.get(article.get_absolute_url())
    assert not first.cookies and not again.cookies
    assert stamps(first) == stamps(again)
    assert "public" in again["Cache-Control"]
