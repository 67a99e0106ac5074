"""Settings shared by every environment.

Every value that differs between machines comes from the environment through
django-environ, which fails loudly (ImproperlyConfigured) when a required one is
missing.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import environ
import orjson
import pghistory
from csp.constants import NONCE, NONE, SELF

from alliance.devenv import DEFAULT_PORT, local_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where every absolute link the app writes (e-mails, invitations, calendar files) points. `make run`
# sets it to its own port (alliance/devenv.py); a SITE_URL given in the environment wins.
SITE_URL = env.str("SITE_URL", default=local_url(DEFAULT_PORT))
# With DEBUG on, the browser still gets the app's own 404/500 pages and the API its JSON errors
# (alliance.middleware.ErrorResponseMiddleware); DEBUG_PAGES=1 asks for Django's technical pages.
DEBUG_PAGES = env.bool("DEBUG_PAGES", default=False)
# `make run`'s outbox pages (/dev/outbox/): only alliance/settings/local.py turns them on.
DEV_OUTBOX = False

INSTALLED_APPS = [
    "alliance.admin_site.AllianceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    # The audit trail: triggers (pgtrigger) that write each audited change to its event table (pghistory).
    "pgtrigger",
    "pghistory",
    # Two-factor authentication (allauth.mfa: TOTP and recovery codes) on top of the project's own sign-in
    # (alliance.signin): allauth's login flow runs after the password is checked, so its second-factor step
    # and its re-authentication apply to every way in.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "alliance",
    "tours",
    "network_intel",
    "alumni",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "alliance.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "alliance.middleware.RejectNulCharactersMiddleware",
    # Opens the request's transaction before anything touches the database, so the
    # tenant set later (transaction-locally) covers every query of the request.
    "alliance.middleware.RequestTransactionMiddleware",
    # Sessions, the session user and messages are for the browser: skipped on /api/.
    "alliance.middleware.BrowserSessionMiddleware",
    # Before anything reads a body: too large, or files from nobody signed in, are refused unread.
    "alliance.bodylimits.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "alliance.middleware.BrowserAuthenticationMiddleware",
    # allauth's request context and its re-authentication redirect (a second factor before an API token).
    "allauth.account.middleware.AccountMiddleware",
    "alliance.middleware.BrowserMessageMiddleware",
    # API POSTs with an Idempotency-Key: inside the request's transaction, so the answer is kept with
    # the change; around the error middleware, so a replay is the answer the client got.
    "alliance.idempotency.IdempotencyMiddleware",
    # Inside the request's transaction and after the session user, as Django's own error handlers run.
    "alliance.middleware.ErrorResponseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "alliance.middleware.UserTimezoneMiddleware",
    "alliance.middleware.TenantMiddleware",
    # After TenantMiddleware: who and where for the audit trail (the request's membership is known by then).
    "alliance.history.context.AuditContextMiddleware",
    # A person whose role requires a second factor enrols before anything else (alliance.signin).
    "alliance.signin.TwoFactorEnrolmentMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "alliance.urls"
WSGI_APPLICATION = "alliance.wsgi.application"

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
                "alliance.context_processors.tenancy",
                "csp.context_processors.nonce",
            ],
        },
    }
]


def _database(url_var: str) -> dict:
    config = env.db_url(url_var)
    # A Unix-socket directory arrives URL-encoded in the host part.
    config["HOST"] = unquote(config.get("HOST") or "")
    # Django's PostgreSQL backend, aware that tenant tables' primary key is (organization_id, id).
    config["ENGINE"] = "alliance.dbbackend"
    # Persistent connections (one per worker thread), checked before reuse so a
    # connection closed by PostgreSQL or PgBouncer is replaced instead of failing a request.
    config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    # Behind PgBouncer in transaction pooling mode a server-side cursor (``.iterator()``)
    # cannot outlive its transaction's server connection: DISABLE_SERVER_SIDE_CURSORS=true there.
    config["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DISABLE_SERVER_SIDE_CURSORS", default=False)
    # Transactions are opened by RequestTransactionMiddleware (and by tenant_context
    # in tasks), not by ATOMIC_REQUESTS, which would start too late for middleware.
    config["ATOMIC_REQUESTS"] = False
    return config


# The application connects as a role that is subject to row-level security
# (NOSUPERUSER, NOBYPASSRLS, not the owner of the tables). Migrations run with
# DATABASE_URL pointing at the owner role instead; see README "Database roles".
DATABASES = {"default": _database("DATABASE_URL")}
DATABASE_APP_ROLE = env.str("DATABASE_APP_ROLE", default="alliance_app")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "alliance.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account or address is refused before its password is checked.
    "alliance.authentication.SignInLockoutBackend",
    # Sign-in by the main address or an alias (an alumnus's former work address).
    "alliance.backends.EmailOrAliasBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- Two-factor authentication (django-allauth) ------------------------------
# Only allauth's second-factor step and pages are used: the password form, password reset and sign-out stay
# Django's own (alliance/urls.py). Nobody signs up: people join by invitation (or single sign-on).
ACCOUNT_ADAPTER = "alliance.signin.AccountAdapter"
MFA_ADAPTER = "alliance.signin.MfaAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Alliance"
# Addresses are the ones invitations were sent to: the second factor needs no separate address check.
MFA_ALLOW_UNVERIFIED_EMAIL = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded documents (receipts, CVs) live in the "private" storage and are never at a public
# URL: a view checks the viewer's right and streams them (alliance/uploads.py). On the
# filesystem (under .data/ by default, a named volume in docker-compose), or in an
# S3-compatible bucket through django-storages when PRIVATE_STORAGE_BUCKET is set.
PRIVATE_FILES_ROOT = env.str("PRIVATE_FILES_ROOT", default=str(BASE_DIR / ".data" / "files"))
PRIVATE_STORAGE_BUCKET = env.str("PRIVATE_STORAGE_BUCKET", default="")
if PRIVATE_STORAGE_BUCKET:
    PRIVATE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": PRIVATE_STORAGE_BUCKET,
            "endpoint_url": env.str("PRIVATE_STORAGE_ENDPOINT_URL", default="") or None,
            "region_name": env.str("PRIVATE_STORAGE_REGION", default="") or None,
            "access_key": env.str("PRIVATE_STORAGE_ACCESS_KEY", default="") or None,
            "secret_key": env.str("PRIVATE_STORAGE_SECRET_KEY", default="") or None,
            "location": env.str("PRIVATE_STORAGE_PREFIX", default="private"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    PRIVATE_STORAGE = {
        # Written to a temporary name and moved into place when complete (alliance/storage.py).
        "BACKEND": "alliance.storage.AtomicFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_FILES_ROOT, "base_url": None, "file_permissions_mode": 0o600,
                    "directory_permissions_mode": 0o700},
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}
# Multipart uploads larger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The most one request's body may hold, all its files together (alliance.bodylimits refuses more unread).
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=32 * 1024 * 1024)

# Every e-mail is a row of the outbox, written in the sender's transaction (alliance/outbox.py); a worker
# sends it through OUTBOX_TRANSPORT_BACKEND, retrying with backoff (1 min doubling up to 1 h) for at least
# OUTBOX_RETRY_HOURS, then marks it failed for the admins' "Undelivered e-mail" page.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="alliance.outbox.OutboxBackend")
OUTBOX_TRANSPORT_BACKEND = env.str("OUTBOX_TRANSPORT_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
OUTBOX_RETRY_FOR = timedelta(hours=env.int("OUTBOX_RETRY_HOURS", default=24))
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=60 * 60)
# One dispatch task sends for at most this long, then enqueues the next: inside `docker stop`'s 10 s grace,
# so a worker told to stop finishes the message in hand and exits, instead of being killed mid-send.
OUTBOX_DISPATCH_SECONDS = env.int("OUTBOX_DISPATCH_SECONDS", default=8)
OUTBOX_HEALTH_CACHE_SECONDS = env.int("OUTBOX_HEALTH_CACHE_SECONDS", default=60)

# Webhooks (alliance.webhooks): each event is a delivery row written in the change's transaction, sent by
# a worker after the commit, retried with backoff (WEBHOOKS_RETRY_BASE_SECONDS doubling up to
# WEBHOOKS_RETRY_MAX_SECONDS) for WEBHOOKS_RETRY_HOURS; an endpoint failing that long is disabled.
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=10.0)
WEBHOOKS_RETRY_BASE_SECONDS = env.int("WEBHOOKS_RETRY_BASE_SECONDS", default=30)
WEBHOOKS_RETRY_MAX_SECONDS = env.int("WEBHOOKS_RETRY_MAX_SECONDS", default=6 * 60 * 60)
WEBHOOKS_RETRY_FOR = timedelta(hours=env.int("WEBHOOKS_RETRY_HOURS", default=72))
WEBHOOKS_DISABLE_AFTER = timedelta(hours=env.int("WEBHOOKS_DISABLE_AFTER_HOURS", default=72))
WEBHOOKS_KEEP_DAYS = env.int("WEBHOOKS_KEEP_DAYS", default=30)
WEBHOOKS_DISPATCH_SECONDS = env.int("WEBHOOKS_DISPATCH_SECONDS", default=8)
# After a rotation the previous secret signs too (both signatures are sent) for this long.
WEBHOOKS_SECRET_OVERLAP = timedelta(hours=24)
# Plain http to localhost (development), and private, loopback or link-local targets (tests only).
WEBHOOKS_ALLOW_HTTP_LOCALHOST = env.bool("WEBHOOKS_ALLOW_HTTP_LOCALHOST", default=DEBUG)
WEBHOOKS_ALLOW_PRIVATE_HOSTS = env.bool("WEBHOOKS_ALLOW_PRIVATE_HOSTS", default=False)
# A mail server that stops answering holds one outbox row, not a worker forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / ".data" / "mail"))  # file-based backend
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Alliance <alliance@localhost>")

INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)

# --- Redis and Celery -------------------------------------------------------
REDIS_URL = env.str("REDIS_URL")


def celery_broker_url(redis_url: str) -> str:
    """Kombu spells a Unix-socket Redis as redis+socket://, redis-py as unix://."""
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url.removeprefix("unix://")
    return redis_url


