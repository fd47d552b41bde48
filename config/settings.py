"""Gongshi settings: one file, every deploy-specific value from the environment.

Development defaults are safe: DEBUG is off unless asked for, and the database and Redis
URLs point at the local servers (``make run`` and ``make test`` set them to embedded
servers when none are given).
"""

from pathlib import Path
from urllib.parse import unquote

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -----------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str(
    "SECRET_KEY",
    # Only for development: production sets SECRET_KEY (docs/deployment.md).
    default="dev-only-insecure-key-change-me-gongshi-0000000000000000",
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    # The admin, for administrators only (core.admin_site).
    "core.admin_apps.GongshiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    # The kernel, then the domain apps, lowest layer first: registry <- rectification <-
    # publicity; then the staff pages and the demo city, above all three.
    "core",
    "registry",
    "rectification",
    "publicity",
    "staff",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/gongshi"),
}
# A unix-socket directory is given percent-encoded in the URL's host
# ("postgres://postgres@%2Fsrv%2Fpg/gongshi", as the embedded server is); psycopg needs it plain.
DATABASES["default"]["HOST"] = unquote(DATABASES["default"]["HOST"])
# Django's psycopg 3 connection pool: one pool per process, so persistent connections
# (CONN_MAX_AGE) must stay off.
if env.bool("DB_POOL", default=True):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN", default=1),
        "max_size": env.int("DB_POOL_MAX", default=10),
        "timeout": env.int("DB_POOL_TIMEOUT", default=10),
    }
DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker ------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="gongshi"),
        "TIMEOUT": 300,
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Celery (config/celery.py reads the CELERY_ names) -------------------------------------
# Kombu spells a Redis unix socket "redis+socket://"; redis-py spells it "unix://".
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL", default=REDIS_URL.replace("unix://", "redis+socket://", 1)
)
# Tasks record their effects in the database; results are not kept unless asked for.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TIMEZONE = "Asia/Shanghai"
# A job is acknowledged only after it ran, and given back if its worker dies, so a killed
# worker's job is redone; every task is written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Seconds before an unacknowledged job is handed to another worker: longer than the
    # longest job (a 1,000-entry notice PDF) so a slow job is not run twice.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_TRACK_STARTED = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence, letters and notices: outside the static root, served only through views that
# check permissions (published notices are public through their own view).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"

# --- Auth -----------------------------------------------------------------------------------
LOGIN_URL = "staff-login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="gongshi@localhost")

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gongshi API",
    "DESCRIPTION": "Read-only open data of the work-safety exposure regime.",
    "VERSION": "1",
}

# --- The regime (deployment knobs) ----------------------------------------------------------
AUTHORITY_NAME = env.str("AUTHORITY_NAME", default="惠州市安全生产监督管理局")
# Shown on English pages (printed notices always carry the Chinese name).
AUTHORITY_NAME_EN = env.str(
    "AUTHORITY_NAME_EN", default="Huizhou Municipal Administration of Work Safety"
)
CITY_NAME = env.str("CITY_NAME", default="惠州市")
REPORTING_HOTLINE = env.str("REPORTING_HOTLINE", default="12350")
# Days a unit has to object after its prior notice (告知).
OBJECTION_PERIOD_DAYS = env.int("OBJECTION_PERIOD_DAYS", default=7)
# Publicity term: the national rule is 3 years; early removal after 12 months of verified
# rectification.
PUBLICITY_TERM_DAYS = env.int("PUBLICITY_TERM_DAYS", default=3 * 365)
EARLY_REMOVAL_AFTER_DAYS = env.int("EARLY_REMOVAL_AFTER_DAYS", default=365)
ESCALATE_AFTER_OVERDUE_DAYS = env.int("ESCALATE_AFTER_OVERDUE_DAYS", default=14)

# --- Working-day calendar (core.calendar) ---------------------------------------------------
# How each period counts its days: "calendar" (自然日) or "working" (工作日 on the official
# calendar of statutory holidays and adjusted working days, kept in the database). The numbers
# are OBJECTION_PERIOD_DAYS, REMINDER_DAYS_BEFORE and ESCALATE_AFTER_OVERDUE_DAYS;
# core.calendar.period() reads a number with its unit. A rectification deadline is ordered in
# calendar days and moved off a rest day (Civil Code art. 203), whatever these say.
OBJECTION_PERIOD_UNIT = env.str("OBJECTION_PERIOD_UNIT", default="working")
REMINDER_DAYS_BEFORE_UNIT = env.str("REMINDER_DAYS_BEFORE_UNIT", default="calendar")
ESCALATE_AFTER_OVERDUE_UNIT = env.str("ESCALATE_AFTER_OVERDUE_UNIT", default="calendar")

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# The regulation the printed notice cites in its preamble.
CITY_REGULATION = env.str("CITY_REGULATION", default="《惠州市安全生产新闻媒体公示曝光制度》")

# --- Printed documents (notices, letters) ----------------------------------------------------
# A TrueType CJK font embedded in every PDF. reportlab cannot embed CFF/OTF fonts (Noto CJK);
# WenQuanYi Micro Hei comes from Debian's fonts-wqy-microhei.
PDF_CJK_FONT_PATH = env.str(
    "PDF_CJK_FONT_PATH", default="/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
)
# Index of the face inside a .ttc collection (0: WenQuanYi Micro Hei).
PDF_CJK_FONT_INDEX = env.int("PDF_CJK_FONT_INDEX", default=0)

