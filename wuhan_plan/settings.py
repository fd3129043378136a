"""Settings for wuhan_plan: one module, read from environment variables.

Every variable is parsed by django-environ, which raises ImproperlyConfigured on a
value it cannot read (DEBUG=perhaps, SESSION_IDLE_MINUTES=ten ...), so a bad deployment
fails at start-up rather than at the first request.
"""

import datetime
import secrets
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()


def env_bool(name, default):
    """A boolean variable; anything but true/false/1/0/yes/no/on/off is an error."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name, default, minimum=None, maximum=None):
    raw = env.str(name, default=str(default))
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ImproperlyConfigured(f"{name} must be between {minimum} and {maximum}, not {value}")
    return value


def _development_secret_key():
    """A key generated once into var/ so development sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("WUHAN_PLAN_TESTING", False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = _development_secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # FORM_RENDERER below finds Django's widget templates through it
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_celery_beat",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "units",
    "tasks",
    "targets",
    "reporting",
    "reports",
    "api",
]
# The benchmark tools (bench, loadtest, generate_scale_data) are for development machines only.
DEV_TOOLS = env_bool("DEV_TOOLS", DEBUG or TESTING)
if DEV_TOOLS:
    INSTALLED_APPS.append("benchmarks")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "wuhan_plan.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "units.middleware.AccountPolicyMiddleware",
    # axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wuhan_plan.urls"
WSGI_APPLICATION = "wuhan_plan.wsgi.application"

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
                "units.context_processors.membership",
            ],
        },
    },
]

