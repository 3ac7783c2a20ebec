"""Settings for iphub, read from the environment with working embedded defaults.

Embedded mode (no environment at all) means SQLite and the search index under
``var/`` in the checkout, the immediate task backend and a local-memory cache, so
that ``make run`` serves the whole platform on a fresh machine. Production sets
``DATABASE_URL`` (PostgreSQL), ``REDIS_URL``, ``IPHUB_SECRET_KEY`` and
``IPHUB_DEBUG=0``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("IPHUB_VAR_DIR", REPO_DIR / "var"))
SHARED_DATA_DIR = Path(os.environ.get("IPHUB_SHARED_DATA", REPO_DIR.parent / "shared" / "data"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
SEARCH_INDEX_DIR = Path(os.environ.get("IPHUB_INDEX_DIR", VAR_DIR / "index"))
# The navigation analysis's columnar copy of the corpus (iphub.navigation.snapshot).
NAVIGATION_SNAPSHOT_PATH = Path(
    os.environ.get("IPHUB_NAV_SNAPSHOT", VAR_DIR / "navigation" / "corpus.duckdb")
)
# Above this many matches search facets are estimated from a hash sample (labelled 约).
SEARCH_FACET_EXACT_LIMIT = 50_000
MEDIA_ROOT = Path(os.environ.get("IPHUB_MEDIA_DIR", VAR_DIR / "media"))
MEDIA_URL = "/media/"

DEBUG = os.environ.get("IPHUB_DEBUG", "1") == "1"
# The embedded default key only ever serves a developer's loopback; production must set one.
SECRET_KEY = os.environ.get("IPHUB_SECRET_KEY", "iphub-embedded-dev-key-not-for-production")
ALLOWED_HOSTS = os.environ.get("IPHUB_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "iphub.core",
    "iphub.portal",
    "iphub.patents",
    "iphub.protection",
    "iphub.navigation",
    "iphub.filings",
    "iphub.transfer",
    "iphub.finance",
    "iphub.supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Inside sessions, locale, auth and messages: the error pages it draws need them.
    "iphub.portal.middleware.PlatformErrorPages",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "iphub.core.middleware.RequestContextMiddleware",
    "iphub.core.middleware_password.PasswordExpiryMiddleware",
    # Axes last: it must see the authenticated user and the failed attempts.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "iphub.urls"
WSGI_APPLICATION = "iphub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "iphub.portal.context.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        # An empty DATABASE_URL means the embedded default, as an unset one does.
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'iphub.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web process read while an import or a task writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # Parameters bound by the server and statements prepared after five runs on a
    # connection: the ORM sends the same SQL text for the same query shape, so a
    # busy worker stops paying PostgreSQL's parse and plan for each (a filing's
    # submit-accept-approve cycle: 25 -> 10 ms of database CPU, bench/filings.py)
    # and psycopg stops quoting every literal into the text. Not for a pooler in
    # transaction mode (PgBouncer before 1.21), which this deployment does not use.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # The same backend, with short multi-row inserts as VALUES (see its docstring).
        DATABASES["default"]["ENGINE"] = "iphub.core.pgbackend"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# django.tasks: the embedded default runs tasks in a background thread of the web
# process (see core/tasks_backend.py); production points this at a queue backend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("IPHUB_TASK_BACKEND", "iphub.core.tasks_backend.ThreadBackend")
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "iphub.core.passwords.ComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# MLPS 2.0 level 3 (DOMAIN.md): lock for 30 minutes after 5 failures, 30-minute idle timeout.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# Lock the account, not the address: many county offices share one NAT address,
# and locking it would lock out every colleague behind it.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
AXES_VERBOSE = False
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
PASSWORD_MAX_AGE_DAYS = 90

CSRF_FAILURE_VIEW = "iphub.portal.errors.csrf_failure"

LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:workspace"
LOGOUT_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# ECharts, the Hubei map and HTMX come from npm packages (package.json), served from node_modules.
NODE_MODULES = REPO_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/echarts-map", NODE_MODULES / "echarts-map" / "map" / "json"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]

# Office hours for the working-day calendar: a filing received after this hour
# (local time) counts from the next working day.
IPHUB_CUTOFF_HOUR = int(os.environ.get("IPHUB_CUTOFF_HOUR", "17"))
# 知慧桥 matchmaking: how the parts of a match score are weighed (they sum to 1),
# and after how many days without confirmation an open need is marked stale.
TRANSFER_MATCH_WEIGHTS = {
    "text": 0.30,
    "dense": 0.30,
    "ipc": 0.20,
    "region": 0.10,
    "availability": 0.10,
}
TRANSFER_NEED_STALE_DAYS = int(os.environ.get("IPHUB_NEED_STALE_DAYS", "90"))
# Audit records are kept at least 6 months (Cybersecurity Law Art. 21).
AUDIT_RETENTION_DAYS = 190

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("IPHUB_LOG_LEVEL", "WARNING")},
}
