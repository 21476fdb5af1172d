from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.decorators.http import require_safe

from articles import feeds, sitemaps, views
from articles.pagecache import public_page

app_name = "articles"
# Feeds and sitemaps are read, never posted to: they answer GET and HEAD only (405 otherwise).
urlpatterns = [
    path("", views.ArticleListView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("tags/<slug:slug>/", views.TagArticleListView.as_view(), name="tag"),
    path("authors/<slug:slug>/", views.AuthorArticleListView.as_view(), name="author"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", public_page(require_safe(feeds.LatestArticlesFeed())), name="feed"),
    path("feed/atom/", public_page(require_safe(feeds.LatestArticlesAtomFeed())), name="feed-atom"),
    path("tags/<slug:slug>/feed/", public_page(require_safe(feeds.TagFeed())), name="tag-feed"),
    path("tags/<slug:slug>/feed/atom/", public_page(require_safe(feeds.TagAtomFeed())), name="tag-feed-atom"),
    path("authors/<slug:slug>/feed/", public_page(require_safe(feeds.AuthorFeed())), name="author-feed"),
    path("authors/<slug:slug>/feed/atom/", public_page(require_safe(feeds.AuthorAtomFeed())), name="author-feed-atom"),
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-news.xml", public_page(require_safe(sitemap)),
         {"sitemaps": {"news": sitemaps.NewsSitemap}, "template_name": "articles/sitemap_news.xml"},
         name="sitemap-news"),
    path("sitemap-<slug:section>.xml", public_page(require_safe(sitemap)),
         {"sitemaps": sitemaps.SECTIONS, "template_name": "articles/sitemap.xml"}, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
]
