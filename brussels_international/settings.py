"""Settings of the Brussels International platform: one module, driven by environment variables.

Environment variables (all optional in development):

- ``DEBUG`` ("1"/"0", default "0"): development mode.
- ``DEMO_MODE`` ("1"/"0", default "0"): allows the demo staff accounts; refused unless DEBUG.
- ``SECRET_KEY``: required when DEBUG is off.
- ``ALLOWED_HOSTS``: comma-separated host names (default ``127.0.0.1,localhost`` in DEBUG).
- ``DATABASE_URL``: e.g. ``postgres://user@127.0.0.1:5432/bi``; SQLite file ``db.sqlite3`` if absent.
- ``EMAIL_URL``-style settings: ``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``,
  ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS``, ``DEFAULT_FROM_EMAIL``; console backend in DEBUG.
  ``EMAIL_TIMEOUT``: seconds an SMTP connection or command may block (default 20).
- ``SITE_BASE_URL``: public address used in mails and feeds (default http://127.0.0.1:8000).
- ``SECURE_SSL_REDIRECT`` ("1"/"0", default "1" when DEBUG is off): off behind a proxy that
  already redirects.
- ``SCREENING_EU_TOKEN``: the token of the EU financial sanctions file download address;
  ``SCREENING_DOWNLOAD_TIMEOUT``: seconds allowed per list file download (default 120).
- ``NEWSLETTER_WEBHOOK_SECRET``: shared secret of the mail provider's bounce webhook (HMAC-SHA256,
  ``newsletter/bounces.py``); empty (default): the webhook refuses every call.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
DEMO_MODE = env_bool("DEMO_MODE", False)
TESTING = "pytest" in sys.modules or env_bool("BI_TESTING")
if DEMO_MODE and not DEBUG:
    raise ImproperlyConfigured("DEMO_MODE=1 is only allowed with DEBUG=1: demo accounts never exist in production.")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if (DEBUG or TESTING) else "")

INSTALLED_APPS = [
    "brussels_international.core",
    "brussels_international.directory",
    "brussels_international.correspondence",
    "brussels_international.permits",
    "brussels_international.screening",
    "brussels_international.website",
    "brussels_international.newsletter",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]
if TESTING:
    INSTALLED_APPS.append("tests.workflow_app")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "brussels_international.core.middleware.WorkspaceCSPMiddleware",
    "brussels_international.core.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "brussels_international.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "brussels_international.core.two_factor.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "brussels_international.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "brussels_international.website.context_processors.site_context",
            ],
        },
    },
]

WSGI_APPLICATION = "brussels_international.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if TESTING else DATABASES["default"]["CONN_MAX_AGE"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one username from
# one address, that pair is locked out for AXES_COOLOFF_TIME; a success resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Two-factor authentication (core/two_factor.py): every workspace user gives a TOTP code from an
# authenticator app once per session; django-otp throttles wrong codes (1 s, 2 s, 4 s, ...).
OTP_TOTP_ISSUER = "Brussels International"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Internationalisation: French, Dutch, English (the Region's languages plus English) ---
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("nl", "Nederlands"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "var" / "media"
MEDIA_URL = "/media/"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Dossier attachments (core/documents.py): a private storage, never served as static media.
# Local disk by default; DOCUMENTS_STORAGE=s3 stores them in an S3-compatible bucket
# (django-storages; AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, AWS_S3_REGION_NAME from the environment).
DOCUMENTS_ROOT = Path(os.environ.get("DOCUMENTS_ROOT", str(BASE_DIR / "var" / "documents")))
if os.environ.get("DOCUMENTS_STORAGE", "local") == "s3":
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["documents"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DOCUMENTS_ROOT), "base_url": None},
    }
# Largest attachment accepted, in bytes (default 20 MiB).
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# One cache shared by every server process (a file cache needs no server; set
# CACHE_BACKEND/CACHE_LOCATION for Redis in a larger deployment). Tests use memory.
CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "CACHE_BACKEND",
            "django.core.cache.backends.locmem.LocMemCache"
            if TESTING
            else "django.core.cache.backends.filebased.FileBasedCache",
        ),
        "LOCATION": os.environ.get("CACHE_LOCATION", str(BASE_DIR / "var" / "cache")),
        "TIMEOUT": 300,
    }
}
# Whole-page cache of the public site for anonymous visitors (core/cache.py), in seconds; 0 disables.
PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "0" if DEBUG else "300"))

# --- Wagtail ---
WAGTAIL_SITE_NAME = "Brussels International"
SITE_BASE_URL = os.environ.get("SITE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_BASE_URL
# Wagtail's database search backend (SQLite FTS5 / PostgreSQL full-text); on SQLite with the full-text
# match run first (core/search_backend.py). SEARCH_CONFIG: PostgreSQL's text search configuration
# (migration core.0007_search: "simple" with unaccent); SQLite ignores it.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "brussels_international.core.search_backend", "SEARCH_CONFIG": "bi_search"}
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "xlsx"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_USER_TIME_ZONES = ["Europe/Brussels", "UTC"]
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party avatars (privacy, and the CSP allows none)
WAGTAIL_PASSWORD_RESET_ENABLED = True
WAGTAILADMIN_LOGIN_URL = "/admin/login/"
LOGIN_URL = "wagtailadmin_login"

# --- Background work (django-tasks with its database backend) ---
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend"
        )
    }
}

# --- Mail ---
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Brussels International <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Seconds an SMTP connection or command may block (socket timeout); the newsletter sender stops a
# chunk before a message when its lease has less than this left (newsletter/sending.py).
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "20"))
NEWSLETTER_WEBHOOK_SECRET = os.environ.get("NEWSLETTER_WEBHOOK_SECRET", "")
# Reverse proxies in front of the application that append the client's address to X-Forwarded-For
# (core/client_ip.py): 0 = none, REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# --- Newsletter sending (newsletter/sending.py): From address, messages per second (0 = no
# limit), seconds per sending chunk, optional mailto for List-Unsubscribe (RFC 2369).
NEWSLETTER_FROM_EMAIL = os.environ.get("NEWSLETTER_FROM_EMAIL", DEFAULT_FROM_EMAIL)
NEWSLETTER_RATE_PER_SECOND = float(os.environ.get("NEWSLETTER_RATE_PER_SECOND", "50"))
NEWSLETTER_CHUNK_SECONDS = float(os.environ.get("NEWSLETTER_CHUNK_SECONDS", "30"))
NEWSLETTER_UNSUBSCRIBE_MAILTO = os.environ.get("NEWSLETTER_UNSUBSCRIBE_MAILTO", "")

# --- Security (``manage.py check --deploy`` passes with DEBUG off) ---
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
# Sessions also end when the browser closes (the sign-in's "Remember me" keeps them up to 8 hours).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not TESTING)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Content Security Policy (django-csp 4). The public site runs no inline script; the
# Wagtail admin needs inline styles only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Directory search: maximum edit distance ratio accepted as a "small typo" (rapidfuzz, 0-100).
DIRECTORY_FUZZY_THRESHOLD = 85

# Screening: official addresses of the sanctions lists read by ``manage.py screening_refresh``
# (one URL, or for OFAC sdn.csv, alt.csv, add.csv in that order). ``{token}`` in the EU address is
# replaced by SCREENING_EU_TOKEN (the token shown on the EU Financial Sanctions Files page).
SCREENING_EU_TOKEN = os.environ.get("SCREENING_EU_TOKEN", "")
SCREENING_LIST_URLS: dict[str, str | list[str]] = {
    "un": "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
    "eu": "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token={token}",
    "ofac": [
        "https://www.treasury.gov/ofac/downloads/sdn.csv",
        "https://www.treasury.gov/ofac/downloads/alt.csv",
        "https://www.treasury.gov/ofac/downloads/add.csv",
    ],
    "uk": "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv",
}
# Download and load the official lists every day at 05:30 (production: SCREENING_REFRESH_DAILY=1).
SCREENING_REFRESH_DAILY = os.environ.get("SCREENING_REFRESH_DAILY", "") == "1"
SCREENING_DOWNLOAD_TIMEOUT = int(os.environ.get("SCREENING_DOWNLOAD_TIMEOUT", "120"))  # seconds per file

# Screening (issue 5): the score (0-1) at or above which a listed entity is a hit, per use.
# bench/screening.py measures precision, recall and alert rates at these values.
SCREENING_THRESHOLDS = {
    "default": float(os.environ.get("SCREENING_THRESHOLD", "0.70")),
    "workspace": float(os.environ.get("SCREENING_THRESHOLD", "0.70")),
    "api": float(os.environ.get("SCREENING_THRESHOLD", "0.70")),
    "batch": float(os.environ.get("SCREENING_THRESHOLD", "0.70")),
    "permits": float(os.environ.get("SCREENING_THRESHOLD_PERMITS", "0.70")),
    "rescreen": float(os.environ.get("SCREENING_THRESHOLD_PERMITS", "0.70")),
}
