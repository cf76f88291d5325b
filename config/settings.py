"""Vigil settings, read from the environment.

Defaults are safe for the embedded, single-machine mode (`make run`): SQLite in WAL mode and a
generated secret key and encryption key under ``VIGIL_DATA_DIR`` (``var/`` by default). A
production deployment sets ``VIGIL_ENV=production`` and the variables named in
docs/operations.md; ``vigil check --deploy`` refuses unsafe combinations.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


VIGIL_ENV = os.environ.get("VIGIL_ENV", "embedded")  # "embedded" or "production"
DATA_DIR = Path(os.environ.get("VIGIL_DATA_DIR", BASE_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _key_file(name: str, generate: bool) -> str | None:
    """Read a key kept in a file under the data dir, creating it in embedded mode only."""
    path = DATA_DIR / name
    if path.exists():
        return path.read_text().strip()
    if not generate:
        return None
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


_embedded = VIGIL_ENV != "production"

SECRET_KEY = os.environ.get("VIGIL_SECRET_KEY") or _key_file("secret_key", _embedded) or ""
# The encryption key for secrets at rest (alarm codes, integration keys). It never lives in the
# database: environment first, then a key file outside the repository.
VIGIL_ENCRYPTION_KEY_FILE = os.environ.get("VIGIL_ENCRYPTION_KEY_FILE", "")
VIGIL_ENCRYPTION_KEY = (
    os.environ.get("VIGIL_ENCRYPTION_KEY")
    or (Path(VIGIL_ENCRYPTION_KEY_FILE).read_text().strip() if VIGIL_ENCRYPTION_KEY_FILE else "")
    or _key_file("encryption_key", _embedded)
    or ""
)

DEBUG = _env_bool("VIGIL_DEBUG", default=False)
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
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
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "leaflet",
    "vigil.core",
    "vigil.accounts",
    "vigil.sites",
    "vigil.patrols",
    "vigil.visitors",
    "vigil.events",
    "vigil.rules",
    "vigil.evidence",
    "vigil.incidents",
    "vigil.integrations",
    "vigil.integrations.webhooks",
    "vigil.integrations.mqtt",
    "vigil.integrations.sia",
    "vigil.integrations.outbound",
    "vigil.web",
    "vigil.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "vigil.core.middleware.RequestContextMiddleware",
    "vigil.accounts.middleware.SessionIdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "vigil.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vigil.web.context_processors.shell",
            ],
        },
    },
]

# Database: SQLite in WAL mode under the data dir unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'vigil.sqlite3'}",
        conn_max_age=int(os.environ.get("VIGIL_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE avoids lock-upgrade deadlocks.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failed logins, per username and address.
AXES_FAILURE_LIMIT = int(os.environ.get("VIGIL_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("VIGIL_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Sessions: an absolute limit and an idle limit (enforced by SessionIdleTimeoutMiddleware).
SESSION_COOKIE_AGE = int(os.environ.get("VIGIL_SESSION_HOURS", "10")) * 3600
VIGIL_SESSION_IDLE_SECONDS = int(os.environ.get("VIGIL_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _env_bool("VIGIL_SECURE_COOKIES", default=not _embedded)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = _env_bool("VIGIL_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = int(os.environ.get("VIGIL_HSTS_SECONDS", "0"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if _env_bool("VIGIL_BEHIND_PROXY", False) else None
)

OTP_TOTP_ISSUER = "Vigil"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("VIGIL_TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "media")},
    },
    # Hashed, compressed files need `collectstatic`, which production deployments run.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if _embedded
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Serve static files straight from the packages in embedded mode without collectstatic.
WHITENOISE_USE_FINDERS = _embedded
WHITENOISE_AUTOREFRESH = DEBUG

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

TASKS = {
    "default": {"BACKEND": os.environ.get("VIGIL_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("VIGIL_LOG_LEVEL", "WARNING")},
}

# Visits and their ID fields are purged after this many days, except those under legal hold.
VIGIL_VISITOR_RETENTION_DAYS = int(os.environ.get("VIGIL_VISITOR_RETENTION_DAYS", "365"))

# The largest evidence file accepted (bytes); uploads stream, so memory does not grow with it.
VIGIL_EVIDENCE_MAX_BYTES = int(os.environ.get("VIGIL_EVIDENCE_MAX_BYTES", str(4 * 1024**3)))

# Maps work offline from vector layers; a deployment with its own tile server may name it.
VIGIL_TILE_URL = os.environ.get("VIGIL_TILE_URL", "")
LEAFLET_CONFIG = {
    "TILES": [("Tiles", VIGIL_TILE_URL, {"attribution": ""})] if VIGIL_TILE_URL else [],
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
