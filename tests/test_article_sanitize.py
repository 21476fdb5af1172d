import pytest

from articles import sanitize


@pytest.mark.parametrize("dirty, forbidden", [
    ("<p>Hi</p><script>alert(1)</script>", "<script"),
    ('<p onclick="steal()">Hi</p>', "onclick"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
    ('<img src="x" onerror="steal()">', "onerror"),
    ('<img src="data:text/html;base64,PHNjcmlwdD4=">', "data:"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ('<p style="position:fixed">x</p>', "style="),
    ("<svg><script>alert(1)</script></svg>", "<svg"),
    ("<!-- a note --><p>x</p>", "<!--"),
])
def test_article_body_loses_unsafe_markup(dirty, forbidden):
    assert forbidden.lower() not in sanitize.clean_article_body(dirty).lower()


def test_article_body_keeps_the_markup_articles_need():
    html = ('<h2>Sub</h2><h3>Minor</h3><p><strong>Bold</strong> <em>it</em> <a href="https://example.org/">link</a></p>'
            '<ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>Quote</p></blockquote>'
            '<figure><img src="/media/a.jpg" alt="A"><figcaption>Cap</figcaption></figure>')
    assert sanitize.clean_article_body(html) == html


def test_article_is_sanitised_on_save(make_article):
    article = make_article("Injected", body='<p>Fine</p><script>alert("x")</script><a href="javascript:x()">y</a>')
    article.refresh_from_db()
    assert "<script" not in article.body
    assert "javascript:" not in article.body
    assert "<p>Fine</p>" in article.body


def test_article_images_must_come_from_the_site_itself():
    cleaned = sanitize.clean_article_body('<img src="https://tracker.example/p.gif" alt="x">'
                                          '<img src="//cdn.example/a.png"><img src="/media/articles/a.jpg" alt="Own">')
    assert "tracker.example" not in cleaned and "cdn.example" not in cleaned
    assert '<img src="/media/articles/a.jpg" alt="Own">' in cleaned


def test_links_cannot_open_new_windows_or_set_their_own_rel():
    cleaned = sanitize.clean_article_body('<a href="https://example.org/" target="_blank" rel="dofollow">x</a>')
    assert cleaned == '<a href="https://example.org/">x</a>'


@pytest.mark.parametrize("element", ["script", "style", "template", "iframe", "noscript", "textarea", "title"])
def test_code_elements_go_with_their_content_in_articles_and_replies(element):
    from comments.sanitize import clean_reply_body

    dirty = f"<p>Hi<{element}>alert(1)</{element}> there</p>"
    assert sanitize.clean_article_body(dirty) == "<p>Hi there</p>"
    assert clean_reply_body(dirty) == "<p>Hi there</p>"


def test_an_unclosed_script_takes_the_rest_with_it_and_a_hidden_one_does_not_survive():
    assert sanitize.clean_article_body("<p>Kept</p><script>alert(1)") == "<p>Kept</p>"
    assert "alert" not in sanitize.clean_article_body("<scr<script>x</script>ipt>alert(2)</script>")
