"""Settings for branchwork, read from the environment.

Every variable is documented in README.md ("配置"). Helpers raise ImproperlyConfigured on a bad
value rather than guessing, so a typo in production fails at start-up, not at 3 a.m.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.getenv(name, default).split(",") if part.strip()]


DEBUG = envbool("DEBUG", "1")
SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "branchwork.apps.AxesConfig",  # django-axes, named in Chinese
    "csp",
    "auditlog",
    "branchwork",
    "branchwork.audit",
    "activities",
    "reports",
    "inspection",
    "notifications",
    # Demo data and ``seed_demo``; no product app imports it.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost with SecurityMiddleware, so that every response gets the frame and script policy —
    # a 500 page made from a failure in a middleware below (a session that could not be saved) too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Submitted text loses the control characters no database or document can hold (branchwork.text).
    "branchwork.middleware.StripControlCharactersMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: every audit-log entry written during the request names its user.
    "auditlog.middleware.AuditlogMiddleware",
    # After the audit log's actor: a POST (or other unsafe method) runs in one transaction; reads do not.
    "branchwork.middleware.WriteTransactionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A user on a password an administrator issued sets their own before anything else.
    "branchwork.middleware.IssuedPasswordMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "branchwork.urls"

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
                "branchwork.context_processors.navigation",
                "notifications.context_processors.inbox",
            ],
        },
    },
]

WSGI_APPLICATION = "branchwork.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one writer at a time. A transaction that reads first and writes later cannot wait
    # for the lock (SQLite would deadlock) and fails at once with "database is locked"; begun
    # IMMEDIATE it takes the write lock at its start, and a second writer waits for it (up to
    # ``SQLITE_TIMEOUT`` seconds), then sees what the first wrote: a 409 conflict, never a 500.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": envint("SQLITE_TIMEOUT", "20")}
    )
# Every request that may write is one transaction (``WriteTransactionMiddleware``): a view that
# fails half-way (the database going away, a bug) leaves nothing half-written — not even a record
# saved without its audit-log entry. Reads are not wrapped: on SQLite a transaction takes the write
# lock at its start, and a slow read (a book of meeting records) would lock everyone out.
# Services keep their own transaction.atomic blocks too, for callers outside requests.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend; the user it loads per request carries their unread count.
    "notifications.auth.InboxModelBackend",
]

# Django's default hashers (the first hashes every password people choose), and one for the random
# passwords administrators issue, verified until their owner replaces them (branchwork.hashers).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "branchwork.hashers.IssuedPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Ten characters at least: accounts here sign the Party's records and reports.
    # Django's rule with a Chinese message (its zh-hans catalogue lacks this one).
    {"NAME": "branchwork.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures for one username from one address locks it for 15 minutes.
# The address is the client's as our own reverse proxies report it (TRUSTED_PROXY_COUNT of them,
# none by default): see branchwork/proxies.py.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "0")
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
AXES_CLIENT_IP_CALLABLE = "branchwork.proxies.client_ip"
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", "15") / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = envbool("AXES_ENABLED", "1")

LANGUAGE_CODE = "zh-hans"
# The only language: a browser asking for English still gets Chinese (admin, form errors, login).
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Chinese for what third-party apps (django-axes, django-auditlog) and Django admin leave in English.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", BASE_DIR / "media"))

# Files (attachments, submitted versions' DOCX/PDF) go through Django's storage API only: on local
# disk under MEDIA_ROOT by default, or in an S3-compatible bucket (AWS S3, MinIO, Ceph, OSS…) when
# S3_BUCKET is set, so that several app servers share them. Downloads always pass through the
# app's views (access is checked there), so the bucket stays private.
S3_BUCKET = os.getenv("S3_BUCKET", "").strip()
if S3_BUCKET:
    S3_ENDPOINT_URL = os.getenv("S3_ENDPOINT_URL", "").strip() or None
    _s3_options = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": S3_ENDPOINT_URL,
        "region_name": os.getenv("S3_REGION", "").strip() or None,
        # Empty keys leave boto3 to its usual chain (AWS_ACCESS_KEY_ID, instance roles, ~/.aws).
        "access_key": os.getenv("S3_ACCESS_KEY_ID", "").strip() or None,
        "secret_key": os.getenv("S3_SECRET_ACCESS_KEY", "").strip() or None,
        "location": os.getenv("S3_PREFIX", "").strip().strip("/"),
        # Self-hosted endpoints (MinIO…) want path-style URLs: bucket names are not DNS names there.
        "addressing_style": os.getenv("S3_ADDRESSING_STYLE", "path" if S3_ENDPOINT_URL else "auto"),
        "signature_version": "s3v4",
        # Never replace a stored file: a second file of the same name gets a new name, as on disk.
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": True,
    }
    if _s3_options["addressing_style"] not in {"auto", "path", "virtual"}:
        raise ImproperlyConfigured("S3_ADDRESSING_STYLE must be auto, path or virtual")
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options}
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded attachments (minutes, photos, documents).
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_MB", "20") * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Font files for the PDF renderer, for organisations that hold licensed fonts. Comma-separated
# paths; empty means the open CJK fonts installed on the server (Noto CJK, LXGW WenKai).
REPORT_FONT_FILES = envlist("REPORT_FONT_FILES", "")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Cache and sessions. Without REDIS_URL: a per-process memory cache and sessions in the database —
# right for one server. With REDIS_URL (redis://host:6379/0, rediss:// for TLS): the cache is
# shared in Redis and sessions are cached there in front of the database ("cached_db": a Redis
# restart logs nobody out), so any app server behind the load balancer can serve any request.
REDIS_URL = os.getenv("REDIS_URL", "").strip()
CACHE_KEY_PREFIX = os.getenv("CACHE_KEY_PREFIX", "branchwork")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"REDIS_URL must start with redis://, rediss:// or unix://, got {REDIS_URL!r}")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": 300,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "branchwork",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # Cached figures take one entry per branch and period (300 by default would evict a
            # large committee's roll-up as fast as it is filled).
            "OPTIONS": {"MAX_ENTRIES": envint("CACHE_MAX_ENTRIES", "20000")},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(8 * 60 * 60))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline, and
# nothing from outside the deployment — it runs on intranets. Inline style attributes are allowed
# (Bootstrap's components set some); inline scripts are not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# HTTPS settings: on whenever DEBUG is off, unless the deployment says it terminates TLS elsewhere
# and serves plain HTTP on purpose (SECURE_SSL_REDIRECT=0 behind a proxy that redirects itself).
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "0" if DEBUG else "1")
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", "0" if DEBUG else "1")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "0" if DEBUG else "1")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "0" if DEBUG else "1")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "0" if DEBUG else "1")
if envbool("SECURE_PROXY_SSL_HEADER", "0"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz is probed over plain HTTP by load balancers inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Audit log (django-auditlog): who created, changed or deleted each record and report, shown to
# administrators in Django admin and to reviewers and branches on their 操作日志 pages. Entries are
# kept in ``audit.AuditEntry``, which also records the organisation each record belongs to so that
# the pages can be scoped with ``branchwork.access``. Fields that change on every save (timestamps,
# the optimistic-locking revision) or that are internal are left out of the diffs.
AUDITLOG_LOGENTRY_MODEL = "audit.AuditEntry"
# auditlog's own migrations would still create its (swapped-out, unused) auditlog_logentry table,
# whose foreign keys to users and content types no model knows of: PostgreSQL then refuses to
# truncate those tables, breaking ``manage.py flush`` and every transactional test (live_server, threads).
MIGRATION_MODULES = {"auditlog": None}
# Foreign keys are logged by name (张三 → 李四), so an entry stays readable after the row is gone.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True
# loaddata (restoring a backup) replays rows; it is not somebody changing them.
AUDITLOG_DISABLE_ON_RAW_SAVE = True
# Who and when are the entry's own actor and timestamp: the rows' bookkeeping columns are left out.
_BOOKKEEPING = ["created_at", "updated_at", "created_by", "updated_by"]
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {"model": "branchwork.organisation", "exclude_fields": ["path"]},
    {"model": "branchwork.partygroup"},
    {"model": "branchwork.member", "exclude_fields": _BOOKKEEPING},
    {"model": "branchwork.role"},
    # Accounts: who was created, renamed, deactivated. Passwords are never logged (an issued
    # password is logged as an event by branchwork.accounts); logins are not changes.
    {"model": "auth.user", "exclude_fields": ["password", "last_login", "date_joined"]},
    {"model": "activities.activity", "exclude_fields": _BOOKKEEPING},
    {"model": "activities.attendance"},
    {
        "model": "activities.attachment",
        "exclude_fields": ["uploaded_at", "uploaded_by"],
        "mapping_fields": {"content_type": "文件类型"},
    },
    {"model": "activities.outlet"},
    {"model": "activities.publicityentry", "exclude_fields": _BOOKKEEPING},
    {"model": "activities.compliancerule"},
    {"model": "reports.report", "exclude_fields": [*_BOOKKEEPING, "revision", "dismissed_origins"]},
    {"model": "reports.reportitem", "exclude_fields": ["origin", "position"]},
    {"model": "reports.branchprofile", "exclude_fields": ["updated_at"]},
    {"model": "reports.profileyear"},
    {"model": "reports.standingwork"},
    # Versions are frozen: their metadata (number, files) is logged, not the whole document.
    {
        "model": "reports.reportversion",
        "exclude_fields": ["document", "submitted_by"],
        "mapping_fields": {"docx_file": "DOCX 文件", "pdf_file": "PDF 文件"},
    },
    # Inspection: the standard and its items as the 组织员 edits them, and every score a step writes.
    {"model": "inspection.standard", "exclude_fields": [*_BOOKKEEPING, "revised_at"]},
    {"model": "inspection.standarditem"},
    {"model": "inspection.branchscore", "exclude_fields": _BOOKKEEPING},
    {"model": "inspection.itemscore", "exclude_fields": ["proposed_reasons", "missing_materials"]},
    {"model": "inspection.branchscoreversion", "exclude_fields": ["document", "by"]},
)

# Email. Notifications (a report submitted, returned, approved) are mailed as well as shown in the
# app when EMAIL_HOST is set (Django's SMTP backend); in development they are printed to the console.
EMAIL_HOST = os.getenv("EMAIL_HOST", "").strip()
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", "25")
    EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
    EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "0")
    EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "10")
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "支部工作台 <noreply@localhost>")
NOTIFICATION_EMAILS = bool(EMAIL_HOST) or DEBUG
# The address people open the app at, for the links in emails (e.g. https://dj.example.org).
SITE_URL = os.getenv("SITE_URL", CSRF_TRUSTED_ORIGINS[0] if CSRF_TRUSTED_ORIGINS else "").strip()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}
