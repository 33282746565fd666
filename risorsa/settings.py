"""Risorsa settings: one file, every value read from the environment (see .env.example)."""

import os
import re
from datetime import date
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
APP_DIR = BASE_DIR / "risorsa"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points to an unreadable file: {path}") from exc
    return os.environ.get(name, default)


def env_url_path(name: str, default: str) -> str:
    """A URL prefix of plain segments (letters, digits, - and _), returned as "a/b/"."""
    raw = os.environ.get(name, default).strip().strip("/")
    if not re.fullmatch(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*", raw):
        raise ImproperlyConfigured(f"{name} must be a URL path such as gestione-sito/, not {raw!r}")
    return f"{raw}/"


def env_meta_header(name: str) -> str:
    """An HTTP header named as in request.META (X-Forwarded-For -> HTTP_X_FORWARDED_FOR), or ""."""
    raw = os.environ.get(name, "").strip().upper().replace("-", "_")
    if raw and not raw.startswith("HTTP_"):
        raw = f"HTTP_{raw}"
    if raw and not re.fullmatch(r"HTTP_[A-Z0-9_]+", raw):
        raise ImproperlyConfigured(f"{name} must be a header name such as X-Forwarded-For, not {raw!r}")
    return raw


DEBUG = env_bool("DEBUG", default=False)
DEMO = env_bool("RISORSA_DEMO", default=False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off (see .env.example)")
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "risorsa.security.apps.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "template_partials",
    "bootstrap_italia_template",
    "simple_history",
    "risorsa.core",
    "risorsa.security",
    "risorsa.organizations",
    "risorsa.audit",
    "risorsa.registry",
    "risorsa.ledger",
    "risorsa.coordination",
    "risorsa.repayment",
    "risorsa.protection",
    "risorsa.interventions",
    "risorsa.workprogram",
    "risorsa.reports",
    "risorsa.privacy",
    "risorsa.home",
    "risorsa.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "risorsa.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "risorsa.organizations.middleware.MembershipMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "risorsa.audit.middleware.AdminAccessMiddleware",
    "risorsa.organizations.middleware.ManagerSecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "risorsa.urls"
WSGI_APPLICATION = "risorsa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [APP_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "risorsa.organizations.context_processors.navigation",
                "risorsa.protection.context_processors.incidents",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# Databases: SQLite in var/ unless DATABASE_URL says otherwise.
VAR_DIR = Path(env_str("RISORSA_VAR_DIR", str(BASE_DIR / "var")))
_database_url = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'risorsa.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use an in-memory database unless told otherwise; the browser journeys, where the live
    # server, the task worker and the test share it from several threads, need a real file.
    if env_str("SQLITE_TEST_NAME"):
        DATABASES["default"]["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Site administration (Django admin) sees every organization unscoped: superusers only, at a path
# of the deployment's choosing so that the well-known /admin/ gets no login form to guess at.
ADMIN_PATH = env_url_path("RISORSA_ADMIN_PATH", "gestione-sito/")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home:dashboard"
LOGOUT_REDIRECT_URL = "login"

# The header in which the TLS proxy in front of Risorsa puts the client's address (e.g.
# HTTP_X_FORWARDED_FOR; its right-most entry, the one the proxy wrote, is taken). Unset, every
# request seems to come from the proxy, so the address means nothing and is not used.
TRUSTED_PROXY_HEADER = env_meta_header("RISORSA_TRUSTED_PROXY_HEADER")

# Lock-out after repeated failed logins (django-axes). Keyed on the user name, so that guessing from
# many addresses does not help; the address joins the key only when it is known (a trusted proxy
# header), so that a guesser elsewhere does not lock the user out of their own desk.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]] if TRUSTED_PROXY_HEADER else ["username"]
AXES_CLIENT_IP_CALLABLE = "risorsa.security.client.client_address"
# axes warns when the address is not in the key; behind the proxy, without a trusted header, the
# address is the proxy's for everyone, and keying on it is what let one guesser lock all users out.
SILENCED_SYSTEM_CHECKS = [] if TRUSTED_PROXY_HEADER else ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)

# Password reset requests per hour: a person needs one or two (a lost e-mail); more for one e-mail
# is someone flooding its inbox. An office behind one address may hold a few colleagues.
PASSWORD_RESET_LIMIT_PER_EMAIL = env_int("PASSWORD_RESET_LIMIT_PER_EMAIL", 3)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 10)

# Second factor (TOTP, django-otp): anyone may enroll one; required of managers when set.
MANAGER_TOTP_REQUIRED = env_bool("RISORSA_MANAGER_TOTP_REQUIRED", default=False)
OTP_TOTP_ISSUER = "Risorsa"

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("Inglese"))]
LOCALE_PATHS = [APP_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["risorsa.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [APP_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "risorsa@localhost")

# Security: strict outside DEBUG, so that `manage.py check --deploy` is clean in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): everything from this site, nothing inline. HTMX and
# Bootstrap Italia are served from here; their inline behaviours are switched off (htmx-config in
# base.html) and the fonts come from a stylesheet, so styles need no 'unsafe-inline' either.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap Italia draws its icons as data: SVG in its CSS
        "font-src": [SELF, "data:"],  # and one small icon font inlined in its CSS
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

PAGE_SIZE = env_int("RISORSA_PAGE_SIZE", 25)


def env_day(name: str, default: str) -> tuple[int, int]:
    """A day of the year as DD/MM (e.g. 13/11), returned as (month, day)."""
    raw = os.environ.get(name, default)
    try:
        day, month = (int(part) for part in raw.split("/"))
        date(2000, month, day)  # a leap year: 29/02 is a day of the year
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a day as DD/MM, not {raw!r}") from exc
    return month, day


# The protected list's soft size: the municipality sees how many are active against it.
PROTECTION_SOFT_CAP = env_int("PROTECTION_SOFT_CAP", 130)

# Working days after its due date that an unpaid installment waits before it counts as missed.
PLAN_GRACE_DAYS = env_int("PLAN_GRACE_DAYS", 5)

# Uploads of the utility's files: refused past this size, as they stream (see risorsa/ledger/uploads.py).
RISORSA_MAX_UPLOAD_MB = env_int("RISORSA_MAX_UPLOAD_MB", 200)
# Received files are deleted this many days after they arrive; their hash and report stay.
IMPORT_FILE_RETENTION_DAYS = env_int("RISORSA_IMPORT_FILE_RETENTION_DAYS", 90)
# People with no open case are anonymised this many years after their last activity (GDPR art. 5).
PERSONAL_DATA_RETENTION_YEARS = env_int("RISORSA_PERSONAL_DATA_RETENTION_YEARS", 10)
for _name in ("RISORSA_MAX_UPLOAD_MB", "IMPORT_FILE_RETENTION_DAYS", "PERSONAL_DATA_RETENTION_YEARS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"RISORSA_{_name.removeprefix('RISORSA_')} must be at least 1")

# The territory's patron saint, a local holiday for working-day deadlines (Cremona: Sant'Omobono).
PATRON_SAINT_DAY = env_day("PATRON_SAINT_DAY", "13/11")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
