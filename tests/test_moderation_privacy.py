from urllib.parse import urlsplit

from django.test import Client
from django.urls import reverse

from comments import notifications
from comments.models import Comment
from tests.test_comment_privacy import body_text, crawl, fingerprints, revealed


def test_no_new_public_page_reveals_a_commenters_email(settings, make_article, make_comment, send_reply, reply_data,
                                                        moderator):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    article = make_article("Picked story")
    root = make_comment("A thread worth picking.", article=article, email="Picked.Root@Example.org", is_pick=True)
    reported = make_comment("A reported reply.", article=article, parent=root, email="reported.one@example.org")
    subscribed = make_comment("Tell me about replies.", article=article, email="subscriber@example.org",
                              is_subscribed=True, website="https://sub.example.org")
    send_reply(to=article, email="Pending.Poster@Example.org", body="Waiting, with my email kept private.",
               is_subscribed="on", remember="on")

    reader = Client()
    unsubscribe = urlsplit(notifications.unsubscribe_url(subscribed)).path
    broken_unsubscribe = reverse("comments:unsubscribe", kwargs={"token": "not-a-token"})
    picks = f"{article.get_absolute_url()}?comments=picks"
    seen = crawl(reader, [article.get_absolute_url(), picks, unsubscribe, broken_unsubscribe])
    report = reverse("comments:report", kwargs={"pk": reported.pk})
    posts = {
        "report with errors": reader.post(report, {"concern": "", "detail": "Typed by a reader."}),
        "report": reader.post(report, {"concern": "abusive"}, REMOTE_ADDR="203.0.113.1"),
        "second report": Client().post(report, {"concern": "abusive"}, REMOTE_ADDR="203.0.113.2", follow=True),
        "unsubscribe": reader.post(unsubscribe),
        "broken unsubscribe": reader.post(broken_unsubscribe),
    }
    seen |= {f"POST {name}": (response, body_text(response)) for name, response in posts.items()}

    assert {picks, unsubscribe, broken_unsubscribe, report,
            reverse("comments:report", kwargs={"pk": root.pk})} <= seen.keys()
    assert {200, 302, 400} <= {response.status_code for response, text in seen.values()}
    assert Comment.objects.get(pk=reported.pk).is_pending  # the second report took it down
    assert not Comment.objects.get(pk=subscribed.pk).is_subscribed
    for commenter_email in Comment.objects.values_list("email", flat=True):
        needles = fingerprints(commenter_email)
        leaks = {url: found for url, (response, text) in seen.items() if (found := revealed(response, text, needles))}
        assert leaks == {}, f"{commenter_email} leaked"