CELERY_BROKER_URL = celery_broker_url(REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task a dead worker held (killed, or its machine gone) is redelivered after the visibility timeout,
# found by a worker's scan every interval x throttle seconds: within 2 minutes together. Every task is
# safe to run twice (the database decides what is done) and short: a reminder batch takes seconds now
# that e-mail is an outbox row, a dispatch stops after OUTBOX_DISPATCH_SECONDS, and retry countdowns
# stay under the timeout. Due times live in PostgreSQL, never in long ETAs.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=90),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=2),
}
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# First retry delay of a reminder whose delivery failed (the database away); doubles on each retry,
# up to a minute (under the visibility timeout).
REMINDER_RETRY_BASE_SECONDS = env.float("REMINDER_RETRY_BASE_SECONDS", default=5.0)

# --- Background jobs (alliance.jobs) ------------------------------------------
# An import with more rows than this is applied by a worker while its page shows the progress (smaller
# ones apply at once, by the same code); an export with more rows is written to a file by a worker and
# offered for download when ready (smaller ones stream). Finished jobs and their files are kept this long.
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=500)
EXPORT_BACKGROUND_ROWS = env.int("EXPORT_BACKGROUND_ROWS", default=50_000)
BACKGROUND_JOB_KEEP_HOURS = env.int("BACKGROUND_JOB_KEEP_HOURS", default=24)