# --- Uploads ----------------------------------------------------------------------------------
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Back office (registry: enterprises, inspections, findings, accidents) ------------------
# Default rectification deadline of a finding, in days after its inspection, by proposed
# disposition (the inspector may set another date). For 取缔/关闭 it is the date by which
# the closure is to be verified.
FINDING_DEADLINE_DAYS = {
    "banned": env.int("FINDING_DEADLINE_DAYS_BANNED", default=15),
    "suspended_for_overhaul": env.int("FINDING_DEADLINE_DAYS_SUSPENDED_FOR_OVERHAUL", default=60),
    "work_stopped": env.int("FINDING_DEADLINE_DAYS_WORK_STOPPED", default=30),
    "rectify_by_deadline": env.int("FINDING_DEADLINE_DAYS_RECTIFY_BY_DEADLINE", default=30),
    "suspended": env.int("FINDING_DEADLINE_DAYS_SUSPENDED", default=60),
    "closed": env.int("FINDING_DEADLINE_DAYS_CLOSED", default=15),
}
# Bulk import of enterprises: the largest file and number of rows accepted at once.
ENTERPRISE_IMPORT_MAX_BYTES = env.int("ENTERPRISE_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
ENTERPRISE_IMPORT_MAX_ROWS = env.int("ENTERPRISE_IMPORT_MAX_ROWS", default=50_000)
# Staged uploads of forms that were never saved are deleted after this many hours.
PENDING_UPLOAD_MAX_AGE_HOURS = env.int("PENDING_UPLOAD_MAX_AGE_HOURS", default=24)

# --- Publication (publicity: batches, prior notices, the printed notice) --------------------
# The newspaper that usually prints the notices; the publish form starts with it.
NOTICE_DEFAULT_OUTLET = env.str("NOTICE_DEFAULT_OUTLET", default="惠州日报")
# Paper size of the stored notice (the one whose SHA-256 is kept): "A4" or "A3". The other size
# is built on request for download, byte-identical on every request.
NOTICE_PAGE_SIZE = env.str("NOTICE_PAGE_SIZE", default="A4")
# The batch's public page the notice's QR code points to ({site} is SITE_URL; {id}, {year} and
# {number} are the batch's): the public site's "public:batch-detail".
NOTICE_PUBLIC_URL = env.str("NOTICE_PUBLIC_URL", default="{site}/batches/{id}/")
# Minutes after which an unfinished letters/notice job is sent to the broker again.
PUBLICATION_JOB_REDISPATCH_MINUTES = env.int("PUBLICATION_JOB_REDISPATCH_MINUTES", default=10)

# --- Rectification ---------------------------------------------------------------------------
# The unit's own channel: attempts at an access code allowed per client (IP address) and per
# code within the window, counted in Redis.
UNIT_CODE_ATTEMPTS_PER_CLIENT = env.int("UNIT_CODE_ATTEMPTS_PER_CLIENT", default=10)
UNIT_CODE_ATTEMPTS_PER_CODE = env.int("UNIT_CODE_ATTEMPTS_PER_CODE", default=5)
UNIT_CODE_RATE_WINDOW_SECONDS = env.int("UNIT_CODE_RATE_WINDOW_SECONDS", default=15 * 60)
# Reminders before a deadline, in days; weekly overdue reminders; cases per sweep transaction.
REMINDER_DAYS_BEFORE = env.list("REMINDER_DAYS_BEFORE", cast=int, default=[7, 3, 1])
REMINDER_OVERDUE_EVERY_DAYS = env.int("REMINDER_OVERDUE_EVERY_DAYS", default=7)
REMINDER_SWEEP_CHUNK = env.int("REMINDER_SWEEP_CHUNK", default=500)
# Where the file email backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend)
# writes messages: development and the reminder tests' worker processes.
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))

# --- Public site ----------------------------------------------------------------------------
# Third-party browser assets installed by npm (package.json, `make assets`), served from our
# own static files under vendor/: ECharts for the statistics charts, Swagger UI for the API
# docs, axe-core for the accessibility tests. Only directories that exist, so a checkout
# without node_modules still passes `manage.py check`.
for _prefix, _directory in [
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
    ("vendor/swagger-ui", BASE_DIR / "node_modules" / "swagger-ui-dist"),
    ("vendor/axe-core", BASE_DIR / "node_modules" / "axe-core"),
]:
    if _directory.is_dir():
        STATICFILES_DIRS.append((_prefix, _directory))  # type: ignore[arg-type]
SPECTACULAR_SETTINGS |= {
    "SWAGGER_UI_DIST": f"{STATIC_URL}vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": f"{STATIC_URL}favicon.svg",
}
# The open-data API throttles each client (DRF keeps the counters in the Redis cache).
# (mypy inferred REST_FRAMEWORK as holding lists only, from its first lines.)
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {  # type: ignore[assignment]
    "public_api": env.str("PUBLIC_API_RATE", default="120/minute"),
}
# Rows per page of the exposure list.
PUBLIC_LIST_PAGE_SIZE = env.int("PUBLIC_LIST_PAGE_SIZE", default=50)
# Public pages cached in Redis (publicity.public.selectors.public_cached). Off, every page is
# read from the database; the list's counts and filter choices stay cached either way
# (`make bench` measures both).
PUBLIC_PAGE_CACHE = env.bool("PUBLIC_PAGE_CACHE", default=True)
# Reports and consultations accepted from one client address per hour.
PUBLIC_SUBMISSIONS_PER_HOUR = env.int("PUBLIC_SUBMISSIONS_PER_HOUR", default=5)
