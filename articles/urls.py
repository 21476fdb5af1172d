from django.urls import path

from articles import views

app_name = "articles"
urlpatterns = [
    path("", views.ArticleListView.as_view(), name="home"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("tags/<slug:slug>/", views.TagArticleListView.as_view(), name="tag"),
    path("authors/<slug:slug>/", views.AuthorArticleListView.as_view(), name="author"),
]
