from datetime import timedelta

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from articles import search, search_index
from articles.models import Article

needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
needs_fts5 = pytest.mark.skipif(connection.vendor != "sqlite" or not search_index.sqlite_has_fts5(),
                                reason="SQLite's FTS5 index")


def result_headlines(response):
    return [article.headline for article in response.context["object_list"]]


def test_search_ranks_headline_matches_above_standfirst_above_body(client, make_article):
    body_only = make_article("Ferry timetable changes", standfirst="Sailings move.", body="<p>Harbour works.</p>",
                             published_at=timezone.now() - timedelta(minutes=5))
    standfirst_only = make_article("Ferry fares rise", standfirst="The harbour board agreed.", body="<p>Fares.</p>",
                                   published_at=timezone.now() - timedelta(hours=2))
    headline = make_article("Harbour reopens", standfirst="Boats return.", body="<p>Quiet day.</p>",
                            published_at=timezone.now() - timedelta(days=3))
    response = client.get("/search/?q=harbour")
    assert response.status_code == 200
    assert result_headlines(response) == [headline.headline, standfirst_only.headline, body_only.headline]


def test_search_finds_every_article_containing_all_the_words_and_no_others(client, make_article):
    make_article("Council approves tram budget", standfirst="A vote.", body="<p>Done.</p>")
    make_article("Tram depot opens", standfirst="The council paid for it.", body="<p>New trams.</p>")
    make_article("Budget row", standfirst="Ministers argue about the tram.", body="<p>Nothing local.</p>")
    make_article("Council meets", standfirst="Nothing on transport.", body="<p>Minutes.</p>")
    response = client.get("/search/?q=council+tram")
    assert sorted(result_headlines(response)) == ["Council approves tram budget", "Tram depot opens"]


def test_search_ignores_drafts_articles_in_review_and_scheduled_articles(client, make_article):
    make_article("Harbour live")
    make_article("Harbour draft", status=Article.Status.DRAFT, published_at=None)
    make_article("Harbour in review", status=Article.Status.REVIEW, published_at=None)
    make_article("Harbour scheduled", published_at=timezone.now() + timedelta(hours=1))
    response = client.get("/search/?q=harbour")
    assert result_headlines(response) == ["Harbour live"]
    assert "draft" not in response.text and "scheduled" not in response.text


def test_search_echoes_the_query_escaped_and_marks_the_matching_words(client, make_article):
    make_article("Council <b>bold</b> claims", standfirst="The council met.", slug="bold-claims")
    response = client.get("/search/", {"q": 'council "><script>alert(1)</script>'})
    text = response.text
    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>bold</b>" not in text
    assert "No articles match" in text  # every word must match, "script" and "alert" included


def test_search_results_mark_matches_in_headline_and_standfirst(client, make_article):
    make_article("Council budget passes", standfirst="The council voted late.")
    text = client.get("/search/?q=council").text
    assert "<mark>Council</mark> budget passes" in text
    assert "The <mark>council</mark> voted late." in text


def test_a_match_only_in_the_body_shows_the_passage_around_it(client, make_article):
    filler = " ".join(["word"] * 200)
    make_article("Quiet week", standfirst="Little happened.", body=f"<p>{filler}</p><p>The lighthouse reopened.</p>")
    text = client.get("/search/?q=lighthouse").text
    assert "…" in text and "The <mark>lighthouse</mark> reopened." in text
    assert "Little happened." not in text


def test_highlight_escapes_the_text_before_marking_words():
    marked = search.highlight("Fish & <chips> at the council's café", ("chips", "amp", "council", "CAFÉ"))
    assert marked == ("Fish &amp; &lt;<mark>chips</mark>&gt; at the <mark>council</mark>&#x27;s <mark>café</mark>")


@pytest.mark.parametrize("query", [
    "", "   ", "x" * 10_000, "council\x00budget", "\x00", "🦆 Zürich ĳ", "'; DROP TABLE articles_article; --",
    "%", "_", '"""', "council OR 1=1", "-council", "a " * 500, "\u202e\u2028", "<>&",
    "the -council", "the", "or", "OR or -", "²", "ǅ x\u0301", "١٢", "AND OR NOT NEAR", 'NEAR(a b) a* ^b col:val',
    '"council" -"" or ""', "council or -budget", "'council'", "!council & (budget | x) <-> y", "council:*",
])
def test_no_query_gives_an_error(client, make_article, query):
    make_article("Council budget")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert 'action="/search/"' in response.text


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "1.5", "\x00", ""])
def test_an_odd_page_number_shows_a_page_of_results(client, make_article, page):
    make_article("Council budget")
    response = client.get("/search/", {"q": "council", "page": page})
    assert response.status_code == 200
    assert result_headlines(response) == ["Council budget"]


def test_an_empty_query_invites_the_reader_to_type_words(client, db):
    response = client.get("/search/?q=")
    assert "Search the news" in response.text
    assert "Type a word or two" in response.text


