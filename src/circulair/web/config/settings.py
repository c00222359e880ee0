"""Django settings. The only place that reads the environment (see ``.env.example``).

Two modes: ``CIRCULAIR_MODE=development`` (the default: embedded SQLite, a secret key made once
and kept in the data folder) and ``production`` (``SECRET_KEY`` and ``ALLOWED_HOSTS`` required;
startup fails with the fix in the message). DEBUG is off in both unless ``DEBUG=true`` (what
``circulair serve --dev`` sets).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # src/circulair
WEB_DIR = PACKAGE_DIR / "web"

env = environ.Env()
environ.Env.read_env(Path.cwd() / ".env", overwrite=False)

MODE = env.str("CIRCULAIR_MODE", default="development")
if MODE not in ("development", "production"):
    raise ImproperlyConfigured(
        f"CIRCULAIR_MODE={MODE!r} is not valid: set it to 'development' or 'production'."
    )
PRODUCTION = MODE == "production"

DATA_DIR = Path(env.str("CIRCULAIR_DATA_DIR", default=str(Path.cwd() / "var"))).resolve()
# Off unless asked for: a DEBUG page shows settings, SQL and the URL list to any visitor.
DEBUG = env.bool("DEBUG", default=False)


def _kept_secret_key(path: Path) -> str:
    """The development key: made once (mode 0600) and read on every later start, so sessions and
    reset links outlive a restart. Written aside and hard-linked into place, so two workers
    starting at once keep one key."""
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-")  # mode 0600
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(50))
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process was first: its key is the one
            finally:
                os.unlink(tmp)
        return path.read_text().strip()
    except OSError as e:
        raise ImproperlyConfigured(
            f"Cannot keep the secret key in {path} ({e.strerror}): make CIRCULAIR_DATA_DIR "
            "writable or set SECRET_KEY."
        ) from e


SECRET_KEY = env.str("SECRET_KEY", default="")
if PRODUCTION and not SECRET_KEY:
    raise ImproperlyConfigured(
        "Production mode needs a secret key. Set SECRET_KEY in the environment or in .env, e.g.\n"
        "  export SECRET_KEY=\"$(python -c 'import secrets; print(secrets.token_urlsafe(50))')\""
    )
SECRET_KEY = SECRET_KEY or _kept_secret_key(DATA_DIR / "secret_key")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "Production mode needs ALLOWED_HOSTS, e.g. export ALLOWED_HOSTS=circulair.example.org"
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'circulair.sqlite3'}")
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections, checked before reuse: opening one per request (a server process
    # forked per connection) capped a cached page at ~50 requests/s on 2 cores. Not for SQLite,
    # where the same setting measured slower under concurrent threads.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn threads, workers and CLI commands write one file at once. WAL lets
    # readers go on while one writes (synchronous=NORMAL is safe with WAL and skips an fsync per
    # commit); a writer waits for the lock instead of failing with "database is locked", up to
    # CIRCULAIR_SQLITE_BUSY_SECONDS: longer than the write phase of the largest import an upload
    # may hold (about 45 s for a million rows; imports check every row before they take the
    # lock) and shorter than a job's lease, so that a job's heartbeat waiting behind its own
    # import is never taken for a dead worker. IMMEDIATE takes the write lock when a transaction
    # begins, because a transaction that read first cannot wait for it later (SQLite refuses at
    # once). Django >= 5.1.
    DATABASES["default"].setdefault("OPTIONS", {})
    for option, value in {
        "timeout": env.float("CIRCULAIR_SQLITE_BUSY_SECONDS", default=90.0),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }.items():
        DATABASES["default"]["OPTIONS"].setdefault(option, value)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's cache (public pages, evaluations): CACHE_URL, like DATABASE_URL. Unset or locmem://:
# this process's memory. redis://[:password@]host:6379/1 (rediss:// for TLS): one cache shared
# by every worker and machine, on Django's own Redis backend (the redis package). Other
# django-environ schemes (filecache://, dbcache://...) are read as django-environ reads them.
_CACHE_URL = env.str("CACHE_URL", default="") or "locmem://"
_cache = env.cache_url_config(
    _CACHE_URL.replace("locmem://", "locmemcache://", 1),
    backend="django.core.cache.backends.redis.RedisCache"
    if _CACHE_URL.startswith(("redis://", "rediss://"))
    else None,
)
# django-environ passes ?timeout= and ?key_prefix= to Django's Redis backend in lower case
_BASE = ("timeout", "key_prefix", "version")
CACHES = {"default": {k.upper() if k in _BASE else k: v for k, v in _cache.items()}}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "allauth",
    "allauth.account",
    # the task queue (Django's tasks framework, backported) and its database backend
    "django_tasks",
    "django_tasks_db",
    "circulair.web.apps.common",
    "circulair.web.apps.accounts",
    "circulair.web.apps.portal",
    "circulair.web.apps.knowledge",
    "circulair.web.apps.geography",
    "circulair.web.apps.atlas",
    "circulair.web.apps.monitor",
    "circulair.web.apps.organisations",
    "circulair.web.apps.exchange",
    "circulair.web.apps.agenda",
    "circulair.web.apps.doers",
    "circulair.web.apps.scan",
    "circulair.web.apps.flows",
]

MIDDLEWARE = [
    # First: one log line per request, timing everything below it.
    "circulair.web.apps.common.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication: a signed-in user's profile language when no language was chosen.
    "circulair.web.apps.accounts.middleware.ProfileLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: answers a locked-out login (too many failed attempts) with 429.
    "axes.middleware.AxesMiddleware",
]

# --- security ---------------------------------------------------------------------------------
# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed attempts for one user name from
# one address, that pair is locked for AXES_COOLOFF_MINUTES (web form and API Basic auth alike);
# a successful login resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# allauth's form posts "login" (a user name or an e-mail address): count failures per that.
AXES_USERNAME_CALLABLE = "circulair.web.apps.accounts.services.login_attempt_name"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_VERBOSE = False


def _tile_source(url: str) -> list[str]:
    """The optional map-tile server as a CSP source (``{s}`` subdomains as a wildcard)."""
    if not url.startswith(("https://", "http://")):
        return []
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return [f"{scheme}://{host}"]


# Content-Security-Policy (django-csp) in every mode, so the browser tests run under it: scripts
# only from this site (no inline script), styles from this site plus inline style attributes
# (Leaflet and the charts use them), images from this site, data: URIs and the tile server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": [
            "'self'",
            "data:",
            *_tile_source(env.str("CIRCULAIR_MAP_TILE_URL", default="")),
        ],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    # HTTPS only in production (behind a TLS-terminating proxy that sets X-Forwarded-Proto).
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:  # preloading is an opt-in commitment of the domain's owner
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

ROOT_URLCONF = "circulair.web.config.urls"
WSGI_APPLICATION = "circulair.web.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "circulair.web.apps.portal.presenters.platform",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if not PRODUCTION
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)  # STARTTLS, usually port 587
# Anonymous visitors' pages and API answers are reused per data version for at most this long
# (common/public_cache.py); 0 turns that cache off.
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=60)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="circulair@localhost")
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
# The address people reach the platform at: every link in an e-mail is built from it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- accounts (django-allauth) ----------------------------------------------------------------
# Sign-in by user name or e-mail; password reset and e-mail confirmation by mail. Nobody signs up
# on their own: people join by an organisation's invitation (organisations app), so the sign-up
# form is closed (accounts.services.AccountAdapter).
ACCOUNT_ADAPTER = "circulair.web.apps.accounts.services.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
# A reset asked for an unknown address sends nothing (allauth would invite to a closed sign-up).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Circulair] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Login throttling is django-axes' job (above); allauth's own limits stay for resets and mails.
ACCOUNT_RATE_LIMITS = {"login_failed": False}

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [WEB_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Brussels"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [WEB_DIR / "static"]
# collectstatic target, used in production only (development serves from the finders).
STATIC_ROOT = DATA_DIR / "staticfiles" if PRODUCTION else None
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Imports (common/tables.py, common/uploads.py): an uploaded table above CIRCULAIR_UPLOAD_MAX_MB
# is refused before it is read; an XLSX whose members unpack to more than
# CIRCULAIR_XLSX_MAX_UNCOMPRESSED_MB (or one member packed more than CIRCULAIR_XLSX_MAX_RATIO
# times) is refused before openpyxl opens it (a decompression bomb). Files above 2.5 MB are
# spooled to disk while uploading, never held in memory.
CIRCULAIR_UPLOAD_MAX_MB = env.int("CIRCULAIR_UPLOAD_MAX_MB", default=200)
CIRCULAIR_XLSX_MAX_UNCOMPRESSED_MB = env.int("CIRCULAIR_XLSX_MAX_UNCOMPRESSED_MB", default=500)
CIRCULAIR_XLSX_MAX_RATIO = env.int("CIRCULAIR_XLSX_MAX_RATIO", default=200)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# An import page (monitor, agenda actions, exchange listings) given a file above this size hands
# it to a worker, with its progress on /jobs/<id>/
# (a million rows take minutes); a smaller one is answered in the request.
CIRCULAIR_IMPORT_JOB_BYTES = env.int("CIRCULAIR_IMPORT_JOB_BYTES", default=2_000_000)
# The body of a request that is not a file (form fields, JSON) stays small; uploads are files.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Region shown by default; another region is another data folder (circulair/data/regions/<slug>).
CIRCULAIR_DEFAULT_REGION = env.str("CIRCULAIR_DEFAULT_REGION", default="flanders")
# Run background jobs in the request instead of a thread (tests; single-threaded debugging).
CIRCULAIR_JOBS_INLINE = env.bool("CIRCULAIR_JOBS_INLINE", default=False)
# PDF reports built at the same time per process (common/pdf.py); others wait, then get 503.
CIRCULAIR_PDF_CONCURRENCY = env.int("CIRCULAIR_PDF_CONCURRENCY", default=1)
# Optional background map tiles (the map works offline without them), e.g.
# https://tile.openstreetmap.org/{z}/{x}/{y}.png
CIRCULAIR_MAP_TILE_URL = env.str("CIRCULAIR_MAP_TILE_URL", default="")
CIRCULAIR_MAP_TILE_ATTRIBUTION = env.str("CIRCULAIR_MAP_TILE_ATTRIBUTION", default="")
# Four-eyes rule for the monitor's official figures: an editor's import waits, unpublished,
# until a second monitor editor (or an administrator) approves it (monitor/services/approval.py).
CIRCULAIR_MONITOR_FOUR_EYES = env.bool("CIRCULAIR_MONITOR_FOUR_EYES", default=False)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "circulair.web.apps.common.api.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "circulair.web.apps.common.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["circulair.web.apps.common.api.FilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "EXCEPTION_HANDLER": "circulair.web.apps.common.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Circulair API",
    "DESCRIPTION": "Read API of the Circulair platform: knowledge base and reference geography.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The documented request format is JSON (forms are still accepted; the file imports
    # document their multipart body themselves).
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # Several models have a "status" or an "origin" with their own choices: name each set.
    "ENUM_NAME_OVERRIDES": {
        "ActionStatusEnum": "circulair.web.apps.agenda.models.Action.Status",
        "BottleneckStatusEnum": "circulair.web.apps.agenda.models.Bottleneck.Status",
        "CaseStatusEnum": "circulair.web.apps.doers.models.Case.Status",
        "CaseOriginEnum": "circulair.web.apps.doers.models.Case.Origin",
        "ListingKindEnum": "circulair.web.apps.exchange.models.Listing.Kind",
        "ListingStatusEnum": "circulair.web.apps.exchange.models.Listing.Status",
        "MatchStatusEnum": "circulair.web.apps.exchange.models.Match.Status",
        "JobStatusEnum": "circulair.web.apps.common.models.Job.Status",
        "ScanResponseStatusEnum": "circulair.web.apps.scan.models.Response.Status",
        "ObservationOriginEnum": "circulair.web.apps.monitor.models.Observation.Origin",
    },
}

# LOG_FORMAT=json (the default in production): one JSON object per line — time, level, logger,
# message and the line's fields (a request's method, path, status and ms; a job's id, kind,
# status, attempt and seconds) — for a log collector; plain text otherwise. python-json-logger
# is the formatter (well kept, no other dependency).
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports every SVG presentation attribute it reads as CSS ("Ignored `fill`"):
    # noise for our matplotlib charts, so only its errors are logged.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

if PRODUCTION:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True

# Background jobs and atlas runs (see .env.example): concurrent runs per account and in all,
# solver seconds per role, and when a job whose heartbeat stopped counts as dead.
CIRCULAIR_JOBS_PER_USER = env.int("CIRCULAIR_JOBS_PER_USER", default=2)
CIRCULAIR_ATLAS_JOBS_MAX = env.int("CIRCULAIR_ATLAS_JOBS_MAX", default=4)
CIRCULAIR_ATLAS_TIME_LIMIT_USER = env.int("CIRCULAIR_ATLAS_TIME_LIMIT_USER", default=300)
CIRCULAIR_ATLAS_TIME_LIMIT_STAFF = env.int("CIRCULAIR_ATLAS_TIME_LIMIT_STAFF", default=1800)
CIRCULAIR_JOB_HEARTBEAT_SECONDS = env.int("CIRCULAIR_JOB_HEARTBEAT_SECONDS", default=5)
CIRCULAIR_JOB_STALE_SECONDS = env.int("CIRCULAIR_JOB_STALE_SECONDS", default=120)
# Attempts a job may take in all: a dead worker's job or a transient failure (database or mail
# server away) is queued again until then; the pause before a retry grows with the attempt.
CIRCULAIR_JOB_ATTEMPTS = env.int("CIRCULAIR_JOB_ATTEMPTS", default=2)
CIRCULAIR_JOB_RETRY_SECONDS = env.float("CIRCULAIR_JOB_RETRY_SECONDS", default=10.0)
# The task queue: jobs are rows of the platform's own database (SQLite embedded, PostgreSQL in
# production), run by `circulair worker` processes on any machine that reaches the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