# Widgets render with the project's templates, so templates/django/forms/ can lighten them.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'wuhan_plan.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file in development.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CACHE_URL: locmem (per process) by default. No page caches its figures: they are stored
# standings, read with SQL (targets/standing_store.py).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "units.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Accounts: lockout (django-axes), idle timeout, second factor.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# Lock the account, not the address: offices reach the intranet through one NAT address, and
# locking it would shut out a whole department after one person's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
REQUIRE_OTP_FOR_STAFF = env_bool("REQUIRE_OTP_FOR_STAFF", False)
# With OTP required, a staff account enrols its first device only with a superuser's one-time code
# (units/otp_enrolment.py), valid this long.
OTP_ENROLMENT_CODE_HOURS = env_int("OTP_ENROLMENT_CODE_HOURS", 24, minimum=1, maximum=168)
OTP_TOTP_ISSUER = "武汉市科技创新工作要点"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it, even before collectstatic
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: evidence goes through a permission-checked view
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_MB", 20, minimum=1) * 1024 * 1024
UPLOAD_XLSX_MAX_BYTES = env_int("UPLOAD_XLSX_MAX_MB", 5, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# Reporting rules: the deadline day of the next month and the status thresholds.
REPORT_DUE_DAY = env_int("REPORT_DUE_DAY", 5, minimum=1, maximum=28)
STATUS_SERIOUS_LAG_POINTS = env_int("STATUS_SERIOUS_LAG_POINTS", 20, minimum=1, maximum=100)
STATUS_ABOUT_TOLERANCE_PERCENT = env_int("STATUS_ABOUT_TOLERANCE_PERCENT", 5, minimum=0, maximum=50)

# Email: files under var/ in development, SMTP in production.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.filebased.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env.str("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="武汉市科技局 <noreply@kjj.wuhan.gov.cn>")

# Celery: Redis in production; with no broker set, kombu's filesystem transport under var/,
# so development needs no server at all.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
# A web request that queues mail (reminders "send now") must not wait on a broker that is down.
# It publishes with retry=False (reports.tasks.enqueue_delivery); these make that one connection
# attempt final and short — kombu would otherwise keep retrying for ~6 s. The message stays
# pending and the reminder sweep queues it later. Beat and the worker keep Celery's publish retry
# (task_publish_retry_policy), which reconnects on its own schedule, and the worker's consumer
# its own reconnection (broker_connection_max_retries).
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECTION_TIMEOUT", 1, minimum=1, maximum=30)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 0,  # the publishing connection (kombu's default_channel): no retry of its own
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,  # Redis: a host that does not answer
}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A task a worker had reserved when it died (acks_late) comes back after this many seconds. It must
    # outlast the longest wait before a retry (reports.tasks.MAX_RETRY_DELAY_SECONDS, ten minutes), or a
    # live worker's waiting retry is queued twice (the message's claim still sends it once).
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env_int(
        "CELERY_BROKER_VISIBILITY_TIMEOUT", 3600, minimum=1
    )
    # How often a worker looks for such tasks (kombu's default: every 100 s).
    CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_interval"] = env_int(
        "CELERY_BROKER_RESTORE_INTERVAL_SECONDS", 10, minimum=1
    )
    CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_throttle"] = 1
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery-queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS.update({
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        # kombu would otherwise put its broadcast ("control") files in the working directory.
        "control_folder": str(VAR_DIR / "celery-control"),
    })
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Every task is short (one period's fan-out, one message, one workbook): a stuck one is killed
# rather than holding a worker; the soft limit lets it record why first.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Names and descriptions are what bureau staff read in the admin (定时任务). Every kind runs
    # daily: its send date moves off weekends and holidays (tasks/calendar.py), so a run sends only
    # on that date or a make-up day after it (reports/reminders/calendar.py scheduled_period), and
    # never twice (one ReminderMessage per recipient). "description" is a field of django-celery-beat's
    # PeriodicTask, which its DatabaseScheduler fills from the entry.
    "每周通报（每日9:00检查发送日）": {
        "task": "reports.tasks.send_weekly_bulletin",
        "schedule": crontab(minute=0, hour=9),
        "description": "上周结束后的星期一（遇节假日顺延至下一个工作日）向领导和科技局工作人员发送每周通报。",
    },
    "月度报送通知（每日9:00检查发送日）": {
        "task": "reports.tasks.send_monthly_notice",
        "schedule": crontab(minute=0, hour=9),
        "description": "每月1日（遇节假日顺延）通知各报送单位联络员报送上月工作进展。",
    },
    "报送提醒（每日9:00检查发送日）": {
        "task": "reports.tasks.send_monthly_reminder",
        "schedule": crontab(minute=0, hour=9),
        "description": "报送截止日前两天（或其前一个工作日）提醒尚未报送的单位。",
    },
    "逾期催报（每日9:30检查发送日）": {
        "task": "reports.tasks.send_monthly_overdue",
        "schedule": crontab(minute=30, hour=9),
        "description": "报送截止日后的第一个工作日向逾期未报送的单位催报，并抄送科技局工作人员。",
    },
    "月度进展汇总（每日9:00检查发送日）": {
        "task": "reports.tasks.send_monthly_summary",
        "schedule": crontab(minute=0, hour=9),
        "description": "每月10日（遇节假日顺延）向领导发送上月进展汇总。",
    },
    "季度调度报告（每日10:00检查发送日）": {
        "task": "reports.tasks.send_quarterly_report",
        "schedule": crontab(minute=0, hour=10),
        "description": "每季度结束后的第一个工作日发送季度调度报告，附季度工作簿。",
    },
    "督办通知（每日10:30检查逾期与严重滞后）": {
        "task": "reports.tasks.issue_urging_notices",
        "schedule": crontab(minute=30, hour=10),
        "description": "工作日检查：报送逾期的单位印发催办单；催办后仍逾期若干个工作日，或所报指标连续两个月严重滞后的，"
        "印发督办单并抄送领导。每份通知只印发、只发送一次。",
    },
    "补发滞留邮件（每5分钟）": {
        "task": "reports.tasks.sweep_pending_reminders",
        "schedule": datetime.timedelta(seconds=env_int("REMINDER_SWEEP_EVERY_SECONDS", 300, minimum=1)),
        "description": "补发因消息队列中断而未发出的邮件，以及发送进程中断后滞留在“发送中”的邮件。",
    },
}
# The urging ladder (reports/supervision/ladder.py): a 催办单 still overdue this many working days
# after it was issued becomes a 督办单; each notice's 办理期限 is as many working days after its issue.
SUPERVISION_ESCALATE_AFTER_WORKING_DAYS = env_int("SUPERVISION_ESCALATE_AFTER_WORKING_DAYS", 3, minimum=1, maximum=30)
# Reminder delivery: a failed SMTP send is retried REMINDER_MAX_RETRIES times, waiting
# REMINDER_RETRY_BASE_SECONDS × 2^n (at most 10 minutes) between tries, then shown as failed.
REMINDER_MAX_RETRIES = env_int("REMINDER_MAX_RETRIES", 4, minimum=0, maximum=10)
REMINDER_RETRY_BASE_SECONDS = env_int("REMINDER_RETRY_BASE_SECONDS", 60, minimum=1)
REMINDER_SWEEP_AFTER_MINUTES = env_int("REMINDER_SWEEP_AFTER_MINUTES", 15, minimum=1)
# A message claimed ("sending") this long ago belongs to a worker that died mid-send: the sweep
# puts it back to pending and queues it again. Longer than the hard time limit, so a send still
# running (it is killed at CELERY_TASK_TIME_LIMIT) is never taken for a dead one.
REMINDER_STALE_SENDING_SECONDS = env_int("REMINDER_STALE_SENDING_SECONDS", 900, minimum=1)
if REMINDER_STALE_SENDING_SECONDS <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("REMINDER_STALE_SENDING_SECONDS must be longer than CELERY_TASK_TIME_LIMIT")

