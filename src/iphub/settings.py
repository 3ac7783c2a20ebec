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
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

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
# The embedded default key only ever serves a developer's loopback (debug on). With
# debug off the platform refuses to start without its own key: a public key would
# let anyone forge sessions, password-reset links and signed notices.
EMBEDDED_SECRET_KEY = "iphub-embedded-dev-key-not-for-production"
SECRET_KEY = os.environ.get("IPHUB_SECRET_KEY", "")
if not SECRET_KEY or SECRET_KEY == EMBEDDED_SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "未设置 IPHUB_SECRET_KEY：关闭调试模式（IPHUB_DEBUG=0）时"
            "必须提供至少 50 个字符的随机密钥，"
            "例如 python -c 'import secrets; print(secrets.token_urlsafe(50))' 的输出。"
            " / IPHUB_SECRET_KEY is not set: with IPHUB_DEBUG=0 the platform needs its own"
            " random key of at least 50 characters."
        )
    SECRET_KEY = EMBEDDED_SECRET_KEY
# The key that encrypts personal data at rest (ID and phone numbers, iphub.core.fieldcrypt).
# Like the secret key: an embedded default for debug only, and no start without a key of
# the platform's own when debug is off. Changing it makes stored values unreadable.
EMBEDDED_FIELD_KEY = "iphub-embedded-field-key-not-for-production"
IPHUB_FIELD_KEY = os.environ.get("IPHUB_FIELD_KEY", "") or EMBEDDED_FIELD_KEY
if (len(IPHUB_FIELD_KEY) < 32 or IPHUB_FIELD_KEY == EMBEDDED_FIELD_KEY) and not DEBUG:
    raise ImproperlyConfigured(
        "未设置 IPHUB_FIELD_KEY（或不足 32 个字符）：关闭调试模式（IPHUB_DEBUG=0）时"
        "必须提供加密个人信息（身份证号、电话号码）的随机密钥，"
        "例如 python -c 'import secrets; print(secrets.token_urlsafe(32))' 的输出；"
        "密钥一经使用不可随意更换，请妥善备份。"
        " / IPHUB_FIELD_KEY is not set or shorter than 32 characters: with IPHUB_DEBUG=0"
        " the platform needs its own random key to encrypt personal data."
    )
