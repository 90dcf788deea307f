"""Settings shared by every environment. Values come from the environment (see README, "Configuration")."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from productops import embedded
from productops.env import env_bool, env_decimal, env_int, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-not-for-production")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# Only behind a reverse proxy that sets them are X-Forwarded-Proto / X-Forwarded-For worth anything: served
# directly (gunicorn exposed, as in docker-compose.yml), any client could send them. Off unless said so.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_htmx",
    "template_partials",
    "productops",
    "feedback",
    "integrations",
    "readiness",
    "digest",
    "audits",
    "reports",
    "uploads",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "productops.middleware.RejectNulInputMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "productops.middleware.LoginRequiredEverywhereMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authentication into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "productops.urls"
WSGI_APPLICATION = "productops.wsgi.application"

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
                "productops.context_processors.navigation",
                "productops.page_cache.csrf_placeholder",
            ],
        },
    }
]

# PostgreSQL is the only database. Without DATABASE_URL the portal uses the embedded PostgreSQL that `make run` and
# `make test` start under .data/ (productops/embedded.py); settings only read where it listens.
DATABASE_URL = env_str("DATABASE_URL", "") or embedded.default_postgres_url()
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end libraries come from npm (package.json) and are served by the app: an internal portal may have no internet.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

REST_FRAMEWORK = {
    # No Basic auth: it skips CSRF and makes browsers pop a password dialog. Scripts send a per-user token
    # ("Authorization: Token <key>", created and revoked at /accounts/api-tokens/); the browser uses its session
    # (with CSRF). Token first so an anonymous call gets 401 with `WWW-Authenticate: Token`, not a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["productops.roles.HasAllowedRole"],
    "DEFAULT_PAGINATION_CLASS": "productops.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# The largest page an API list returns (?limit=); more is a 400 naming `limit`.
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 500, minimum=1)

# --- API schema (drf-spectacular): /api/schema/ and Swagger UI at /api/docs/, assets from the sidecar package ----
SPECTACULAR_SETTINGS = {
    "TITLE": "Product Ops portal API",
    "DESCRIPTION": "Feedback, launch readiness and integrations. Authenticate with the session or "
    "`Authorization: Token <key>` (create a token at /accounts/api-tokens/).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Completeness is a test (tests/hardening/test_api_contract.py), not a deploy check that fails on a warning.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "productops.api_docs.add_error_responses",
    ],
}

# --- Login throttling (django-axes) --------------------------------------------------------------------------
# Every password login (the login page, the admin's, anything calling authenticate()) goes through axes: after
# AXES_FAILURE_LIMIT failures for one username from one address, that pair is refused for AXES_COOLOFF_MINUTES,
# even with the right password. Keyed on the pair so a stranger cannot lock a colleague out from elsewhere.
AUTHENTICATION_BACKENDS = [
    "productops.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "productops.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "productops.security.client_ip"

# --- Content-Security-Policy (django-csp) ----------------------------------------------------------------------
# No inline script anywhere: page data goes through json_script, code lives in static/js. Inline *styles* are
# allowed (progress bars set a width; htmx and Swagger UI add style attributes), scripts are not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Celery ---------------------------------------------------------------------------------------------------
# Redis is the broker and the shared cache. Without REDIS_URL: the embedded Redis `make run` starts under .data/.
REDIS_URL = env_str("REDIS_URL", "") or embedded.default_redis_url()
CELERY_BROKER_URL = embedded.celery_broker_url(REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 15 * 60, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 20 * 60, minimum=1)
CELERY_TIMEZONE = TIME_ZONE
# Every periodic schedule is declared here, in one place. Each app adds its entries in its own section below.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}

# --- Segments (framework pillar 1: segment insights) -------------------------------------------------------------
# An open opportunity at or above this amount makes its account a "high-priority deal".
HIGH_PRIORITY_DEAL_AMOUNT = env_decimal("HIGH_PRIORITY_DEAL_AMOUNT", "50000")
# A customer whose churn-risk score (0-100) is at or above this is "churn risk".
CHURN_RISK_SCORE_THRESHOLD = env_int("CHURN_RISK_SCORE_THRESHOLD", 70, minimum=0)
# ARR tiers: lower bounds, ascending. An account belongs to the highest tier whose bound it reaches.
ARR_TIERS = [
    ("smb", "SMB", env_decimal("ARR_TIER_SMB_MIN", "0")),
    ("mid_market", "Mid-market", env_decimal("ARR_TIER_MID_MARKET_MIN", "25000")),
    ("enterprise", "Enterprise", env_decimal("ARR_TIER_ENTERPRISE_MIN", "100000")),
]

# --- Reports: Strategic Insight (issue 12) ----------------------------------------------------------------------
# Default weights of the insight score's terms; a PM changes them on the page. Each term is weight x (the theme's
# figure / the largest figure among the compared themes), so a weight is how much that column can add to a score.
INSIGHT_WEIGHTS = {
    "pipeline": env_decimal("INSIGHT_WEIGHT_PIPELINE", "3"),
    "installed": env_decimal("INSIGHT_WEIGHT_INSTALLED", "2"),
    "at_risk": env_decimal("INSIGHT_WEIGHT_AT_RISK", "3"),
    "calls": env_decimal("INSIGHT_WEIGHT_CALLS", "1"),
    "tickets": env_decimal("INSIGHT_WEIGHT_TICKETS", "1"),
    "detractors": env_decimal("INSIGHT_WEIGHT_DETRACTORS", "2"),
}
# The window the pain figures and their trend cover, ending on the day of the data.
INSIGHT_WINDOW_DAYS = env_int("INSIGHT_WINDOW_DAYS", 180, minimum=7)
# The usage metric whose change (last 4 weeks against the 4 before) is the usage signal of the accounts that asked.
INSIGHT_USAGE_METRIC = env_str("INSIGHT_USAGE_METRIC", "active_users")
# A review pack covers feedback since the previous review; the first one looks back this many days.
REVIEW_FIRST_PERIOD_DAYS = env_int("REVIEW_FIRST_PERIOD_DAYS", 30, minimum=1)

# --- Integrations (issue: integrations) --------------------------------------------------------------------------
# Each vendor has a switch; an enabled vendor without its credentials stops start-up with the variable's name.
ZENDESK_ENABLED = env_bool("ZENDESK_ENABLED", False)
ZENDESK_SUBDOMAIN = env_required("ZENDESK_SUBDOMAIN") if ZENDESK_ENABLED else env_str("ZENDESK_SUBDOMAIN", "")
ZENDESK_EMAIL = env_required("ZENDESK_EMAIL") if ZENDESK_ENABLED else ""
ZENDESK_API_TOKEN = env_required("ZENDESK_API_TOKEN") if ZENDESK_ENABLED else ""
ZENDESK_SYNC_MINUTES = env_int("ZENDESK_SYNC_MINUTES", 15, minimum=1)

GONG_ENABLED = env_bool("GONG_ENABLED", False)
GONG_BASE_URL = env_str("GONG_BASE_URL", "https://api.gong.io")
GONG_ACCESS_KEY = env_required("GONG_ACCESS_KEY") if GONG_ENABLED else ""
GONG_ACCESS_KEY_SECRET = env_required("GONG_ACCESS_KEY_SECRET") if GONG_ENABLED else ""
GONG_LOOKBACK_HOURS = env_int("GONG_LOOKBACK_HOURS", 48, minimum=0)
GONG_SYNC_MINUTES = env_int("GONG_SYNC_MINUTES", 60, minimum=1)
# How far back a first Gong sync, or `sync gong --full`, reaches (`--since` gives its own date).
GONG_BACKFILL_DAYS = env_int("GONG_BACKFILL_DAYS", 30, minimum=1)

SALESFORCE_ENABLED = env_bool("SALESFORCE_ENABLED", False)
# Either an access token (OAuth, obtained elsewhere) for an instance URL, or username + password + security token.
SALESFORCE_ACCESS_TOKEN = env_str("SALESFORCE_ACCESS_TOKEN", "")
_SALESFORCE_PASSWORD_LOGIN = SALESFORCE_ENABLED and not SALESFORCE_ACCESS_TOKEN
SALESFORCE_INSTANCE_URL = (
    env_required("SALESFORCE_INSTANCE_URL") if SALESFORCE_ENABLED and SALESFORCE_ACCESS_TOKEN else ""
)
SALESFORCE_USERNAME = env_required("SALESFORCE_USERNAME") if _SALESFORCE_PASSWORD_LOGIN else ""
SALESFORCE_PASSWORD = env_required("SALESFORCE_PASSWORD") if _SALESFORCE_PASSWORD_LOGIN else ""
SALESFORCE_SECURITY_TOKEN = env_required("SALESFORCE_SECURITY_TOKEN") if _SALESFORCE_PASSWORD_LOGIN else ""
SALESFORCE_DOMAIN = env_str("SALESFORCE_DOMAIN", "login")  # "test" for a sandbox, or a My Domain
# The org's custom field on Opportunity naming the features (themes) that block the deal, ";"-separated.
SALESFORCE_BLOCKED_FEATURE_FIELD = env_str("SALESFORCE_BLOCKED_FEATURE_FIELD", "Blocked_By_Feature__c")
SALESFORCE_ARR_FIELD = env_str("SALESFORCE_ARR_FIELD", "AnnualRevenue")
SALESFORCE_SYNC_MINUTES = env_int("SALESFORCE_SYNC_MINUTES", 30, minimum=1)
# A backfill of an object with more records than this uses Bulk API 2.0 instead of REST query pages.
SALESFORCE_BULK_THRESHOLD = env_int("SALESFORCE_BULK_THRESHOLD", 50_000, minimum=0)

DELIGHTED_ENABLED = env_bool("DELIGHTED_ENABLED", False)
DELIGHTED_BASE_URL = env_str("DELIGHTED_BASE_URL", "https://api.delighted.com")
DELIGHTED_API_KEY = env_required("DELIGHTED_API_KEY") if DELIGHTED_ENABLED else ""
DELIGHTED_SYNC_MINUTES = env_int("DELIGHTED_SYNC_MINUTES", 60, minimum=1)

PENDO_ENABLED = env_bool("PENDO_ENABLED", False)
PENDO_BASE_URL = env_str("PENDO_BASE_URL", "https://app.pendo.io")
PENDO_INTEGRATION_KEY = env_required("PENDO_INTEGRATION_KEY") if PENDO_ENABLED else ""
PENDO_SYNC_MINUTES = env_int("PENDO_SYNC_MINUTES", 24 * 60, minimum=1)

# Writer threads per sync: pages are stored side by side, committed in order, while the next is prepared
# (PostgreSQL only; 0 writes on the sync's own thread). Two keep a 2-core machine busy.
INGEST_WRITERS = env_int("INGEST_WRITERS", 2, minimum=0)
# Every vendor request gives up after this many seconds (connect, read, write): a vendor that never answers is a
# transient error the engine retries, not a run that never ends.
VENDOR_HTTP_TIMEOUT_SECONDS = env_int("VENDOR_HTTP_TIMEOUT_SECONDS", 30, minimum=1)
# A run marked running with no progress (no page, no retry) for this long lost its worker and is marked failed.
SYNC_STALE_MINUTES = env_int("SYNC_STALE_MINUTES", 60, minimum=5)

# Shared secret for the signed NPS webhook (POST /api/v1/ingest/nps/); unset = the webhook refuses everything.
NPS_WEBHOOK_SECRET = env_str("NPS_WEBHOOK_SECRET", "")
NPS_WEBHOOK_MAX_AGE_SECONDS = env_int("NPS_WEBHOOK_MAX_AGE_SECONDS", 300, minimum=1)
# The largest webhook body read; a larger Content-Length is a 413 before any byte of the body is read.
# A CSV upload larger than this is imported by a Celery task with progress on the integrations page, not inside
# the request (a 700,000-row file would outlive a 30 s worker timeout).
CSV_IMPORT_INLINE_BYTES = env_int("CSV_IMPORT_INLINE_BYTES", 1024 * 1024, minimum=0)
CSV_UPLOAD_MAX_BYTES = env_int("CSV_UPLOAD_MAX_BYTES", 100 * 1024 * 1024, minimum=1024)
NPS_WEBHOOK_MAX_BYTES = env_int("NPS_WEBHOOK_MAX_BYTES", 1024 * 1024, minimum=1024)


# One beat entry per enabled vendor: the same task, the vendor as its argument.
for _vendor, _enabled, _minutes in [
    ("salesforce", SALESFORCE_ENABLED, SALESFORCE_SYNC_MINUTES),
    ("zendesk", ZENDESK_ENABLED, ZENDESK_SYNC_MINUTES),
    ("gong", GONG_ENABLED, GONG_SYNC_MINUTES),
    ("delighted", DELIGHTED_ENABLED, DELIGHTED_SYNC_MINUTES),
    ("pendo", PENDO_ENABLED, PENDO_SYNC_MINUTES),
]:
    if _enabled:
        CELERY_BEAT_SCHEDULE[f"sync-{_vendor}"] = {
            "task": "integrations.tasks.sync_vendor",
            "schedule": timedelta(minutes=_minutes),
            "args": [_vendor],
            "options": {"expires": _minutes * 60},
        }

CELERY_BEAT_SCHEDULE["integrations-fail-stale-runs"] = {
    "task": "integrations.tasks.fail_stale_runs",
    "schedule": timedelta(minutes=10),
    "options": {"expires": 600},
}

# --- Feedback / VOC (issue: VOC) ---------------------------------------------------------------------------------
# Dashboard aggregates are cached per filter state and invalidated by any write to the store (feedback/cache.py),
# so they stay exact; 0 turns the cache off. It lives in Redis, shared by every web process.
FEEDBACK_DASHBOARD_CACHE_SECONDS = env_int("FEEDBACK_DASHBOARD_CACHE_SECONDS", 600, minimum=0)
FEEDBACK_CACHE_ALIAS = "feedback"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    FEEDBACK_CACHE_ALIAS: {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
    # Rendered pages per user under every table's version (productops/page_cache.py): each process's own memory,
    # so nothing crosses a deploy; at most PAGE_CACHE_ENTRIES pages per process (about 50 KB each).
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_ENTRIES", 1000, minimum=1)},
    },
}
# How long a rendered page is kept; any write to any table makes it unreachable sooner. 0 turns it off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600, minimum=0)
# Items per dashboard page, and the trigram similarity above which two items of one account are shown as duplicates.
FEEDBACK_PAGE_SIZE = env_int("FEEDBACK_PAGE_SIZE", 25, minimum=1)
FEEDBACK_DUPLICATE_SIMILARITY = env_decimal("FEEDBACK_DUPLICATE_SIMILARITY", "0.6")
# Recompute the dashboard's common cuts (everything, each segment) so the first PM of the morning finds them warm.
CELERY_BEAT_SCHEDULE["feedback-warm-dashboard"] = {
    "task": "feedback.tasks.warm_dashboard_task",
    "schedule": timedelta(minutes=env_int("FEEDBACK_WARM_MINUTES", 10, minimum=1)),
    "options": {"expires": 300},
}

# --- Readiness (issue: launch readiness) -------------------------------------------------------------------------
# A major release's checklist opens this many days before launch (the framework says 4-8 weeks).
READINESS_WINDOW_DAYS = env_int("READINESS_WINDOW_DAYS", 56, minimum=1)
# Owners are reminded of items due within this many days, and of overdue ones.
READINESS_REMINDER_DAYS = env_int("READINESS_REMINDER_DAYS", 3, minimum=0)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "productops@localhost")
CELERY_BEAT_SCHEDULE["readiness-open-checklists"] = {
    "task": "readiness.tasks.open_due_checklists",
    "schedule": timedelta(hours=6),
    "options": {"expires": 3600},
}
CELERY_BEAT_SCHEDULE["readiness-reminders"] = {
    "task": "readiness.tasks.send_reminders",
    "schedule": crontab(hour=8, minute=0),
    "options": {"expires": 6 * 3600},
}

# --- Digest and roadmap (issue 11) -------------------------------------------------------------------------------
# "Shipping soon" covers releases launching within this many weeks of the digest's date.
DIGEST_HORIZON_WEEKS = env_int("DIGEST_HORIZON_WEEKS", 6, minimum=1)
# "What customers are saying": the last 7 days against the weekly average of this many weeks before.
DIGEST_TRAILING_WEEKS = env_int("DIGEST_TRAILING_WEEKS", 4, minimum=1)
# When beat drafts the week's digest: a crontab day of week (mon..sun or 0-6, 0 = Sunday) and hour (TIME_ZONE).
DIGEST_DRAFT_WEEKDAY = env_str("DIGEST_DRAFT_WEEKDAY", "mon")
DIGEST_DRAFT_HOUR = env_int("DIGEST_DRAFT_HOUR", 6, minimum=0)
# Links in emails (digest page, one-click unsubscribe) are absolute: the portal's public address.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")
try:
    _DIGEST_DRAFT_SCHEDULE = crontab(day_of_week=DIGEST_DRAFT_WEEKDAY, hour=DIGEST_DRAFT_HOUR, minute=0)
except ValueError as _exc:
    raise ImproperlyConfigured(
        f"DIGEST_DRAFT_WEEKDAY must be mon..sun or 0-6 and DIGEST_DRAFT_HOUR 0-23, got "
        f"{DIGEST_DRAFT_WEEKDAY!r} and {DIGEST_DRAFT_HOUR!r}."
    ) from _exc
CELERY_BEAT_SCHEDULE["digest-draft-weekly"] = {
    "task": "digest.tasks.draft_weekly_digest",
    "schedule": _DIGEST_DRAFT_SCHEDULE,
    "options": {"expires": 6 * 3600},
}

# --- Time audits and inbound quality (issue: audits) -------------------------------------------------------------
# The framework's line: PMs spending MORE than this share of their week on internal status updates need Product Ops.
AUDITS_INTERNAL_THRESHOLD = env_int("AUDITS_INTERNAL_THRESHOLD", 20, minimum=0)
# A round with fewer answers than this says so instead of giving a verdict.
AUDITS_MIN_RESPONSES = env_int("AUDITS_MIN_RESPONSES", 3, minimum=1)
# The quality-of-inbound condition needs this many classified Sales questions in the window before it judges.
AUDITS_MIN_INBOUND = env_int("AUDITS_MIN_INBOUND", 10, minimum=1)
AUDITS_INBOUND_WINDOW_DAYS = env_int("AUDITS_INBOUND_WINDOW_DAYS", 90, minimum=1)
# A rule change re-classifies a log up to this size in the request; a bigger one in a Celery task.
AUDITS_RECLASSIFY_INLINE_MAX = env_int("AUDITS_RECLASSIFY_INLINE_MAX", 5000, minimum=0)
# PMs' monthly Gong call counts are kept this long (complete months only; 0 recomputes on every page view).
AUDITS_CONTACT_CACHE_SECONDS = env_int("AUDITS_CONTACT_CACHE_SECONDS", 3600, minimum=0)
CELERY_BEAT_SCHEDULE["audits-round-reminders"] = {
    "task": "audits.tasks.send_round_reminders",
    "schedule": crontab(hour=9, minute=0),
    "options": {"expires": 6 * 3600},
}

# --- Reports: trends and the weekly CPO summary (issue 13) --------------------------------------------------------
# A theme's last TRENDS_RECENT_WEEKS complete weeks are tested against the TRENDS_BASELINE_WEEKS before them
# (exact conditional Poisson rate test, Benjamini-Hochberg at TRENDS_FDR across themes; see reports/stats.py).
TRENDS_RECENT_WEEKS = env_int("TRENDS_RECENT_WEEKS", 4, minimum=1)
TRENDS_BASELINE_WEEKS = env_int("TRENDS_BASELINE_WEEKS", 12, minimum=2)
TRENDS_MIN_BASELINE_WEEKS = env_int("TRENDS_MIN_BASELINE_WEEKS", 4, minimum=2)
TRENDS_FDR = float(env_decimal("TRENDS_FDR", "0.05"))
# Fewer recent items than this never flag, however small the baseline (3 tickets after 0 is not a trend yet).
TRENDS_MIN_RECENT = env_int("TRENDS_MIN_RECENT", 5, minimum=0)
# Launch outcomes compare this many weeks after a launch with as many before it.
TRENDS_LAUNCH_WEEKS = env_int("TRENDS_LAUNCH_WEEKS", 4, minimum=1)
# Clusters of untagged feedback: items of the last N weeks, pg_trgm similarity at or above the threshold.
TRENDS_CLUSTER_WEEKS = env_int("TRENDS_CLUSTER_WEEKS", 8, minimum=1)
TRENDS_CLUSTER_SIMILARITY = float(env_decimal("TRENDS_CLUSTER_SIMILARITY", "0.35"))
# The weekly CPO summary is drafted and emailed to every CPO on this weekday (Celery's numbering: 0 = Sunday,
# 1 = Monday) at this hour.
TRENDS_SUMMARY_WEEKDAY = env_int("TRENDS_SUMMARY_WEEKDAY", 1, minimum=0)
TRENDS_SUMMARY_HOUR = env_int("TRENDS_SUMMARY_HOUR", 7, minimum=0)
CELERY_BEAT_SCHEDULE["reports-weekly-cpo-summary"] = {
    "task": "reports.tasks.weekly_cpo_summary",
    "schedule": crontab(day_of_week=TRENDS_SUMMARY_WEEKDAY, hour=TRENDS_SUMMARY_HOUR, minute=0),
    "options": {"expires": 6 * 3600},
}
# The default trend report reads every theme's last 26 weeks (seconds at a million items): keep it computed so the
# CPO's landing answers from the store-generation cache; a write makes the next run recompute.
CELERY_BEAT_SCHEDULE["reports-warm-trends"] = {
    "task": "reports.tasks.warm_trends",
    "schedule": timedelta(minutes=env_int("TRENDS_WARM_MINUTES", 10, minimum=1)),
    "options": {"expires": 300},
}
# The insight and trend reports read narrow pre-aggregates (reports/rollups.py), refreshed at most once per
# REPORTS_ROLLUP_DEBOUNCE_SECONDS after a sync batch is tagged, and on this schedule (which also rolls the
# trend tables over to a new week).
REPORTS_ROLLUP_DEBOUNCE_SECONDS = env_int("REPORTS_ROLLUP_DEBOUNCE_SECONDS", 60, minimum=1)
CELERY_BEAT_SCHEDULE["reports-refresh-rollups"] = {
    "task": "reports.tasks.refresh_rollups",
    "schedule": timedelta(minutes=env_int("REPORTS_ROLLUP_REFRESH_MINUTES", 10, minimum=1)),
    "options": {"expires": 300},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

SESSION_COOKIE_AGE = int(timedelta(days=14).total_seconds())