# Security headers. Production (DEBUG off) is HTTPS-only.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG and not TESTING)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
BEHIND_HTTPS_PROXY = env_bool("BEHIND_HTTPS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_HTTPS_PROXY else None
# Whose X-Forwarded-Proto gunicorn believes (gunicorn.conf.py): nobody's unless a proxy is declared.
# gunicorn's own default trusts the loopback, so without this a local client's header made
# plain-HTTP requests https to Django even with BEHIND_HTTPS_PROXY off.
FORWARDED_ALLOW_IPS = env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1", "::1"]) if BEHIND_HTTPS_PROXY else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # plotly.js writes <style> elements and style attributes for its charts.
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

AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180, minimum=180)
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))

DJANGO_TABLES2_TEMPLATE = "tables/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}
SIMPLE_HISTORY_REVERT_DISABLED = True  # restores go through our own view, which checks locks

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# The read-only JSON API (api/, /api/v1/): token or session, a role required, JSON only, rate-limited.
API_RATE_PER_CLIENT = env.str("API_RATE_PER_CLIENT", default="600/minute")
_requests, _slash, _period = API_RATE_PER_CLIENT.partition("/")
if not (_requests.isdigit() and int(_requests) > 0 and _period in ("second", "minute", "hour", "day")):
    raise ImproperlyConfigured(f"API_RATE_PER_CLIENT must be like 600/minute, not {API_RATE_PER_CLIENT!r}")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",  # first: its "Token" challenge makes anonymous a 401
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.access.HasRole"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Per signed-in user or per token; an anonymous request is refused (401) before it counts.
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": API_RATE_PER_CLIENT},
    "COERCE_DECIMAL_TO_STRING": False,
    "UNICODE_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "武汉市科技创新工作要点调度系统 API",
    "DESCRIPTION": "Read-only: the plan, its tasks and targets, stored standings per month, units' on-time "
                   "records, reports as the signed-in user may see them, open coordination matters.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["api.access.HasRole"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",  # served from our static files: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No badge from validator.swagger.io: the intranet has no internet, and nothing leaves this server.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "targets.models.Status",
        "ReportStatusEnum": "tasks.models.MonthlyReport.Status",
    },
}
