"""Settings for Kvalitet, every one read from the environment.

The defaults give the embedded mode a newcomer gets from `make run`: SQLite, Celery
in eager mode with an in-memory broker, console e-mail. Production sets
KVALITET_ENVIRONMENT=production and the variables listed in `.env.example`.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# "development" (the embedded default), "test" or "production".
ENVIRONMENT = os.environ.get("KVALITET_ENVIRONMENT", "development")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DJANGO_DEBUG", ENVIRONMENT == "development")
if PRODUCTION:
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
else:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-development-key-not-for-production")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rules.apps.AutodiscoverRulesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "simple_history",
    "django_celery_beat",
    "barnehager",
    "kvalitet",
    "observasjoner",
    "handleplaner",
    "rapporter",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A log-in ends after KVALITET_SESSION_IDLE_MINUTES without a request.
    "barnehager.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After LocaleMiddleware and the user: a signed-in person's own language wins over
    # her browser's (barnehager/language.py says why a middleware).
    "barnehager.language.UserLanguageMiddleware",
    # request.user.is_verified(): whether this session passed a second factor.
    "django_otp.middleware.OTPMiddleware",
    # Who and from where, for barnehager.audit.record.
    "barnehager.audit.AuditContextMiddleware",
    # Consultants and admins pass a second factor before any page (KVALITET_REQUIRE_2FA).
    "barnehager.twofactor.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Serves collected static files from gunicorn; in development runserver serves them.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "kvalitet.urls"
WSGI_APPLICATION = "kvalitet.wsgi.application"

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
                "csp.context_processors.nonce",
                "barnehager.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A kept connection is checked before a request reuses it, so a database restart or
        # a terminated backend costs no request a 500 (tests/faults/test_postgresql.py).
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Half-second timeouts, and django-redis's IGNORE_EXCEPTIONS: the cache serves throttles
    # and the health check only, and fails open (a miss, logged), so a Redis that is down,
    # unreachable or hung never holds up a request or turns it into a 500.
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache",
                          "LOCATION": REDIS_URL,
                          "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5,
                                      "IGNORE_EXCEPTIONS": True}}}
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "barnehager.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    # A municipality's OpenID Connect provider vouched for the person (barnehager/sso).
    "barnehager.sso.backends.SingleSignOnBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "barnehager.views.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Throttled failed logins: five failures for one account from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# How many proxies in front of Kvalitet append to X-Forwarded-For (1 behind the README's TLS
# proxy). The lockout and the reset throttle key on the client address found behind them.
KVALITET_TRUSTED_PROXIES = int(os.environ.get("KVALITET_TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "barnehager.throttling.client_ip"
# Password-reset mail: per address and per client address, each an hour.
PASSWORD_RESET_LIMIT_PER_ADDRESS = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_ADDRESS", "3"))
PASSWORD_RESET_LIMIT_PER_CLIENT = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_CLIENT", "20"))

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Installed from the npm registry by `make assets`; never committed, never a CDN.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    # The accessibility engine the browser tests run on every page (never loaded by a page).
    ("vendor/axe-core", BASE_DIR / "node_modules" / "axe-core"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content-Security-Policy: no inline script or style without the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kvalitet@localhost")
# The address links in e-mails point to.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Celery: eager with an in-memory broker unless a broker is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER",
                                    CELERY_BROKER_URL.startswith("memory://"))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# No request waits on Redis: a broker or result store that does not answer within half a
# second is given up on (the outbox, barnehager/outbox.py, sends the message later). A hung
# Redis (it takes connections and never answers) costs a request one timeout for the result
# store's subscription and one for the publish: a second (tests/faults/test_redis.py).
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# A message a worker took and never acknowledged (the worker was killed: acks_late) goes
# back to the queue after the visibility timeout: 15 minutes, above the longest task (a
# report's 360 s time limit) and the longest retry countdown (600 s), instead of Redis's hour.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5,
                                   "max_retries": 0, "visibility_timeout": 900}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 0.5
CELERY_REDIS_SOCKET_TIMEOUT = 0.5
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 0}}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic tasks; the DatabaseScheduler copies these entries into its tables at start.
CELERY_BEAT_SCHEDULE = {
    # Outbox messages whose own send failed (the broker was down): every minute.
    "barnehager-dispatch-outbox": {
        "task": "barnehager.tasks.dispatch_outbox",
        "schedule": 60.0,
    },
    "barnehager-prune-audit-log": {
        "task": "barnehager.tasks.prune_audit_log",
        "schedule": crontab(hour=3, minute=15),
    },
    # Accounts inactive past their municipality's retention period are de-identified.
    "barnehager-apply-retention": {
        "task": "barnehager.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=45),
    },
    # Report versions readers no longer see, past their municipality's retention period.
    "rapporter-report-retention": {
        "task": "rapporter.reports.tasks.apply_report_retention",
        "schedule": crontab(hour=4, minute=15),
    },
    "handleplaner-due-reminders": {
        "task": "handleplaner.tasks.send_due_reminders",
        "schedule": crontab(hour=6, minute=0),
    },
    # The annual report of each municipality whose configured date is today (once).
    "rapporter-annual-reports": {
        "task": "rapporter.reports.tasks.schedule_annual_reports",
        "schedule": crontab(hour=5, minute=30),
    },
    # Kindergarten reports of rounds closed without them (close_round's signal orders them
    # at once; this catches any it missed).
    "rapporter-kindergarten-reports": {
        "task": "rapporter.reports.tasks.schedule_kindergarten_reports",
        "schedule": crontab(minute=20),
    },
}
EMBEDDED_MODE = CELERY_TASK_ALWAYS_EAGER

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Joining the browsers' preload list is a decision for each installation (README).
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The offline scoring script reads the CSRF token from the cookie at send time.
CSRF_COOKIE_HTTPONLY = False
# A log-in ends after this long without a request (barnehager.middleware saves a signed-in
# session again once a minute while requests come, rather than on every request), on shared
# tablets too; an observer's queued scores wait in the browser for the next log-in.
SESSION_IDLE_MINUTES = int(os.environ.get("KVALITET_SESSION_IDLE_MINUTES", "60"))
SESSION_COOKIE_AGE = 60 * SESSION_IDLE_MINUTES

# Two factors (django-otp: an authenticator app, TOTP, with recovery codes) for consultants
# and admins who log in with a password. On unless turned off; the embedded default of
# `make run` leaves it off so a newcomer can try every demo role, and the log-in page says so.
KVALITET_REQUIRE_2FA = env_bool("KVALITET_REQUIRE_2FA", ENVIRONMENT != "development")
# Log-in backends whose users passed their own provider's checks (single sign-on): no
# second factor asked of them here.
KVALITET_2FA_EXEMPT_BACKENDS = env_list("KVALITET_2FA_EXEMPT_BACKENDS",
                                        "barnehager.sso.backends.SingleSignOnBackend")
OTP_TOTP_ISSUER = "Kvalitet"
# Each wrong code doubles the wait before the next try (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# The audit log keeps entries this many days; a beat task removes older ones.
KVALITET_AUDIT_RETENTION_DAYS = int(os.environ.get("KVALITET_AUDIT_RETENTION_DAYS", "730"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
