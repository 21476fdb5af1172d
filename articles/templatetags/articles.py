import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import metadata, pagecache, search

register = template.Library()

# As django.utils.html.json_script: nothing in the data can close the script element or open a comment.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def absolute_url(url):
    """A path on the public site as a full URL with SITE_URL's scheme and host."""
    return metadata.absolute_url(str(url))


@register.filter
def share_image(article):
    return metadata.share_image(article)


@register.filter
def highlight(text, words):
    return search.highlight(text, words)


@register.filter
def search_excerpt(article, words):
    return search.excerpt(article, words)


@register.simple_tag
def news_article_json_ld(article):
    """The article's schema.org NewsArticle data in a script element that no text in it can break out of."""
    data = json.dumps(metadata.news_article(article), ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data))


@register.tag
def shared(parser, token):
    """{% shared "name" key %}…{% endshared %}: a part every reader sees alike, kept per page generation.

    Kept only where the view put `page_generation` in the context (reader pages, not previews).
    """
    name, *parts = token.split_contents()[1:]
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    return SharedNode(parser.compile_filter(name), [parser.compile_filter(part) for part in parts], nodelist)


class SharedNode(template.Node):
    def __init__(self, name, parts, nodelist):
        self.name, self.parts, self.nodelist = name, parts, nodelist

    def render(self, context):
        generation = context.get("page_generation")
        if generation is None:
            return self.nodelist.render(context)
        parts = [part.resolve(context) for part in self.parts]
        return pagecache.cached_fragment(self.name.resolve(context), *parts, generation=generation,
                                         render=lambda: self.nodelist.render(context))