# The cache (rate limits) lives in the same Redis as the Celery broker, apart by key prefix.
# While Redis is unreachable it answers from each process's memory (alliance/cache.py), and a
# connection attempt gives up after a second rather than holding the request.
CACHES = {
    "default": {
        "BACKEND": "alliance.cache.FallbackRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="alliance"),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
}

# --- Sign-in abuse (django-axes, counted in PostgreSQL) ---------------------
# After AXES_FAILURE_LIMIT failed sign-ins for one account, or from one address, that
# account / address is refused for AXES_COOLOFF_TIME; a successful sign-in resets the count.
# The counts live in axes' own table (not a tenant table: a sign-in has no organization yet), so
# the lockout holds across every process and keeps holding while Redis is down: the database is
# what a sign-in needs anyway. Expired attempts are removed as axes checks them.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_ENABLE_ADMIN = False
# No row per successful sign-in or sign-out: only failures are counted.
AXES_DISABLE_ACCESS_LOG = True
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The sign-in form posts the e-mail address as "username" (USERNAME_FIELD is "email").
AXES_USERNAME_FORM_FIELD = "username"
# Failures count against the account, however its address was typed (case, spaces, an alias).
AXES_USERNAME_CALLABLE = "alliance.backends.lockout_identity"
AXES_LOCKOUT_CALLABLE = "alliance.views.locked_out"  # 429, the limit and the time to wait
# Behind N reverse proxies that each append the address they saw to X-Forwarded-For, the
# client's address is the N-th from the right; with 0 (no proxy) it is REMOTE_ADDR. Sign-in
# lockout, password-reset limits and API throttling all count by this one address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "alliance.http.client_ip"
# Password-reset requests, per address and per e-mail address (alliance.views.PasswordResetView).
PASSWORD_RESET_RATE_PER_ADDRESS = env.str("PASSWORD_RESET_RATE_PER_ADDRESS", default="10/hour")
PASSWORD_RESET_RATE_PER_EMAIL = env.str("PASSWORD_RESET_RATE_PER_EMAIL", default="3/hour")

# --- Content-Security-Policy (django-csp) -----------------------------------
# Everything from our own origin; a script runs only from a file or with the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- REST API ---------------------------------------------------------------
# The audit trail (alliance/models/history.py, docs/architecture.md "Audit trail"). Every event row carries
# its own context (who, from where) as JSON: pghistory's shared context table is never written. Copied
# references get no index of their own: the event tables' indexes lead with organization_id.
PGHISTORY_CONTEXT_FIELD = pghistory.ContextJSONField()
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
PGHISTORY_APPEND_ONLY = True
# The request's (or task's) context goes in as transaction-local settings before each write: safe
# under PgBouncer's transaction pooling, like the tenant setting.

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["alliance.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["alliance.permissions.IsOrganizationMember"],
    "DEFAULT_PAGINATION_CLASS": "alliance.pagination.StableCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["alliance.filtering.ListFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "alliance.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["drf_orjson_renderer.renderers.ORJSONRenderer"],
    # A UTC datetime handed to the renderer is written as DRF's DateTimeField writes it ("…Z"): the
    # column-reading lists pass the database's UTC values through (alliance.apis.api_datetimes).
    "ORJSON_RENDERER_OPTIONS": (orjson.OPT_UTC_Z,),
    "DEFAULT_PARSER_CLASSES": ["alliance.parsers.DepthLimitedJSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["alliance.throttling.TokenRateThrottle"],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "alliance.apis.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
# Requests per API token (DRF throttling in the cache); past it, 429 with Retry-After.
API_TOKEN_THROTTLE_RATE = env.str("API_TOKEN_THROTTLE_RATE", default="600/min")
SPECTACULAR_SETTINGS = {
    # Several apps have a "kind"; each choice set gets its own schema name.
    "ENUM_NAME_OVERRIDES": {"ExitKindEnum": "alumni.models.ExitKind", "TourKindEnum": "tours.models.TourKind",
                            "ExpenseKindEnum": "network_intel.models.ExpenseKind",
                            "ExpenseStateEnum": "network_intel.models.ExpenseState",
                            "OpeningStateEnum": "alumni.models.Opening.State",
                            "BoomerangStateEnum": "alumni.models.Boomerang.State",
                            "ImportStatusEnum": "alliance.models.PeopleImport.Status",
                            "ImportRowKindEnum": ["new", "changed", "unchanged", "error"],
                            "ImportNewRowKindEnum": ["new", "error"],
                            # Shared by a resource and its webhook events' data (alliance.webhooks.schema).
                            "CheckpointStatusEnum": "tours.models.Checkpoint.Status",
                            "ExitStateEnum": "alumni.models.ExitProcess.State",
                            "ExitOutcomeEnum": "alumni.models.ExitProcess.Outcome"},
    "TITLE": "Alliance API",
    "DESCRIPTION": (
        "Tours of duty, checkpoints, network intelligence and alumni. Authenticate with "
        "`Authorization: Bearer <token>`; a token belongs to one organization."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the errors it really answers (alliance/schema.py).
    "POSTPROCESSING_HOOKS": [
        # The event catalog as webhooks (first: it builds the components again).
        "alliance.webhooks.schema.add_webhooks",
        "drf_spectacular.hooks.postprocess_schema_enums",
        "alliance.schema.document_error_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"alliance.tenancy.audit": {"level": "INFO"}},
}