def test_a_long_query_is_shortened_not_refused(client, make_article):
    make_article("Council budget")
    response = client.get("/search/", {"q": "council " + "x" * 5000})
    assert response.status_code == 200
    assert len(response.context["search_query"]) == search.MAX_QUERY_LENGTH


@override_settings(ARTICLES_PER_PAGE=2)
def test_search_results_are_paginated_and_pages_keep_the_query(client, make_article):
    for n in range(3):
        make_article(f"Council story {n}", published_at=timezone.now() - timedelta(hours=n + 1))
    first = client.get("/search/?q=council+story")
    assert "3 articles found, page 1 of 2." in first.text
    assert 'href="?q=council%20story&amp;page=2"' in first.text
    second = client.get("/search/?q=council+story&page=2")
    assert result_headlines(second) == ["Council story 2"]


def test_search_results_show_the_comment_count(client, make_article, make_comment):
    make_comment()  # approved, on the `article` fixture: "Council approves budget"
    make_comment("Another, waiting.", status="pending")
    text = client.get("/search/?q=council").text
    assert "1 comment" in text


def test_every_page_has_a_labelled_search_form_that_needs_no_javascript(client, article):
    for url in ["/", article.get_absolute_url(), "/search/?q=x"]:
        text = client.get(url).text
        assert '<form class="search-form" role="search" method="get" action="/search/">' in text
        assert '<label for="header-search">Search articles</label>' in text or "search-page-q" in text


def test_search_page_query_count_does_not_grow_with_results(client, make_article, make_tag,
                                                            django_assert_num_queries, uncached):
    tags = [make_tag(f"Tag {n}") for n in range(3)]
    for n in range(8):
        make_article(f"Council story {n}", tags=tags)
    # count, page of articles with their authors, comment counts
    with django_assert_num_queries(3):
        assert client.get("/search/?q=council").status_code == 200


def test_an_empty_query_asks_nothing_of_the_database(client, db, django_assert_num_queries, uncached):
    with django_assert_num_queries(0):
        assert client.get("/search/?q=+").status_code == 200


def test_the_fallback_word_match_finds_parts_of_words_in_any_letter_case(make_article):
    make_article("BUDGETARY pressures", standfirst="Money.", body="<p>Tight.</p>")
    make_article("Tram budget cut", standfirst="Money.", body="<p>Tight.</p>")
    found = search._word_match(Article.objects.published(), search.parse("budget -tram"))
    assert [article.headline for article in found] == ["BUDGETARY pressures"]


def test_the_fallback_word_match_reads_quotes_and_or(make_article):
    make_article("Tram budget agreed")
    make_article("Budget for the tram")
    make_article("Ferry timetable")
    found = search._word_match(Article.objects.published(), search.parse('"tram budget" or ferry'))
    assert sorted(article.headline for article in found) == ["Ferry timetable", "Tram budget agreed"]


def test_search_finds_other_forms_of_a_word(client, make_article):
    make_article("Council merges services", standfirst="Two authorities.", body="<p>Savings.</p>")
    make_article("Ferries return", standfirst="Sailings resume.", body="<p>Harbour.</p>")
    assert result_headlines(client.get("/search/?q=councils")) == ["Council merges services"]
    assert result_headlines(client.get("/search/?q=ferry")) == ["Ferries return"]


def test_minus_excludes_articles_with_the_word(client, make_article):
    make_article("Tram budget agreed", standfirst="Money for trams.")
    make_article("Tram depot opens", standfirst="A new shed.")
    assert result_headlines(client.get("/search/", {"q": "tram -budget"})) == ["Tram depot opens"]
    assert result_headlines(client.get("/search/", {"q": "-budget tram"})) == ["Tram depot opens"]


def test_quotes_find_the_words_next_to_each_other_in_that_order(client, make_article):
    make_article("Tram budget agreed", standfirst="A vote.", body="<p>Done.</p>")
    make_article("Budget for the tram", standfirst="A vote.", body="<p>Done.</p>")
    assert result_headlines(client.get("/search/", {"q": '"tram budget"'})) == ["Tram budget agreed"]
    assert sorted(result_headlines(client.get("/search/", {"q": "tram budget"}))) == [
        "Budget for the tram", "Tram budget agreed"]


def test_or_finds_either_word(client, make_article):
    make_article("Tram depot opens", standfirst="A vote.", body="<p>Done.</p>")
    make_article("Ferry depot opens", standfirst="A vote.", body="<p>Done.</p>")
    make_article("Bus depot opens", standfirst="A vote.", body="<p>Done.</p>")
    make_article("Tram fares rise", standfirst="A vote.", body="<p>Done.</p>")
    assert sorted(result_headlines(client.get("/search/", {"q": "tram OR ferry"}))) == [
        "Ferry depot opens", "Tram depot opens", "Tram fares rise"]
    # `or` joins the words either side of it; the other words must still be there.
    assert sorted(result_headlines(client.get("/search/", {"q": "tram or ferry depot"}))) == [
        "Ferry depot opens", "Tram depot opens"]


