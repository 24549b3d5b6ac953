"""Settings shared by every environment; machine-specific values come from the environment (.env.example)."""

from pathlib import Path

import environ

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # .../maharat
BASE_DIR = PACKAGE_DIR.parent

env = environ.Env()
# A .env file beside README.md is optional; real deployments set the variables themselves.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("MAHARAT_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# The embedded default is for a laptop or a demo; production must set SECRET_KEY (see production.py).
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "maharat.common",
    "maharat.org",
    "maharat.catalog",
    "maharat.people",
    "maharat.training",
    "maharat.audit",
    "maharat.access",
    # Platform services every domain uses (issue 17): jobs, messages, evidence files, the working-day calendar.
    "maharat.jobs",
    "maharat.notify",
    "maharat.attachments",
    "maharat.workdays",
    "maharat.approval",
    "maharat.followup",
    "maharat.institutes",
    "maharat.fees",
    "maharat.supervision",
    "maharat.purchasing",
    "maharat.loans",
    "maharat.plans",
    "maharat.assessment",
    "maharat.monitoring",
    "maharat.exchange",
    "maharat.api",
    "maharat.demo",
    "maharat.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "maharat.common.middleware.PersianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after authentication (it needs request.user): the reads of reports, exports and API GETs may use
    # the replica; a no-op without REPLICA_DATABASE_URL.
    "maharat.common.replica.ReplicaMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "maharat.audit.context.AuditContextMiddleware",
    "maharat.access.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After the request is parsed, before any view or form sees it.
    "maharat.common.middleware.PersianInputMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns repeated failed sign-ins into a lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "maharat.config.urls"
