from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from articles import articleforms, pagecache, publishing, revisions
from articles.models import Article, Author, Tag
from articles.preview import UnsavedPreviewMixin
from newsroom.admin import CappedCountPaginator, ValidatedActionsMixin


class InvalidatesPagesMixin:
    """Bulk deletes skip each row's delete(), so they start a new page generation themselves."""

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        pagecache.invalidate()


@admin.register(Author)
class AuthorAdmin(InvalidatesPagesMixin, ValidatedActionsMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(InvalidatesPagesMixin, ValidatedActionsMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(UnsavedPreviewMixin, InvalidatesPagesMixin, ValidatedActionsMixin, SimpleHistoryAdmin):
    change_form_template = "admin/articles/article/change_form.html"
    list_display = ["headline", "status_label", "author", "published_at", "updated_at"]
    list_filter = ["status", "author", "tags"]
    list_select_related = ["author"]
    search_fields = ["headline", "standfirst", "author__name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["author", "tags"]
    actions = ["submit_for_review", "publish", "unpublish"]
    history_list_display = ["status"]
    paginator = CappedCountPaginator  # an archive of tens of thousands opens without counting them all
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body"]}),
        ("Featured image", {"fields": ["image", "image_caption", "image_alt"]}),
        ("Filing", {"fields": ["author", "tags", "status", "published_at", "comments_open"]}),
    ]
    publishing_fields = ["status", "published_at"]

    def can_publish(self, request):
        return request.user.has_perm("articles.publish_article")

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)

    def get_ordering(self, request):
        """Articles waiting for review come first, then the most recently changed."""
        in_review_first = Case(When(status=Article.Status.REVIEW, then=Value(0)), default=Value(1),
                               output_field=IntegerField())
        return [in_review_first.asc(), "-updated_at"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.can_publish(request):
            readonly += [*self.publishing_fields, "author"]
        return readonly

    def has_change_permission(self, request, obj=None):
        """Journalists change their own drafts and articles in review; published work is the editors'."""
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or self.can_publish(request):
            return True
        return obj.author.user_id == request.user.pk and obj.status != Article.Status.PUBLISHED

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or self.can_publish(request) or obj.author.user_id == request.user.pk

    def has_add_permission(self, request):
        if not super().has_add_permission(request):
            return False
        return self.can_publish(request) or hasattr(request.user, "author")

    def has_publish_permission(self, request):
        return self.can_publish(request)

    def has_submit_permission(self, request):
        return request.user.has_perm("articles.change_article")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        articleforms.explain_fields(form, article=obj, may_add_tags=request.user.has_perm("articles.add_tag"))
        if "_schedule" in request.POST and self.can_publish(request):
            return type(form.__name__, (form,), {"clean": articleforms.require_future_publish_time})
        return form

    def save_model(self, request, obj, form, change):
        if self.can_publish(request):
            self.apply_publishing_button(request, obj)
        else:
            publishing.keep_publishing_state(obj, by=request.user)
            if "_submit_for_review" in request.POST and obj.status == Article.Status.DRAFT:
                publishing.mark_submitted(obj)
                self.message_user(request, f"“{obj}” was submitted for review. An editor will publish it.")
        if not getattr(obj, "_change_reason", None):
            obj._change_reason = revisions.summary(form, add=not change)
        super().save_model(request, obj, form, change)
        buttons = {"_publish_now", "_schedule"} & set(request.POST)
        if self.can_publish(request) and ({"status", "published_at"} & set(form.changed_data) or buttons):
            self.confirm_publishing(request, obj)

    def save_related(self, request, form, formsets, change):
        """Tags are set after save() wrote the revision: they go into it, not into a revision of their own."""
        form.instance.skip_history_when_saving = True
        try:
            super().save_related(request, form, formsets, change)
        finally:
            del form.instance.skip_history_when_saving
        if "tags" in form.changed_data:
            revisions.record_tags(form.instance)

    def apply_publishing_button(self, request, obj):
        """“Publish now” publishes at once (an earlier first publish time is kept); “Schedule” at the time set."""
        if "_publish_now" in request.POST:
            publishing.mark_published_now(obj)
        elif "_schedule" in request.POST:
            publishing.mark_scheduled(obj, reason=f"Scheduled for {articleforms.when(obj.published_at)}")

    def confirm_publishing(self, request, obj):
        if obj.is_scheduled:
            self.message_user(request, f"“{obj}” is scheduled for {articleforms.when(obj.published_at)}.")
        elif obj.is_live:
            self.message_user(request, f"“{obj}” is published: readers see it now.")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        is_draft = obj is None or obj.status == Article.Status.DRAFT
        context["can_publish_now"] = self.can_publish(request) and (obj is None or not obj.is_live)
        context["can_submit_for_review"] = is_draft and not self.can_publish(request) and (
            self.has_add_permission(request) if obj is None else self.has_change_permission(request, obj)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if hasattr(request.user, "author"):
            initial.setdefault("author", request.user.author.pk)
        return initial

    @admin.display(description="Status", ordering="status")
    def status_label(self, obj):
        if obj.is_scheduled:
            return format_html("Scheduled for {}", formats.date_format(timezone.localtime(obj.published_at),
                                                                       "DATETIME_FORMAT"))
        return obj.get_status_display()

    @admin.action(description="Submit selected drafts for review", permissions=["submit"])
    def submit_for_review(self, request, queryset):
        count = self.log_moves(request, publishing.submit_for_review(queryset, by=request.user))
        self.message_user(request, ngettext("%d article submitted for review.",
                                            "%d articles submitted for review.", count) % count)

    @admin.action(description="Publish selected articles now (scheduled ones too)", permissions=["publish"])
    def publish(self, request, queryset):
        count = self.log_moves(request, publishing.publish(queryset, by=request.user))
        self.message_user(request, ngettext("%d article published.", "%d articles published.", count) % count)

    @admin.action(description="Unpublish selected articles (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        count = self.log_moves(request, publishing.unpublish(queryset, by=request.user))
        self.message_user(request, ngettext("%d article unpublished.", "%d articles unpublished.", count) % count,
                          messages.WARNING)

    def log_moves(self, request, articles):
        for article in articles:
            self.log_change(request, article, article._change_reason)
        return len(articles)

    def history_view(self, request, object_id, extra_context=None):
        self.get_visible_article(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Restoring a version needs the right to change the article as it stands now."""
        live = self.get_visible_article(request, object_id)
        if not str(version_id).isdigit():
            raise Http404
        if request.method == "POST" and not self.has_change_permission(request, live):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_visible_article(self, request, object_id):
        """The article behind an admin URL, if this user may see it; 404 for odd ids and others' articles."""
        object_id = unquote(object_id)
        if not object_id.isdigit():
            raise Http404
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    def get_urls(self):
        preview = path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view),
                       name="articles_article_preview")
        return [preview, *super().get_urls()]

    def preview_view(self, request, pk):
        """Shows an article exactly as readers will see it, whatever its status."""
        article = get_object_or_404(Article.objects.select_related("author").prefetch_related("tags"), pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        context = {
            "article": article,
            "object": article,
            "recommended": Article.objects.recommended_for(article),
            "is_preview": True,
            "preview_back_url": reverse("admin:articles_article_change", args=[pk]),
        }
        return TemplateResponse(request, "articles/article_detail.html", context)