def test_an_excluded_phrase_and_a_quoted_minus(client, make_article):
    make_article("Tram budget agreed", standfirst="A vote.", body="<p>Done.</p>")
    make_article("Budget for the tram", standfirst="A vote.", body="<p>Done.</p>")
    assert result_headlines(client.get("/search/", {"q": 'budget -"tram budget"'})) == ["Budget for the tram"]


def test_a_query_of_excluded_words_alone_finds_nothing(client, make_article):
    make_article("Tram budget agreed")
    response = client.get("/search/", {"q": "-budget"})
    assert response.status_code == 200
    assert result_headlines(response) == []


@pytest.mark.parametrize(("query", "groups", "excluded"), [
    ("tram -budget", ((("tram",),),), (("budget",),)),
    ('"tram budget" depot', ((("tram", "budget"),), (("depot",),)), ()),
    ("tram or ferry depot", ((("tram",), ("ferry",)), (("depot",),)), ()),
    ('or tram or', ((("tram",),),), ()),
    ('-"tram budget', (), (("tram", "budget"),)),
    ("e-mail council's", ((("e", "mail"),), (("council", "s"),)), ()),
    ("- -- \" ' NEAR AND", ((("NEAR", "AND"),),), ()),
])
def test_parse_reads_web_search_syntax(query, groups, excluded):
    assert search.parse(query) == search.ParsedQuery(groups, excluded)


def test_parse_keeps_ten_words_at_most():
    assert len(search.parse(" ".join(f"w{n}" for n in range(30))).words) == search.MAX_TERMS


def test_search_looks_at_words_not_markup(client, make_article):
    make_article("Ferry news", body='<p><strong>Boats</strong> run <a href="https://example.org/">late</a>.</p>')
    assert "Ferry news" in client.get("/search/?q=boats").text
    for markup in ["strong", "href", "example"]:
        assert "Ferry news" not in client.get(f"/search/?q={markup}").text, markup


def test_search_follows_changes_and_deletions(client, make_article):
    article = make_article("Harbour reopens", standfirst="Boats return.", body="<p>Quiet day.</p>")
    article.headline = "Lighthouse reopens"
    article.save()
    assert result_headlines(client.get("/search/?q=lighthouse")) == ["Lighthouse reopens"]
    assert result_headlines(client.get("/search/?q=harbour")) == []
    article.delete()
    assert result_headlines(client.get("/search/?q=lighthouse")) == []


def test_matched_words_are_marked_in_all_their_forms_and_excluded_ones_are_not(client, make_article):
    make_article("Councils merge", standfirst="The council voted; the budget passed.")
    text = client.get("/search/", {"q": "council -ferry budgets"}).text
    assert "<mark>Councils</mark> merge" in text
    assert "The <mark>council</mark> voted; the <mark>budget</mark> passed." in text
    assert "<mark>ferry</mark>" not in text


def test_marks_are_never_put_inside_markup(client, make_article):
    make_article("Strong words", standfirst="Nothing.", body='<p><strong>Strong</strong> <a href="/x">link</a>.</p>')
    text = client.get("/search/", {"q": "strong"}).text
    assert "<mark>Strong</mark> words" in text
    assert "<mark><" not in text and "<<mark>" not in text


@needs_postgresql
def test_postgresql_search_ignores_stop_words_in_the_query(client, make_article):
    make_article("Council merges services")
    assert result_headlines(client.get("/search/?q=the+council")) == ["Council merges services"]


@needs_postgresql
def test_postgresql_search_uses_the_gin_index_of_the_stored_vector(make_article):
    make_article("Council budget")
    matches = Article.objects.filter(search_document=SearchQuery("council", config=search_index.SEARCH_CONFIG))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = matches.values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "article_search_document_idx" in plan


@needs_postgresql
def test_postgresql_stores_the_weighted_words_of_the_text_not_the_markup(make_article):
    article = make_article("Councils", standfirst="Ferries", body='<p><a href="https://example.org/">Trams</a></p>')
    stored = Article.objects.values_list("search_document", flat=True).get(pk=article.pk)
    assert stored == "'council':1A 'ferri':2B 'tram':3C"


@needs_fts5
def test_sqlite_index_follows_queryset_updates_and_deletes(client, make_article):
    make_article("Harbour reopens", standfirst="Boats return.", body="<p>Quiet day.</p>")
    Article.objects.update(headline="Lighthouse reopens")
    assert result_headlines(client.get("/search/?q=lighthouse")) == ["Lighthouse reopens"]
    assert result_headlines(client.get("/search/?q=harbour")) == []
    Article.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM article_search WHERE article_search MATCH 'lighthouse'")
        assert cursor.fetchone() == (0,)


@needs_fts5
def test_sqlite_triggers_dropped_by_a_table_rebuild_come_back_after_migrate(client, make_article):
    with connection.cursor() as cursor:
        for name in search_index.SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    make_article("Harbour reopens")
    search_index.repair_sqlite_index(using="default")
    assert result_headlines(client.get("/search/?q=harbour")) == ["Harbour reopens"]
    make_article("Harbour closes")
    assert len(result_headlines(client.get("/search/?q=harbour"))) == 2
