from django.conf import settings
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from articles import pagecache, search, sitemaps
from articles.models import Article, Author, Tag
from articles.pagecache import public_page


class NearestPageMixin:
    """Pages of ARTICLES_PER_PAGE articles, where an odd page number shows the nearest page, not a 404."""

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        try:
            number = int(self.request.GET.get("page") or 1)
        except ValueError:  # not a number, or one of thousands of digits
            number = 1
        # Below 1 shows the first page, past the end the last.
        page = paginator.page(min(max(number, 1), paginator.num_pages))
        return paginator, page, page.object_list, page.has_other_pages()


@method_decorator(public_page, name="dispatch")
class ArticleListView(NearestPageMixin, ListView):
    """Home page: the lead story and the latest published articles."""

    template_name = "articles/article_list.html"

    def get_queryset(self):  # runs per request, so scheduled articles appear on time
        return Article.objects.published().for_cards()


@method_decorator(public_page, name="dispatch")
class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return Article.objects.published().select_related("author").defer("search_document")

    def get_context_data(self, **kwargs):
        # The article's parts are kept per page generation; their queries run only when a part is rendered.
        return super().get_context_data(
            page_generation=pagecache.current_generation(self.request),
            recommended=SimpleLazyObject(lambda: list(Article.objects.recommended_for(self.object))), **kwargs,
        )


class NamedPageArticleListView(ArticleListView):
    """The articles of one tag or author, found by the slug in the URL, with the addresses of its feeds."""

    named_page_model = None  # Tag or Author
    article_lookup = None  # how an article names it
    rss_feed = atom_feed = None  # the URL names of its feeds

    def get_queryset(self):
        self.named_page = get_object_or_404(self.named_page_model, slug=self.kwargs["slug"])
        return super().get_queryset().filter(**{self.article_lookup: self.named_page})

    def get_context_data(self, **kwargs):
        slug = {"slug": self.named_page.slug}
        return super().get_context_data(
            named_page=self.named_page,
            **{self.named_page_model._meta.model_name: self.named_page},  # "tag" or "author" in the template
            rss_url=reverse(self.rss_feed, kwargs=slug),
            atom_url=reverse(self.atom_feed, kwargs=slug),
            **kwargs,
        )


class TagArticleListView(NamedPageArticleListView):
    template_name = "articles/tag_detail.html"
    named_page_model, article_lookup = Tag, "tags"
    rss_feed, atom_feed = "articles:tag-feed", "articles:tag-feed-atom"


class AuthorArticleListView(NamedPageArticleListView):
    template_name = "articles/author_detail.html"
    named_page_model, article_lookup = Author, "author"
    rss_feed, atom_feed = "articles:author-feed", "articles:author-feed-atom"


@method_decorator(public_page, name="dispatch")
class SearchView(NearestPageMixin, ListView):
    """Published articles holding the words of `?q=`, the most relevant first, with the matches marked."""

    template_name = "articles/search.html"

    def get_queryset(self):
        self.query = search.clean_query(self.request.GET.get("q"))
        return search.search(self.query).select_related("author")

    def get_context_data(self, **kwargs):
        words = search.terms(self.query)
        return super().get_context_data(search_query=self.query, search_terms=words, **kwargs)


@public_page
@require_safe
def sitemap_index(request):
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": sitemaps.index_entries()}, content_type="application/xml"
    )


@public_page
@require_safe
def robots_txt(request):
    context = {"disallowed": [reverse("admin:index"), reverse("articles:search")]}
    return TemplateResponse(request, "articles/robots.txt", context, content_type="text/plain; charset=utf-8")
