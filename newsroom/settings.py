"""Settings for Newsroom: every machine-specific value comes from the environment or a `.env` file."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of 50 characters or more when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
SITE_NAME = env.str("SITE_NAME", default="Newsroom")
# `make run` and `make serve-prod` pass the HOST and PORT they serve on: without SITE_URL, links use them.
HOST = env.str("HOST", default="127.0.0.1")
PORT = env.int("PORT", default=8000)
_LINK_HOST = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(HOST, f"[{HOST}]" if ":" in HOST else HOST)
SITE_URL = env.str("SITE_URL", default=f"http://{_LINK_HOST}:{PORT}").rstrip("/")
TIME_ZONE = env.str("TIME_ZONE", default="UTC")

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",  # django.contrib.admin with the dashboard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "csp",
    "simple_history",
    "django_prose_editor",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "newsroom",  # the admin of failed logins, and the Editor group's permission to unlock them
    "articles",
    "comments",
]

MIDDLEWARE = [
    "newsroom.middleware.AllowedMethodsMiddleware",
    "newsroom.middleware.HealthCheckMiddleware",
    "newsroom.middleware.ProxiedClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages for readers without cookies, served before the middleware below runs (README "Performance").
    "articles.pagecache.PageCacheMiddleware",
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a login refused for a locked-out client into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
                "comments.context_processors.moderation_queue",
                "comments.context_processors.commenter",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Connections are kept between requests in production; each request first checks that its kept connection still
# works (CONN_HEALTH_CHECKS), so a connection the server dropped is replaced instead of failing the request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # An unreachable Redis fails fast instead of holding every request that touches the cache.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_connect_timeout=env.float("CACHE_TIMEOUT", default=1.0),
        socket_timeout=env.float("CACHE_TIMEOUT", default=1.0),
    )
vars().update(env.email("EMAIL_URL", default="consolemail://"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)  # seconds a slow mail server may hold up a request
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="newsroom@localhost")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Mail and other slow work waits in the database for `manage.py db_worker`; see README "Operations".
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out clients before any password is checked
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
FORMAT_MODULE_PATH = ["newsroom.formats"]  # one date format in the admin
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = env.str("MEDIA_URL", default="media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_ROOT = BASE_DIR / "static" / "root"  # files served at the site root: /favicon.ico
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)  # uploads served by Django itself: one machine only
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names in production, served by whitenoise with far-future cache headers.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# cached_db sessions that fall back to the database alone while the cache (Redis) is down.
SESSION_ENGINE = env.str("SESSION_ENGINE", default="newsroom.sessions")
SESSION_COOKIE_NAME = "sessionid"
SESSION_COOKIE_HTTPONLY = True

# Security: on by default whenever DEBUG is off; see README "Production".
# The number of trusted proxies (load balancers) in front of the app, for the client address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if env.bool("SECURE_PROXY_SSL", default=TRUSTED_PROXY_COUNT > 0):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): no inline or third-party scripts on reader pages.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([MEDIA_URL] if MEDIA_URL.startswith("https://") else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# The admin's rich-text editor loads its modules through an inline import map and the admin uses inline
# styles; the admin is for logged-in staff only, so it alone allows inline scripts and styles.
ADMIN_CONTENT_SECURITY_POLICY_EXTRA = {"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"]}

# Admin login throttling (django-axes): see README "Operations". A username, or a client address, with
# AXES_FAILURE_LIMIT failed logins is refused for AXES_COOLOFF_MINUTES, or until staff unlock it.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # its start-up banner would go to standard output in every command
AXES_LOCKOUT_CALLABLE = "newsroom.views.login_locked_out"
AXES_SENSITIVE_PARAMETERS = []  # the username and address are logged; axes never logs the password
# REMOTE_ADDR is already the client's (ProxiedClientAddressMiddleware), so axes reads it instead of headers.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

ARTICLES_PER_PAGE = env.int("ARTICLES_PER_PAGE", default=10)

# Comments: see README "Configuration".
COMMENTS_MAX_DEPTH = env.int("COMMENTS_MAX_DEPTH", default=3)
COMMENTS_PER_PAGE = env.int("COMMENTS_PER_PAGE", default=50)
COMMENTS_RATE_LIMIT = env.int("COMMENTS_RATE_LIMIT", default=5)
COMMENTS_RATE_PERIOD = env.int("COMMENTS_RATE_PERIOD", default=60)
COMMENTS_MIN_FILL_SECONDS = env.int("COMMENTS_MIN_FILL_SECONDS", default=3)
COMMENTS_CLOSE_AFTER_DAYS = env.int("COMMENTS_CLOSE_AFTER_DAYS", default=None)
COMMENTS_HOLD_ALL = env.bool("COMMENTS_HOLD_ALL", default=True)
COMMENTS_MAX_LINKS = env.int("COMMENTS_MAX_LINKS", default=2)
COMMENTS_TRUST_AFTER = env.int("COMMENTS_TRUST_AFTER", default=0)
COMMENTS_REPORT_THRESHOLD = env.int("COMMENTS_REPORT_THRESHOLD", default=3)
COMMENTS_NOTIFY_MODERATORS = env.bool("COMMENTS_NOTIFY_MODERATORS", default=True)
COMMENTS_DIGEST_MINUTES = env.int("COMMENTS_DIGEST_MINUTES", default=10)
# A bulk decision on more comments than this runs in the task queue, COMMENTS_BULK_BATCH at a time.
COMMENTS_BULK_TASK_THRESHOLD = env.int("COMMENTS_BULK_TASK_THRESHOLD", default=1000)
COMMENTS_BULK_BATCH = env.int("COMMENTS_BULK_BATCH", default=1000)
# Days a comment's client address and browser are kept for moderation; then `purge_personal_data` clears them.
COMMENTS_KEEP_CLIENT_DAYS = env.int("COMMENTS_KEEP_CLIENT_DAYS", default=30)
# Where readers ask for a copy or the erasure of what is stored about them (the /privacy/ page says so).
PRIVACY_EMAIL = env.str("PRIVACY_EMAIL", default=DEFAULT_FROM_EMAIL)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "newsroom.logging.JSONFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"redact": {"()": "newsroom.logging.RedactPersonalData"}},  # no emails, no full client addresses
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "filters": ["redact"],
                    "formatter": env.str("LOG_FORMAT", default="plain" if DEBUG else "json")},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO"),
                           "propagate": False}},
}

# Article bodies are cleaned by articles/sanitize.py (bleach) on every save, not by the editor's own sanitiser.
SILENCED_SYSTEM_CHECKS = ["django_prose_editor.W004"]

# Page cache: reader pages kept for readers who bring none of these cookies; see README "Performance".
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)
# The session (staff, a poster's pending comments), flash messages, and a commenter's saved details and proof.
PAGE_CACHE_PERSONAL_COOKIES = [SESSION_COOKIE_NAME, "messages", "comment_author", "comment_trust"]
