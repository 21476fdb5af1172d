"""Generated input, thousands of requests of it, never makes the site answer with a server error."""

import time
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

from comments.forms import sign_render_time
from comments.models import Comment

# 10,000 generated requests in all, on every run of the suite (`make test`), in a couple of minutes.
pytestmark = pytest.mark.fuzz


def fuzzed(examples):
    return fuzz_settings(max_examples=examples, deadline=None, database=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                HealthCheck.data_too_large])


anything = st.text(max_size=150)  # any Unicode but lone surrogates, which no browser can send in a form
odd_numbers = st.one_of(anything, st.integers().map(str), st.sampled_from(["", "0", "-1", "1e3", "2", "9" * 30,
                                                                            "last", "1.5", " 1", "0x10", "١"]))
field_values = st.one_of(anything, st.binary(max_size=100).map(lambda raw: raw.decode("latin-1")), odd_numbers)


@pytest.fixture
def site(settings, article, make_comment, make_tag):
    """A published article with a thread to reply to and report, and limits high enough that the forms are used."""
    settings.COMMENTS_RATE_LIMIT = 10**9
    settings.COMMENTS_MIN_FILL_SECONDS = 0
    article.tags.set([make_tag("Council")])
    comment = make_comment("First!")
    make_comment("A reply.", parent=comment)
    return {"article": article, "comment": comment}


def assert_no_server_error(response):
    assert response.status_code < 500, response.content[:500]


def reply_form(**overrides):
    return st.fixed_dictionaries({
        "body": st.one_of(anything, st.just("I was at the meeting and agree.")),
        "name": st.one_of(anything, st.just("Rita Reader")),
        "email": st.one_of(anything, st.just("rita@example.org"), st.emails()),
        "website": st.one_of(st.just(""), anything, st.just("javascript:alert(1)"), st.just("https://x.invalid")),
        "honeypot": st.one_of(st.just(""), anything),
        "rendered_at": st.one_of(st.just(sign_render_time(time.time() - 60)), anything),
        "remember": st.one_of(st.just(""), st.just("on"), anything),
        "is_subscribed": st.one_of(st.just(""), st.just("on"), anything),
        "parent": st.just(""),
        **overrides,
    }, optional={"unexpected": field_values})


@given(form=reply_form())
@fuzzed(examples=1500)
def test_leave_a_reply_form(site, form):
    response = Client().post(f"/comments/reply/{site['article'].slug}/", form)
    assert_no_server_error(response)


@given(form=reply_form(parent=st.one_of(odd_numbers, st.sampled_from(["1", "2", "3", str(10**18), "-5"]))))
@fuzzed(examples=600)
def test_reply_to_a_comment(site, form):
    response = Client().post(f"/comments/reply/{site['article'].slug}/", form)
    assert_no_server_error(response)


@given(concern=st.one_of(st.sampled_from(["off_topic", "abusive", "spam", "personal_data", "legal", "other"]),
                         field_values),
       detail=field_values, target=st.sampled_from(["comment", "missing", "odd"]),
       address=st.one_of(st.ip_addresses().map(str), st.just("203.0.113.10")))
@fuzzed(examples=1500)
def test_report_form(site, concern, detail, target, address):
    pk = {"comment": site["comment"].pk, "missing": 10**9, "odd": Comment.objects.order_by("pk").last().pk}[target]
    response = Client().post(f"/comments/{pk}/report/", {"concern": concern, "detail": detail}, REMOTE_ADDR=address)
    assert_no_server_error(response)


@given(query=field_values, page=odd_numbers, extra=st.dictionaries(st.text(max_size=10), field_values, max_size=3))
@fuzzed(examples=1500)
def test_search(site, query, page, extra):
    response = Client().get("/search/?" + urlencode({"q": query, "page": page, **extra}))
    assert_no_server_error(response)


@given(page_path=st.sampled_from(["/", "/tags/council/", "/authors/ada-reporter/", "/articles/council-approves-budget/",
                                  "/search/"]),
       params=st.dictionaries(st.sampled_from(["page", "cpage", "comments", "replyto", "q"]), odd_numbers, max_size=4))
@fuzzed(examples=1400)
def test_pagination_parameters(site, page_path, params):
    response = Client().get(f"{page_path}?{urlencode(params)}")
    assert_no_server_error(response)


segment = st.one_of(
    st.sampled_from(["admin", "comments", "media", "feed", "atom", "tags", "authors", "articles", "search", "report",
                     "reply", "unsubscribe", "sitemap-news.xml", "sitemap-articles.xml", "robots.txt", "healthz",
                     "..", ".", "", "council", "1", "0", "a" * 300, "%00", "%2e%2e", "%2F"]),
    st.binary(max_size=40).map(quote_from_bytes),
    st.text(max_size=40).map(lambda text: quote(text, safe="")),
)


@given(segments=st.lists(segment, min_size=1, max_size=6), query=st.binary(max_size=60).map(quote_from_bytes),
       method=st.sampled_from(["GET", "HEAD", "POST", "OPTIONS", "TRACE", "PUT", "DELETE"]))
@fuzzed(examples=3500)
def test_odd_paths(site, segments, query, method):
    response = Client().generic(method, "/" + "/".join(segments) + "?" + query)
    assert_no_server_error(response)