WSGI_APPLICATION = "maharat.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "maharat.web.context_processors.platform",
                "maharat.monitoring.context_processors.figures",
                "maharat.notify.context_processors.inbox",
            ],
            "builtins": ["maharat.common.templatetags.persian"],
        },
    }
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'maharat.sqlite3'}"),
}
# Keep each process's database connection open between requests (opening a PostgreSQL connection costs
# milliseconds, more than a whole verification request); checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that vanishes from the network must not hold a worker for minutes per connection.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the server read while the demo loader or an import writes.
    sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    sqlite_options["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    # SQLite has one writer at a time. A second writer (two requests, or the worker and a request) waits up to
    # `timeout` seconds for the lock instead of failing with "database is locked"; IMMEDIATE takes the write lock
    # when a transaction begins, because a transaction that has read and then finds the lock taken when it comes
    # to write is refused at once, whatever the timeout (common/tests/test_sqlite_concurrency.py).
    sqlite_options.setdefault("timeout", 20)
    sqlite_options.setdefault("transaction_mode", "IMMEDIATE")
# Optional PostgreSQL streaming replica: reports, exports and the API's read-only endpoints read from it
# (common/replica.py; docs/deployment.md, "Read replicas"). Without it nothing is routed.
if env.str("REPLICA_DATABASE_URL", default=""):
    _replica = env.db_url("REPLICA_DATABASE_URL")
    _replica["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    _replica["CONN_HEALTH_CHECKS"] = True
    if _replica["ENGINE"] == DATABASES["default"]["ENGINE"]:
        _replica["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), **_replica.get("OPTIONS", {})}
    if _replica["ENGINE"].endswith("postgresql"):
        # A replica that does not answer must not hold requests up: give up within seconds, read from the primary.
        _replica.setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env.int("MAHARAT_REPLICA_CONNECT_TIMEOUT", default=2))
    _replica["TEST"] = {"MIRROR": "default"}  # test runs read the primary's test database through this alias
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["maharat.common.replica.ReplicaRouter"]
# A user who has written stays on the primary this long (read your writes); a replica further behind than
# MAX_LAG seconds (0: no limit) is not used; one that failed is not tried again for RETRY seconds.
MAHARAT_REPLICA_STICKY_SECONDS = env.int("MAHARAT_REPLICA_STICKY_SECONDS", default=10)
MAHARAT_REPLICA_MAX_LAG = env.float("MAHARAT_REPLICA_MAX_LAG", default=30.0)
MAHARAT_REPLICA_RETRY_SECONDS = env.float("MAHARAT_REPLICA_RETRY_SECONDS", default=5.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache (rate limits, lock-outs): per process by default; Redis in production, e.g. redis://127.0.0.1:6379/1
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://maharat")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "maharat.common.cache.RedisCache"  # one client per pool (common/cache.py)
# The address printed in certificates' QR codes and links (the public verification page lives under it).
# Password-reset mail: printed on the console in development; smtp+tls://user:pass@host:587 in production.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="maharat@localhost")
PASSWORD_RESET_TIMEOUT = 3 * 3600

MAHARAT_PUBLIC_URL = env.str("MAHARAT_PUBLIC_URL", default="http://127.0.0.1:8000")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while an address/user pair is locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Lock out a username from an address after 5 failures in a row, for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The client's own address behind the reverse proxy (as the audit trail takes it): with REMOTE_ADDR alone every
# sign-in would come from the proxy, and one attacker could lock a user name out for everyone.
AXES_CLIENT_IP_CALLABLE = "maharat.audit.context.client_ip"

# Second factor (TOTP) for HQ planners and provincial managers when switched on.
MAHARAT_REQUIRE_2FA = env.bool("MAHARAT_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = "Maharat"
# Days after a month ends during which its records may still be entered or edited: working days of the official
# calendar (maharat/workdays), or calendar days with MAHARAT_ENTRY_DEADLINE_WORKING=false.
MAHARAT_ENTRY_DEADLINE_DAYS = env.int("MAHARAT_ENTRY_DEADLINE_DAYS", default=10)
MAHARAT_ENTRY_DEADLINE_WORKING = env.bool("MAHARAT_ENTRY_DEADLINE_WORKING", default=True)
# Traffic light of the scorecards: green at or above GREEN % of where a unit should be by today,
# amber at or above AMBER %, red below; early warning lists units behind pace by more than the margin.
MAHARAT_LIGHT_GREEN = env.float("MAHARAT_LIGHT_GREEN", default=95.0)
MAHARAT_LIGHT_AMBER = env.float("MAHARAT_LIGHT_AMBER", default=80.0)
MAHARAT_WARNING_MARGIN = env.float("MAHARAT_WARNING_MARGIN", default=15.0)
# Certificate signing key (Ed25519, PEM): the text itself, or a file. See assessment/signing.py.
MAHARAT_SIGNING_KEY = env.str("MAHARAT_SIGNING_KEY", default="")
MAHARAT_SIGNING_KEY_FILE = env.str("MAHARAT_SIGNING_KEY_FILE", default="")
# Without a configured key, generate and keep one under var/keys (development and demos only).
MAHARAT_DEV_SIGNING_KEY = env.bool("MAHARAT_DEV_SIGNING_KEY", default=DEBUG)
# Public verification: requests per client per minute.
MAHARAT_VERIFY_RATE = env.int("MAHARAT_VERIFY_RATE", default=60)
MAHARAT_TRUST_X_FORWARDED_FOR = env.bool("MAHARAT_TRUST_X_FORWARDED_FOR", default=False)

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy: everything from the platform itself; no inline scripts or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# API tokens (access/tokens.py) expire this many days after they are issued.
MAHARAT_API_TOKEN_DAYS = env.int("MAHARAT_API_TOKEN_DAYS", default=30)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "maharat.access.tokens.ApiTokenAuthentication",  # hashed, expiring, revocable; issued after 2FA
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "maharat.api.errors.handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env.str("API_USER_RATE", default="6000/hour")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Maharat API",
    "DESCRIPTION": "واسط برنامه‌نویسی سامانه مهارت: ساختار سازمانی، آموزش، تعهدات، سنجش و گواهینامه.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",  # served from the platform: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Persian is the source language of the interface; English comes from locale/en.
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", "فارسی"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Tehran"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even when serving from finders
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # `make run` serves straight from the app folders, no collectstatic step
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

MAHARAT_PAGE_SIZE = env.int("MAHARAT_PAGE_SIZE", default=25)

# ---------------------------------------------------------------- platform services (issue 17)
# Background and periodic jobs (maharat/jobs): Huey. Its own SQLite file beside the database by default (one
# machine, nothing else to run); JOBS_URL=redis://127.0.0.1:6379/2 in production. What a job must do is kept in
# the database (jobs.Job); Huey's queue only says when to do it, so a lost message is found again (jobs/recovery).
JOBS_URL = env.str("JOBS_URL", default="")
HUEY: dict = (
    {"huey_class": "huey.RedisHuey", "name": "maharat", "url": JOBS_URL}
    if JOBS_URL.startswith(("redis://", "rediss://", "unix://"))
    else {"huey_class": "huey.SqliteHuey", "name": "maharat", "filename": str(VAR_DIR / "jobs.sqlite3")}
)
HUEY.update({
    "immediate": False,  # djhuey's default follows DEBUG; the worker runs the jobs, tests run them in process
    "results": False,  # outcomes are written to jobs.Job, never read back from the queue
    "utc": True,
    "consumer": {"workers": env.int("JOBS_WORKERS", default=2), "worker_type": "thread", "periodic": True,
                 "check_worker_health": True, "health_check_interval": 5},
})
# A job left "running" by a worker that died is taken again once nobody holds its lock (jobs/locks.py); the
# sweep that looks for such jobs runs at the worker's start and every minute.

# Messages (maharat/notify): every user's inbox; e-mail (EMAIL_URL above); SMS through a gateway chosen here.
# "file" writes each message as a JSON line to var/sms/outbox.jsonl (development, tests); "kavenegar" is the
# HTTP API of an Iranian SMS provider (SMS_API_URL, SMS_API_KEY, SMS_SENDER; docs/deployment.md).
SMS_GATEWAY = env.str("SMS_GATEWAY", default="file")
SMS_API_URL = env.str("SMS_API_URL", default="https://api.kavenegar.com/v1")
SMS_API_KEY = env.str("SMS_API_KEY", default="")
SMS_SENDER = env.str("SMS_SENDER", default="")
SMS_TIMEOUT = env.float("SMS_TIMEOUT", default=10.0)
# The secret part of the address the provider posts replies and delivery reports to (/inbox/sms/hook/<token>/).
SMS_INBOUND_TOKEN = env.str("SMS_INBOUND_TOKEN", default="")
SMS_OUTBOX = VAR_DIR / "sms"

# Evidence documents (maharat/attachments): outside the web root, served only through the permission layer.
# ATTACHMENTS_STORAGE=s3 keeps them in an S3-compatible store (django-storages; AWS_STORAGE_BUCKET_NAME,
# AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
ATTACHMENTS_ROOT = VAR_DIR / "attachments"
ATTACHMENTS_MAX_BYTES = env.int("ATTACHMENTS_MAX_BYTES", default=20 * 1024 * 1024)
ATTACHMENTS_STORAGE = env.str("ATTACHMENTS_STORAGE", default="local")
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
# An oversized evidence file is cut off while it arrives (only under /attachments/), not after it is on disk.
FILE_UPLOAD_HANDLERS = [
    "maharat.attachments.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