ALLOWED_HOSTS = os.environ.get("IPHUB_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

# Transport security. Production (debug off) is HTTPS-only unless IPHUB_HTTPS=0 says the
# site is plain HTTP (then `check --deploy` warns, as it should). Debug keeps plain HTTP
# for `make run` on the loopback and for the test suite.
HTTPS = os.environ.get("IPHUB_HTTPS", "0" if DEBUG else "1") == "1"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
# One year, for this host and its subdomains. Not preloaded: the preload list is decided
# for the whole registrable domain (the province's gov.cn domain, not this platform's
# host), by its owner, and takes months to undo; security.W021 is silenced for that.
SECURE_HSTS_SECONDS = int(os.environ.get("IPHUB_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = os.environ.get("IPHUB_HSTS_PRELOAD", "0") == "1"
# Behind a reverse proxy that ends TLS, set IPHUB_BEHIND_PROXY=1 so that Django trusts its
# X-Forwarded-Proto (otherwise every request looks like HTTP and is redirected forever).
# Only where the proxy overwrites that header from clients: a client could claim HTTPS.
if os.environ.get("IPHUB_BEHIND_PROXY", "0") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (Django's own middleware), in debug too so that a page that
# breaks under it breaks on the developer's machine first. Scripts only from the site
# itself (ECharts, the map, HTMX are served from static) or inline with the request's
# nonce ({{ csp_nonce }}); no inline event handlers, no javascript: links, no eval.
# Styles allow inline: templates size chart boxes with style attributes and ECharts
# writes its tooltips as HTML with style attributes; CSS cannot run script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    # The durable task queue's table and its worker (iphub.core.queue).
    "django_tasks_db",
    # Two-factor login (core.twofactor): TOTP authenticators and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "iphub.core",
    "iphub.portal",
    "iphub.patents",
    "iphub.protection",
    "iphub.navigation",
    "iphub.filings",
    "iphub.transfer",
    "iphub.finance",
    "iphub.programmes",
    "iphub.brands",
    "iphub.overseas",
    "iphub.training",
    "iphub.policies",
    "iphub.network",
    "iphub.brokerage",
    "iphub.enterprises",
    "iphub.supervision",
]

MIDDLEWARE = [
    # First: request id in and out, latency, access line; answers /healthz, /readyz and
    # /metrics before the host check and the HTTPS redirect (core.observability).
    "iphub.core.observability.ObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which second factor (if any) verified this session: request.user.is_verified().
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Inside sessions, locale, auth and messages: the error pages it draws need them.
    "iphub.portal.middleware.PlatformErrorPages",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "iphub.core.middleware.RequestContextMiddleware",
    # Control and bidi-override characters out of every form field and query value.
    "iphub.core.middleware_text.InvisibleTextMiddleware",
    # Inside auth (a session's user counts as one principal) and inside the error pages.
    "iphub.core.ratelimit.RateLimitMiddleware",
    # Administrators and province staff: the two-factor step before any page.
    "iphub.core.middleware_otp.TwoFactorMiddleware",
    "iphub.core.middleware_password.PasswordExpiryMiddleware",
    # Axes last: it must see the authenticated user and the failed attempts.
    "axes.middleware.AxesMiddleware",
    # Starts the process's index follower on its first request (core.outbox).
    "iphub.core.outbox.IndexFollowerMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # The admin site's model permissions from the administrator roles (三员分立).
    "iphub.core.permissions.AdminRoleBackend",
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
                "django.template.context_processors.csp",
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
    # busy worker stops paying PostgreSQL's parse and plan for each (measured in
    # docs/benchmarks.md, "Search index settings") and psycopg stops quoting every
    # literal into the text. Not for a pooler in transaction mode (PgBouncer before
    # 1.21), which this deployment does not use.
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

# django.tasks: a durable queue in the database (django-tasks-db) that worker
# processes (`manage.py worker`) drain; `make run` starts one beside the web server.
# See iphub.core.queue for leases, retries and how a dead worker's jobs are handled.
TASKS = {
    "default": {"BACKEND": os.environ.get("IPHUB_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}
}
# A worker writes a heartbeat every TASK_HEARTBEAT_SECONDS; one silent for
# TASK_WORKER_LEASE_SECONDS is dead and its running tasks are failed or re-queued.
TASK_HEARTBEAT_SECONDS = float(os.environ.get("IPHUB_TASK_HEARTBEAT_SECONDS", "5"))
TASK_WORKER_LEASE_SECONDS = float(os.environ.get("IPHUB_TASK_LEASE_SECONDS", "60"))
# The index outbox (core.outbox): each node's follower applies new rows every
# INDEX_FOLLOW_SECONDS; rows are kept INDEX_OUTBOX_RETENTION_DAYS for nodes that
# were down. A broken index of up to INDEX_SYNC_REBUILD_LIMIT patents is rebuilt
# before answering, a larger one in the background (search answers 503 meanwhile).
INDEX_FOLLOWER_ENABLED = os.environ.get("IPHUB_INDEX_FOLLOWER", "1") == "1"
INDEX_FOLLOW_SECONDS = float(os.environ.get("IPHUB_INDEX_FOLLOW_SECONDS", "1"))
INDEX_OUTBOX_RETENTION_DAYS = 7
INDEX_SYNC_REBUILD_LIMIT = int(os.environ.get("IPHUB_INDEX_SYNC_REBUILD_LIMIT", "2000"))

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
# security.W021: HSTS preload is the domain owner's decision (see SECURE_HSTS_PRELOAD).
SILENCED_SYSTEM_CHECKS = ["axes.W006", "security.W021"]
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
# The lockout page with 429 and Retry-After (the cool-off).
AXES_LOCKOUT_CALLABLE = "iphub.core.ratelimit.lockout_response"
AXES_VERBOSE = False
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
PASSWORD_MAX_AGE_DAYS = 90
# The name an authenticator app shows beside the account (core.twofactor).
OTP_TOTP_ISSUER = "湖北知识产权公共服务平台"
# Wrong codes are counted by the account lockout (core.twofactor: 5 in 30 minutes,
# like passwords) rather than by django-otp's per-device growing delay, which would
# refuse a right code typed within a second of a wrong one with no word why.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Rate limits (core.ratelimit): rule -> (events, seconds), counted in CACHES["default"]
# (Redis when REDIS_URL is set, so that all workers share the counters). IPHUB_RATELIMIT=0
# turns them off (benchmarks driving thousands of requests from one address).
RATELIMIT_ENABLED = os.environ.get("IPHUB_RATELIMIT", "1") == "1"
RATELIMITS = {
    # Failed logins from one address across any usernames (per account: axes above).
    # Generous for a county office behind one NAT address; far below a guessing run.
    "login_client": (30, 15 * 60),
    # API requests from one address, and by one token or one session.
    "api_client": (600, 60),
    "api_principal": (300, 60),
    # Bearer tokens from one address that matched no usable token.
    "api_bad_token": (30, 10 * 60),
    # Result-set downloads by visitors who are not signed in.
    "export_anonymous": (20, 10 * 60),
    # Wrong two-factor codes for one account (core.twofactor): like the password's
    # lockout, but not cleared by a correct password.
    "otp_account": (5, 30 * 60),
}
RATELIMIT_LOGIN_PATHS = ("/login/", "/admin/login/")
# Behind our reverse proxy the client is the last X-Forwarded-For entry it appended.
RATELIMIT_TRUST_FORWARDED = os.environ.get("IPHUB_BEHIND_PROXY", "0") == "1"
# A visitor's patent export stops after this many rows (signed-in users get all).
EXPORT_ANONYMOUS_ROWS = 5_000
# A signed-in user's export larger than this goes through the task queue (a page with
# its progress and download link) instead of streaming from the web worker.
EXPORT_SYNC_ROWS = int(os.environ.get("IPHUB_EXPORT_SYNC_ROWS", "20000"))
# API tokens: validity when issued (days) and the longest an owner may choose.
API_TOKEN_DEFAULT_DAYS = 90
API_TOKEN_MAX_DAYS = 365

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
# Issue 20: a need's unchosen IPC suggestions count in matching only when this is
# on: off by default, since bench/matching.py measured nDCG@10 0.0665 without them
# against 0.0130 with (docs/benchmarks.md); imported records get e5 vectors in the
# background; 以文搜专利 embeds the pasted text (a few hundred ms of e5).
TRANSFER_MATCH_SUGGESTED_IPC = os.environ.get("IPHUB_MATCH_SUGGESTED_IPC", "0") == "1"
TRANSFER_EMBED_AFTER_IMPORT = os.environ.get("IPHUB_EMBED_AFTER_IMPORT", "1") == "1"
SIMILAR_TEXT_EMBED = os.environ.get("IPHUB_SIMILAR_TEXT_EMBED", "1") == "1"
IPC_MODEL_DIR = Path(os.environ.get("IPHUB_IPC_MODEL_DIR", VAR_DIR / "ipc_model"))
# The IPC suggester's e5 half (title vectors; ~16 ms of e5 per suggestion, ~3 min
# more on the first build_ipc_model): off, the TF-IDF SVM answers alone.
IPC_SUGGEST_E5 = os.environ.get("IPHUB_IPC_SUGGEST_E5", "1") == "1"
# Audit records are kept at least 6 months (Cybersecurity Law Art. 21).
AUDIT_RETENTION_DAYS = 190

# Operations (core.health, core.metrics, docs/operations.md). /metrics needs this bearer
# token when set; without one only the loopback may read it.
METRICS_TOKEN = os.environ.get("IPHUB_METRICS_TOKEN", "")
# Behind nginx (deploy/nginx/iphub.conf): protected downloads are checked by Django and
# sent by nginx through X-Accel-Redirect (core.downloads).
ACCEL_REDIRECT = os.environ.get("IPHUB_ACCEL_REDIRECT", "0") == "1"
# /readyz says "degraded" when the oldest ready task has waited longer than this, or a
# data directory has less free space than this.
READY_QUEUE_LAG_SECONDS = int(os.environ.get("IPHUB_READY_QUEUE_LAG_SECONDS", "600"))
READY_MIN_FREE_BYTES = int(os.environ.get("IPHUB_READY_MIN_FREE_MB", "512")) * 1024 * 1024

# Log lines as JSON objects (with the request id) in production, readable text in debug;
# IPHUB_LOG_JSON chooses either way. The access log (one line per request) is on when
# IPHUB_ACCESS_LOG=1, the default with debug off.
LOG_JSON = os.environ.get("IPHUB_LOG_JSON", "0" if DEBUG else "1") == "1"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "iphub.core.observability.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "iphub.core.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_JSON else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("IPHUB_LOG_LEVEL", "WARNING")},
    "loggers": {
        "iphub.access": {
            "level": "INFO"
            if os.environ.get("IPHUB_ACCESS_LOG", "0" if DEBUG else "1") == "1"
            else "WARNING"
        }
    },
}
