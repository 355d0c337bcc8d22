"""Django settings for Recipe Pilot, read from the environment (see docs/configuration.md).

Embedded defaults (no variable set besides DEBUG=1): SQLite under var/, jobs run inline
(no Redis), e-mail printed to the console. Production sets DATABASE_URL, REDIS_URL,
SECRET_KEY, ALLOWED_HOSTS and the EMAIL_* variables.
"""

import os
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from pilot.env import (
    env_bool,
    env_database,
    env_float,
    env_int,
    env_list,
    env_redis_url,
    env_str,
    env_timezone,
)

BASE_DIR = Path(__file__).resolve().parent.parent

# A laptop checkout keeps its generated SECRET_KEY in a git-ignored .env (written by
# `make run`). Variables already in the environment win; ENV_FILE names another file, and
# ENV_FILE= (empty) reads none.
ENV_FILE = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE and Path(ENV_FILE).is_file():
    load_dotenv(ENV_FILE, override=False)
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Environment variable SECRET_KEY is not set. It is required when DEBUG is off: "
            "export it, or run `make run` once, which writes a generated key to .env "
            f"({ENV_FILE or 'ENV_FILE is empty: no .env read'})."
        )
    SECRET_KEY = "django-insecure-development-key-only-used-when-DEBUG-is-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_rq",
    "axes",
    "csp",
    "pilot",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pilot.security.ContentSecurityPolicyMiddleware",
    "pilot.security.PrivatePagesMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pilot.urls"
WSGI_APPLICATION = "pilot.wsgi.application"

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
                "pilot.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets pages read while a job writes; IMMEDIATE takes the write lock up front so two
    # writers wait for each other instead of failing with "database is locked". In WAL mode
    # synchronous=NORMAL cannot corrupt the database (a power cut may lose the last commits,
    # never half of one) and spares an fsync on every commit; with connections kept for 60 s
    # it made a rating POST 6x faster under gunicorn (tests/bench/bench_rating.py).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=env_float("SQLITE_BUSY_TIMEOUT", 20.0, minimum=0.1),
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        transaction_mode="IMMEDIATE",
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Password logins (/accounts/login/, /admin/login/) are throttled by django-axes: after
# LOGIN_FAILURE_LIMIT wrong passwords in a row for one username from one address, that pair
# is locked out for LOGIN_LOCKOUT_MINUTES (the lockout ends by itself; see docs/security.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "pilot.views.accounts.locked_out"
PROXY_COUNT = env_int("PROXY_COUNT", 0, minimum=0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_timezone("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# E-mail: console by default; SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Recipe Pilot <pilot@localhost>")
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# Jobs: with REDIS_URL, django-rq queues for a worker; without it, jobs run inline.
REDIS_URL = env_redis_url("REDIS_URL")
RQ_QUEUES = {
    "default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 3600},
}
RQ = {"COMMIT_MODE": "on_db_commit"}
JOBS_INLINE = REDIS_URL is None
# With Redis, the cache is shared by the web processes and the workers (the dashboard's pages
# built by a job after each close are then served by every web process); without it, each
# process has its own.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "pilot"),
        }
    }
# Without Redis: run each job at once inside ``enqueue`` (the tests) instead of on the
# in-process worker thread.
JOBS_SYNC = env_bool("JOBS_SYNC", False)

# Dashboard: build the analysts' pages in a job after each batch close (pilot.dashboard.warm).
DASHBOARD_WARM_AFTER_CLOSE = env_bool("DASHBOARD_WARM_AFTER_CLOSE", True)

# Pilot rules.
SIGNIN_LINK_MAX_AGE_HOURS = env_int("SIGNIN_LINK_MAX_AGE_HOURS", 72, minimum=1)
# Largest upload the staff upload page accepts, in megabytes (refused before it is stored).
UPLOAD_MAX_MB = env_int("UPLOAD_MAX_MB", 1024, minimum=1)
IMPORT_MAX_REJECT_SHARE = env_float("IMPORT_MAX_REJECT_SHARE", 0.05, minimum=0.0, maximum=1.0)
MODEL_ARTIFACT_DIR = VAR_DIR / "models"
# The weekly cycle (docs/cycle.md): how often rqcron enqueues the tick; how long a worker's
# claim on a batch step lasts before another worker may take over from a dead one.
TICK_INTERVAL_SECONDS = env_int("TICK_INTERVAL_SECONDS", 60, minimum=1)
BATCH_LEASE_SECONDS = env_int("BATCH_LEASE_SECONDS", 120, minimum=1)
# Pseudonyms in exports: HMAC of (study key, customer id) with this key (default SECRET_KEY).
PSEUDONYM_KEY = env_str("PSEUDONYM_KEY", "")

# HTTPS (docs/security.md). Behind PROXY_COUNT proxies, X-Forwarded-Proto says whether the
# browser used HTTPS; the proxy must set it (and drop any the client sent).
if PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): everything from this site only; no inline script or
# style anywhere (plotly figures are drawn by static/js/charts.js from JSON in the page).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes logs every successful login at INFO; failures and lockouts are WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}
