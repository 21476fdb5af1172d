"""A commenter's record on a comment's page: their history, the moderators' notes on them, and reader reports."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext

from comments.admin.filters import QueueStatusFilter, commenter_token
from comments.admin.search import list_url
from comments.models import Comment, ModeratorNote


class CommenterRecordMixin:
    """For CommentAdmin: the read-only fields that show what is known of a commenter, and adding notes."""

    @admin.display(description="Commenter's history")
    def history(self, obj):
        """The commenter's record, from the annotations of CommentQuerySet.with_commenter_history()."""
        notes = ngettext("%d note", "%d notes", obj.history_notes) % obj.history_notes
        return (f"{obj.history_pending} pending · {obj.history_approved} approved · "
                f"{obj.history_rejected} rejected · {obj.history_spam} spam"
                f" · {notes}")

    @admin.display(description="Commenter's history")
    def commenter_history(self, obj):
        """The commenter's record with a link to all their comments, and the moderators' notes themselves."""
        query = urlencode({"commenter": commenter_token(obj), "status": QueueStatusFilter.ALL})
        link = f"{reverse('admin:comments_comment_changelist')}?{query}"
        notes = ModeratorNote.objects.from_email(obj.email).select_related("author", "comment__article")[:20]
        items = format_html_join("", "<li>{} — {}: {} {}</li>", (
            (admin_time(note.created_at), note.author or "—", note.body,
             self._noted_comment(note)) for note in notes
        ))
        notes_html = format_html("<ul>{}</ul>", items) if notes else "No moderator notes yet."
        return format_html('{} (<a href="{}">see them all</a>)<br>{}', self.history(obj), link, notes_html)

    def _noted_comment(self, note):
        if note.comment is None:
            return "(on a comment since deleted)"
        url = reverse("admin:comments_comment_change", args=[note.comment_id])
        return format_html('<a href="{}">(on “{}”)</a>', url, note.comment.excerpt)

    @admin.display(description="Reader reports")
    def reader_reports(self, obj):
        """What readers reported, newest last; who reported is kept only as keyed hashes."""
        reports = list(obj.reports.all())
        if not reports:
            return "None."
        return format_html("<ul>{}</ul>", format_html_join(
            "", "<li>{} — {}{}</li>",
            ((admin_time(report.created_at), report.get_concern_display(),
              f": “{report.detail}”" if report.detail else "") for report in reports),
        ))

    def has_note_permission(self, request):
        return request.user.has_perm("comments.add_moderatornote") and self.has_private_data_permission(request)

    def save_note(self, request, obj, form):
        """Keep the note typed on the change page, if its author may add notes; the form field exists either way."""
        body = form.cleaned_data.get("note", "") if self.has_note_permission(request) else ""
        if body:
            ModeratorNote.objects.create(comment=obj, body=body, author=request.user)
            # The history is read by staff without the private-data permission: it records the note, not its text.
            self.log_change(request, obj, "Added a moderator note.")

    def search_view(self, request):
        """The queue's search, posted so that an email address never travels in a URL (nor so in access logs).

        A whole address opens that commenter's comments through a signed token; other words search as usual.
        """
        changelist = reverse("admin:comments_comment_changelist")
        if request.method != "POST":
            return HttpResponseRedirect(changelist)
        query = " ".join(request.POST.get("q", "").split())
        params = {key: value for key, value in request.POST.items() if key not in {"q", "csrfmiddlewaretoken"}}
        if "@" not in query:
            return HttpResponseRedirect(list_url(changelist, params | ({"q": query} if query else {})))
        if not self.has_private_data_permission(request):
            self.message_user(request, "Searching by email address needs the permission to see commenters' "
                              "emails.", messages.WARNING)
            return HttpResponseRedirect(list_url(changelist, params))
        comment = Comment.objects.from_email(query).order_by("-created_at", "-pk").first()
        if comment is None:
            self.message_user(request, "No comment was posted with this email address.", messages.WARNING)
            return HttpResponseRedirect(list_url(changelist, params))
        params |= {"commenter": commenter_token(comment), "status": QueueStatusFilter.ALL}
        return HttpResponseRedirect(list_url(changelist, params))


def admin_time(moment):
    """A time written the admin's one way (DATETIME_FORMAT, “5 Dec 2026, 09:00”)."""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
