"""Previews of unsaved changes: the article form posted to a preview, shown as readers would see it, never kept."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from articles import publishing
from articles.models import Article


class RolledBack(Exception):
    """Raised to undo the preview's save once the page is rendered."""


class UnsavedPreviewMixin:
    """For ArticleAdmin: “Preview changes” posts the form here, in a new tab, before or instead of saving."""

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.preview_changes_view))
        return [
            path("preview-changes/", view, name="articles_article_preview_changes"),
            path("<int:pk>/preview-changes/", view, name="articles_article_preview_changes"),
            *super().get_urls(),
        ]

    def preview_changes_view(self, request, pk=None):
        """Save the posted form in a transaction, render the article page from it, then roll the save back."""
        article = self.get_visible_article(request, str(pk)) if pk is not None else None
        allowed = self.has_change_permission(request, article) if article else self.has_add_permission(request)
        if not allowed:
            raise PermissionDenied
        form = self.get_form(request, article, change=article is not None)(request.POST, instance=article)
        if not form.is_valid():
            return TemplateResponse(request, "admin/articles/article/preview_errors.html", {
                **self.admin_site.each_context(request), "title": "The preview needs a few fixes", "form": form,
            }, status=400)
        try:
            with transaction.atomic():
                response = self.render_preview(request, form, back_to=article)
                raise RolledBack
        except RolledBack:
            pass
        return response

    def render_preview(self, request, form, back_to=None):
        """The article page as readers will see it, from the form's values; an image chosen but not saved waits."""
        preview = form.save(commit=False)
        if not self.can_publish(request):
            publishing.keep_publishing_state(preview, by=request.user)
        preview._history_user = request.user
        preview.save()
        form.save_m2m()
        preview = Article.objects.select_related("author").prefetch_related("tags").get(pk=preview.pk)
        back = reverse("admin:articles_article_change", args=[back_to.pk]) if back_to is not None else ""
        return TemplateResponse(request, "articles/article_detail.html", {
            "article": preview, "object": preview, "recommended": list(Article.objects.recommended_for(preview)),
            "is_preview": True, "is_unsaved_preview": True, "preview_back_url": back,
        }).render()
