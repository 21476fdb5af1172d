"""What a reader's browser brings: details saved by their choice, proof of past comments, their pending ones.

Only views and the context processor read these, so the rest of the app takes plain values.
"""

import json

from django.conf import settings

from comments import moderation

REMEMBER_COOKIE = "comment_author"
REMEMBER_SALT = "comments.remember"
REMEMBER_FIELDS = ("name", "email", "website")
REMEMBER_MAX_AGE = 60 * 60 * 24 * 365
# Proof that this browser posted earlier comments: their ids, signed. Trust needs it (see README).
TRUST_COOKIE = "comment_trust"
TRUST_SALT = "comments.trust"
SESSION_PENDING_KEY = "comments_pending"
SESSION_PENDING_LIMIT = 20


def remembered_author(request):
    """Name, email and website saved in this browser by the poster's own choice, or an empty dict."""
    if REMEMBER_COOKIE not in request.COOKIES:
        return {}
    try:
        data = json.loads(request.get_signed_cookie(REMEMBER_COOKIE, salt=REMEMBER_SALT, default="{}"))
    except ValueError:
        return {}
    return {key: str(data[key]) for key in REMEMBER_FIELDS if key in data} if isinstance(data, dict) else {}


def trust_proof(request):
    """The ids of the comments this browser posted, from its signed cookie; an empty list if absent or forged."""
    try:
        data = json.loads(request.get_signed_cookie(TRUST_COOKIE, salt=TRUST_SALT, default="[]"))
    except ValueError:
        return []
    if not isinstance(data, list):
        return []
    return [pk for pk in data if isinstance(pk, int)][-moderation.proof_size():]


def pending_ids(request):
    """The comments this reader posted that wait for a moderator, from their session."""
    # Without a session cookie there is nothing to read, and reading would mark the page as varying by cookie.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return []
    return request.session.get(SESSION_PENDING_KEY, [])


def remember_pending(request, comment):
    """Keep a held comment's id in its poster's session, so that they see it while it waits."""
    pending = [pk for pk in request.session.get(SESSION_PENDING_KEY, []) if pk != comment.pk]
    request.session[SESSION_PENDING_KEY] = [*pending, comment.pk][-SESSION_PENDING_LIMIT:]


def save_author(response, request, cleaned_data, comment, proof):
    """Save or forget the poster's details and trust proof in their browser, as they chose."""
    cookie = {"max_age": REMEMBER_MAX_AGE, "httponly": True, "samesite": "Lax", "secure": request.is_secure()}
    if cleaned_data["remember"]:
        saved = json.dumps({key: cleaned_data[key] for key in REMEMBER_FIELDS})
        response.set_signed_cookie(REMEMBER_COOKIE, saved, salt=REMEMBER_SALT, **cookie)
        kept = json.dumps(moderation.proof_to_keep(proof, comment))
        response.set_signed_cookie(TRUST_COOKIE, kept, salt=TRUST_SALT, **cookie)
    else:
        response.delete_cookie(REMEMBER_COOKIE, samesite="Lax")
        response.delete_cookie(TRUST_COOKIE, samesite="Lax")
