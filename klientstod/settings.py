"""Django settings for Klientstöd.

Every setting that differs between machines is read from the environment
through the small typed helpers below; they fail loudly on a value they
cannot read. Without DATABASE_URL the app runs on a local SQLite file.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envids(name: str) -> list[int]:
    """A comma-separated list of record ids."""
    try:
        return [int(item) for item in envlist(name)]
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must list ids (1,2,3), not {os.environ[name]!r}."
        ) from None


DEBUG = envbool("DJANGO_DEBUG", False)

SECRET_KEY = envstr("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for a local demo."
        )
    SECRET_KEY = "insecure-local-development-key-never-used-with-debug-off"

# The personnummer's encryption and index keys: separate from SECRET_KEY, required in
# production. The local demo derives throwaway keys.
KLIENTSTOD_PERSONNUMMER_KEYS = envlist("KLIENTSTOD_PERSONNUMMER_KEYS")
KLIENTSTOD_PERSONNUMMER_INDEX_KEY = envstr("KLIENTSTOD_PERSONNUMMER_INDEX_KEY")
if not KLIENTSTOD_PERSONNUMMER_KEYS or not KLIENTSTOD_PERSONNUMMER_INDEX_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "KLIENTSTOD_PERSONNUMMER_KEYS and KLIENTSTOD_PERSONNUMMER_INDEX_KEY must be set: "
            "the personnummer are stored encrypted. Make a key with: python -c 'from "
            "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        )
    KLIENTSTOD_PERSONNUMMER_KEYS = ["ZGVtby1vbmx5LWtleS1sb2NhbC1kZW1vLTAwMDAwMDA="]
    KLIENTSTOD_PERSONNUMMER_INDEX_KEY = "demo-only-personnummer-index-key"

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "klientstod",
    "klientstod.sso",
    "referrals",
    "interventions",
    "reporting",
    "messaging",
    "reminders",
    "devtools",
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
    "django_filters",
    "axes",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A form sent twice runs once. Outside the session and the messages, so that the
    # first sending's session is saved before a second one is sent where it led.
    "klientstod.middleware.SubmitOnceMiddleware",
    # The Content-Security-Policy on every page (static files, served above, go without).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "klientstod.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Nothing a signed-in user was shown is kept by the browser or a proxy.
    "klientstod.middleware.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "klientstod.middleware.SessionLimitsMiddleware",
    "klientstod.middleware.TwoFactorMiddleware",
    # After the second factor: a password the administrator set is changed first.
    "klientstod.middleware.PasswordChangeMiddleware",
    # Who did it, and from where (klientstod.middleware.client_address), for every audit
    # log entry of the request.
    "klientstod.middleware.AuditMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username or address before the password
    # is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Sign-in through an organisation's identity provider (klientstod.sso, docs/sso.md).
    "klientstod.sso.backends.ProviderBackend",
]

# OpenID Connect providers are set up in the administration (klientstod.sso.models); their
# client secrets come from KLIENTSTOD_OIDC_* variables or are stored encrypted. An issuer
# must be https://, except in the local demo and the tests (a provider on this machine).
KLIENTSTOD_OIDC_ALLOW_HTTP = envbool("KLIENTSTOD_OIDC_ALLOW_HTTP", DEBUG)
# How long to wait for a provider's discovery document, key set and token endpoint.
KLIENTSTOD_OIDC_TIMEOUT_SECONDS = envint("KLIENTSTOD_OIDC_TIMEOUT_SECONDS", 10)

# A second factor (TOTP, django-otp) for every role that sees personal data: referrers
# too, who write personnummer, addresses and reasons. The steering group and the
# evaluator see aggregates only; they may set up an app, and are then asked for its code.
# On by default in production; the local demo (DJANGO_DEBUG=1) runs without it unless asked.
KLIENTSTOD_REQUIRE_2FA = envbool("DJANGO_REQUIRE_2FA", not DEBUG)
KLIENTSTOD_2FA_ROLES = ("coordinator", "bibliotherapist", "referrer", "admin")
OTP_TOTP_ISSUER = "Klientstöd"
# The administrator never sees another user's TOTP key or QR code (klientstod.admin also
# replaces django-otp's device admin, which would let them add a device with a known key).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Setting up an authenticator app takes a one-time enrolment code that the administrator
# issues (klientstod.models.EnrolmentCode); it is valid this many days.
KLIENTSTOD_ENROLMENT_CODE_DAYS = 7

# Lockout after repeated failed logins, for a while (klientstod.lockout.LockoutHandler):
# by username and address together (a few typos), by username across addresses (one
# account guessed from many addresses) and by address across usernames (one password
# tried on every account), the last with a higher limit, so that an office behind one
# NAT address is not locked out by its staff's typos.
AXES_HANDLER = "klientstod.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = envint("DJANGO_LOGIN_FAILURE_LIMIT", 5)
KLIENTSTOD_LOGIN_USERNAME_FAILURE_LIMIT = envint("DJANGO_LOGIN_USERNAME_FAILURE_LIMIT", 10)
KLIENTSTOD_LOGIN_ADDRESS_FAILURE_LIMIT = envint("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("DJANGO_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The lockout page (registration/locked_out.html), with the cool-off in minutes.
AXES_LOCKOUT_CALLABLE = "klientstod.lockout.lockout_response"

# The reverse proxies in front of the app. The client's address is the one our outermost
# proxy wrote into X-Forwarded-For; with none, the connection's own, and the header is
# ignored (anyone can send it). The audit log and the lockout both use it.
KLIENTSTOD_PROXY_COUNT = envint("DJANGO_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "klientstod.middleware.client_address"

ROOT_URLCONF = "klientstod.urls"
WSGI_APPLICATION = "klientstod.wsgi.application"

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
                "django.template.context_processors.i18n",
                "klientstod.context_processors.navigation",
                "referrals.context_processors.waiting_referrals",
            ],
            # {% submission_token %} goes next to every {% csrf_token %}, as built in.
            "builtins": ["klientstod.templatetags.submission"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'klientstod.sqlite3'}",
        conn_max_age=envint("DJANGO_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Drawn charts and printed status reports (aggregate figures only, never a person's data)
# are kept in the cache. With several workers, give them one: Redis, as
# DJANGO_CACHE_URL=redis://host:6379/1. Without it each process keeps its own, in memory.
CACHE_URL = envstr("DJANGO_CACHE_URL")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "klientstod",
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_USER_MODEL = "klientstod.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "klientstod:home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
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

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_TAGS = {40: "danger"}

# Sessions end after 30 minutes without a request, after 12 hours whatever
# happens, and when the browser closes: a person's record must not stay open on an
# unattended screen (klientstod.middleware.SessionLimitsMiddleware).
SESSION_IDLE_SECONDS = envint("DJANGO_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_COOKIE_AGE = envint("DJANGO_SESSION_COOKIE_AGE", 12 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Scripts and styles only from the app's own static files: no inline script, style or
# event handler, no eval, and nothing from another host. A name someone typed that
# slipped into a page unescaped still could not run. Bootstrap's form controls draw
# their arrows and ticks with data: images. The charts are inline SVG with
# presentation attributes rather than style (klientstod.charts).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if not DEBUG:
    # Production serves HTTPS only (behind a proxy that sets X-Forwarded-Proto).
    # docker-compose on plain http://localhost turns these off in its environment.
    SESSION_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", True)
    # The load balancer asks for /health/ over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = envint("DJANGO_SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("DJANGO_SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Application logs carry no personal data: request paths hold only ids, and
# the default error e-mail (which would quote request data) is not used.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # WeasyPrint reports every SVG property it skips in the charts; only errors matter.
        "weasyprint": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "fontTools": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# The process's default number of concurrent clients per coordinator, from the
# application to the samordningsförbund.
KLIENTSTOD_DEFAULT_CAPACITY = 15

# The audit log (django-auditlog) keeps who read or changed what, and from which address
# (KLIENTSTOD_PROXY_COUNT); of a change, the fields and only coded values
# (klientstod.audit).
AUDITLOG_DISABLE_REMOTE_ADDR = False
AUDITLOG_INCLUDE_ALL_MODELS = False

# Gallring: how many years after a client's last record it is erased.
KLIENTSTOD_RETENTION_YEARS = envint("KLIENTSTOD_RETENTION_YEARS", 5)

# Where users report accessibility problems (the accessibility statement, DOS-lagen).
KLIENTSTOD_ACCESSIBILITY_CONTACT = envstr("KLIENTSTOD_ACCESSIBILITY_CONTACT")

# Messages to clients (messaging/): reminders and self-assessment links.
# E-mail through Django's SMTP backend; the local demo writes mail to the console.
EMAIL_BACKEND = envstr(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = envstr("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("DJANGO_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("DJANGO_EMAIL_TIMEOUT_SECONDS", 10)
DEFAULT_FROM_EMAIL = envstr("DJANGO_DEFAULT_FROM_EMAIL", "klientstod@localhost")
# SMS (messaging.sms): http (a provider's API, as 46elks'), console or file (the demo), or
# empty for none. The URL, the credentials (username and password, or a token), the
# sender name (at most 11 letters and digits), the delivery report's callback address.
KLIENTSTOD_SMS_BACKEND = envstr("KLIENTSTOD_SMS_BACKEND", "console" if DEBUG else "")
KLIENTSTOD_SMS_URL = envstr("KLIENTSTOD_SMS_URL", "https://api.46elks.com/a1/sms")
KLIENTSTOD_SMS_USERNAME = envstr("KLIENTSTOD_SMS_USERNAME")
KLIENTSTOD_SMS_PASSWORD = envstr("KLIENTSTOD_SMS_PASSWORD")
KLIENTSTOD_SMS_TOKEN = envstr("KLIENTSTOD_SMS_TOKEN")
KLIENTSTOD_SMS_SENDER = envstr("KLIENTSTOD_SMS_SENDER", "Klientstod")
KLIENTSTOD_SMS_CALLBACK_URL = envstr("KLIENTSTOD_SMS_CALLBACK_URL")
# The secret part of that address (…/sms/delivered/<secret>/): the gateway cannot log in.
KLIENTSTOD_SMS_CALLBACK_SECRET = envstr("KLIENTSTOD_SMS_CALLBACK_SECRET")
KLIENTSTOD_SMS_TIMEOUT_SECONDS = envint("KLIENTSTOD_SMS_TIMEOUT_SECONDS", 10)
KLIENTSTOD_SMS_FILE_PATH = envstr("KLIENTSTOD_SMS_FILE_PATH", str(BASE_DIR / "var" / "sms.jsonl"))
# The per-person SUS participant list (personnummer, income before and after, end reasons)
# is retired: Uppföljning Finsam takes no personal data. A process whose controller still
# has a legal ground and a use for it opts in by its id here (comma-separated; none by
# default). See docs/data-protection.md, "The SUS participant list".
KLIENTSTOD_SUS_EXPORT_PROCESSES = frozenset(envids("KLIENTSTOD_SUS_EXPORT_PROCESSES"))
