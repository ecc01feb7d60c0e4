"""Settings for the clinic, read from the environment.

Every default works for a first run on a laptop (SQLite, debug off but a dev key is
allowed only with DJANGO_DEBUG). Production sets DATABASE_URL, DJANGO_SECRET_KEY and
DJANGO_ALLOWED_HOSTS.
"""

import datetime
import os
import zoneinfo
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# Pure rules with no Django imports: safe to read while settings load.
from treatments.intervals import MINIMUM_INTERVAL_DAYS

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, got {value!r}"
        ) from None


def env_decimal(name: str, default: str) -> Decimal:
    value = os.environ.get(name, "").strip() or default
    try:
        return Decimal(value)
    except ArithmeticError:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}") from None


def env_decimal_or_none(name: str, default: str) -> Decimal | None:
    """A number, or None when neither the environment nor the default gives one."""
    value = os.environ.get(name, "").strip() or default
    return env_decimal(name, value) if value else None


def env_int_list(name: str) -> tuple[int, ...]:
    """Comma-separated whole numbers above 0, or () when unset."""
    value = os.environ.get(name, "").strip()
    try:
        numbers = tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        numbers = (0,)
    if any(number <= 0 for number in numbers):
        raise ImproperlyConfigured(
            f"{name} must be whole numbers above 0 separated by commas, got {value!r}"
        )
    return numbers


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, "").strip() or default
    if value not in choices:
        raise ImproperlyConfigured(
            f"{name} must be one of {', '.join(choices)}, got {value!r}"
        )
    return value


def env_ceiling(suffix: str, default: tuple[str, str]) -> tuple | None:
    """A paediatric ceiling: units per kg and a maximum, both or neither."""
    per_kg = env_decimal_or_none(f"CLINIC_PAEDIATRIC_UNITS_PER_KG_{suffix}", default[0])
    maximum = env_decimal_or_none(f"CLINIC_PAEDIATRIC_MAX_UNITS_{suffix}", default[1])
    if (per_kg is None) != (maximum is None):
        raise ImproperlyConfigured(
            f"Set both CLINIC_PAEDIATRIC_UNITS_PER_KG_{suffix} and "
            f"CLINIC_PAEDIATRIC_MAX_UNITS_{suffix}, or neither."
        )
    return None if per_kg is None else (per_kg, maximum)


def database_from_env() -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        # The message names the problem, never the URL: it may carry a password.
        raise ImproperlyConfigured(f"DATABASE_URL cannot be used: {error}") from None
    if config.get("ENGINE") not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise ImproperlyConfigured(
            "DATABASE_URL must start with postgres:// or sqlite:// "
            "(the clinic runs on PostgreSQL, or SQLite for a first run)."
        )
    return config


def time_zone_from_env() -> str:
    name = os.environ.get("DJANGO_TIME_ZONE", "").strip() or "America/New_York"
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            "DJANGO_TIME_ZONE must be an IANA zone such as America/New_York, "
            f"got {name!r}"
        ) from None
    return name


RENAMED = {
    "CLINIC_ADULT_MAX_UNITS_PER_WINDOW": "CLINIC_ADULT_MAX_UNITS_ONA",
    "CLINIC_PAEDIATRIC_UNITS_PER_KG": "CLINIC_PAEDIATRIC_UNITS_PER_KG_ONA",
    "CLINIC_PAEDIATRIC_MAX_UNITS": "CLINIC_PAEDIATRIC_MAX_UNITS_ONA",
}
for old_name, new_name in RENAMED.items():
    if old_name in os.environ:
        # One number for every product was the old, wrong rule: say where it went.
        raise ImproperlyConfigured(
            f"{old_name} is no longer read: limits are per product now; "
            f"set {new_name} (and the other products' variables) instead."
        )

DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off."
        )
    SECRET_KEY = "django-insecure-development-only"  # noqa: S105 (debug only)
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    # Before clinic: clinic/admin.py replaces their admin pages.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "clinic",
    "patients",
    "treatments",
    "scheduling",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "import_export",
    "pgtrigger",
    "csp",
    "axes",
]

MIDDLEWARE = [
    "clinic.request_ids.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before everything else that may answer: a static file needs no session or login.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "clinic.responses.PrivateResponsesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Each signed-in user's pages in their own language (clinic/languages.py).
    "clinic.languages.UserLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "clinic.second_factor.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: a session ended for inactivity says so on the sign-in page.
    "clinic.session_limits.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

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
                "clinic.session_limits.kept_form",
            ],
        },
    },
]

DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "clinic.User"
# Locked-out sign-ins are refused before any password is checked (clinic/signin.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "clinic.signin.UsernameLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# A username at one address is locked after 5 failures, for 15 minutes from the
# last one (a try while locked counts as one); a username from any address after
# 20 (clinic/signin.py). A success clears that address's count. Every attempt,
# success and lockout is recorded (axes' tables, read in the admin) and logged,
# the password never.
AXES_FAILURE_LIMIT = env_int("CLINIC_SIGNIN_FAILURE_LIMIT", 5)
CLINIC_USERNAME_FAILURE_LIMIT = env_int("CLINIC_USERNAME_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=env_int("CLINIC_SIGNIN_COOLOFF_MINUTES", 15)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "clinic.signin.client_ip"
AXES_LOCKOUT_CALLABLE = "clinic.signin.locked_out"
AXES_ENABLE_ADMIN = False  # read through clinic/admin.py's read-only pages
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-gb"
# The interface language is each user's choice (User.language); what a patient
# receives (reminders, the appointment letter) is in the patient's (Patient.language).
LANGUAGES = [("en-gb", "English"), ("es", "Español")]
TIME_ZONE = time_zone_from_env()
USE_I18N = True
# The templates' catalog; each app's own is in <app>/locale. Compiled by
# `manage.py compile_translations` (make run and make test do it first).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True
# One input format (ISO, what date inputs need) and one display format: see the module.
FORMAT_MODULE_PATH = ["clinic.formats"]

STATIC_URL = "static/"
# Where collectstatic writes, and where WhiteNoise serves from when debug is off.
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
# With debug off, pages link the collected copies, whose names carry a hash of their
# content (so WhiteNoise can let browsers keep them for a year) and which have gzip
# copies beside them. That needs collectstatic first (`make serve` runs it): a page
# naming a file that was not collected fails instead of linking a stale one. With
# debug on, files come straight from the apps. The tests run with debug off and never
# collect, so tests/conftest.py puts the plain storage back for each test.
STORAGES = {
    # Uploaded reports: written whole or not at all (clinic/storage.py).
    "default": {"BACKEND": "clinic.storage.WholeFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# An upload over the report limit is counted as it streams, never written whole.
FILE_UPLOAD_HANDLERS = [
    "clinic.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
MEDIA_URL = "media/"  # never served directly: reports go through a permission check
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
# A signed-in session ends after this long without a request, and this long after
# signing in (clinic/session_limits.py); the cookie lasts no longer.
CLINIC_IDLE_MINUTES = env_int("CLINIC_IDLE_MINUTES", 15)
CLINIC_SESSION_MAX_HOURS = env_int("CLINIC_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = CLINIC_SESSION_MAX_HOURS * 3600
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env_bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if SESSION_COOKIE_SECURE:
    # Sent over HTTPS only, to this host only, for every path: no subdomain or
    # plain-HTTP page can set or shadow them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# HTTPS: production serves behind a TLS proxy (README, "Serve in production") and
# turns these on; a first run over plain HTTP leaves them off.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT")
# A load balancer asks over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")
# Set only behind a proxy that always sets the header (and strips a client's own):
# then a request that came in over HTTPS is known as one.
if env_bool("DJANGO_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): every script and style comes from our own
# static files (no inline ones, no other origin); Bootstrap's icons are data: URIs
# in its CSS. No page may be framed, and forms post to this site only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Logs name records by id only; patient data never goes into a log line. Each line
# carries the id of the request it was written for (clinic/request_ids.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "with_request_id": {
            "format": "%(asctime)s %(levelname)s %(name)s "
            "request_id=%(request_id)s %(message)s",
        },
    },
    "filters": {
        "client_errors_without_traceback": {
            "()": "clinic.request_ids.ClientErrorsWithoutTraceback"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "with_request_id",
            "filters": ["client_errors_without_traceback"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    # Django's own console handler (under debug) printed each of its lines a
    # second time beside the root's: its lines go to the root's handler only.
    "loggers": {
        "django": {"handlers": [], "level": "INFO" if DEBUG else "WARNING"},
        # Who exported the access log, and when: an audit line, by user id.
        "clinic.access_export": {"level": "INFO"},
        # PDFs: WeasyPrint names each rule of Bootstrap's CSS it ignores (the
        # screen-only ones), a line each per document.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}

# Clinic-configurable clinical limits (DOMAIN.md section 2); defaults are label values.
CLINIC_REPORT_MAX_BYTES = env_int("CLINIC_REPORT_MAX_BYTES", 10 * 1024 * 1024)
# Where the clinic's FHIR resources and its own code systems are named
# (clinic/fhir): the address other systems know the clinic by.
CLINIC_FHIR_BASE_URL = os.environ.get(
    "CLINIC_FHIR_BASE_URL", "http://localhost:8000/fhir"
).rstrip("/")
# CSV import (patients/imports.py): in the admin, by who may add the records.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
# The most rows a list's CSV or Excel export holds (clinic.list_exports).
CLINIC_EXPORT_ROW_LIMIT = env_int("CLINIC_EXPORT_ROW_LIMIT", 5000)
# A list export of more rows than this is run by the task worker (clinic.jobs),
# which lifts the page's limit to CLINIC_BACKGROUND_EXPORT_ROW_LIMIT; the file
# it makes is removed after CLINIC_JOB_FILE_DAYS (manage.py remove_old_job_files).
CLINIC_EXPORT_BACKGROUND_ROWS = env_int("CLINIC_EXPORT_BACKGROUND_ROWS", 300)
CLINIC_BACKGROUND_EXPORT_ROW_LIMIT = env_int(
    "CLINIC_BACKGROUND_EXPORT_ROW_LIMIT", 200_000
)
CLINIC_JOB_FILE_DAYS = env_int("CLINIC_JOB_FILE_DAYS", 7)
# A historical-session file of more lines is checked and imported in the background.
CLINIC_IMPORT_BACKGROUND_LINES = env_int("CLINIC_IMPORT_BACKGROUND_LINES", 1000)
# Background jobs are queued in the database and run by `manage.py db_worker`
# (django-tasks with the django-tasks-db backend; README "Background jobs").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Everything reads this setting; its default is the one DOMAIN.md constant.
CLINIC_MIN_REINJECTION_DAYS = env_int(
    "CLINIC_MIN_REINJECTION_DAYS", MINIMUM_INTERVAL_DAYS
)
CLINIC_CUMULATIVE_WINDOW_DAYS = env_int("CLINIC_CUMULATIVE_WINDOW_DAYS", 84)
# Toxin on the side of a Bell's palsy this soon after its onset is cautioned
# (3 months: synkinesis, which toxin treats, shows from 12-16 weeks; DOMAIN.md 4.5).
CLINIC_BELLS_TOXIN_CAUTION_DAYS = env_int("CLINIC_BELLS_TOXIN_CAUTION_DAYS", 91)
# Which label set the toxin rules follow (treatments/labels.py): US or UK.
CLINIC_JURISDICTION = env_choice("CLINIC_JURISDICTION", "US", ("US", "UK"))
# Cumulative ceilings per product over CLINIC_CUMULATIVE_WINDOW_DAYS, all indications.
# Only the Botox label gives them (adults 400 U; children the lower of 10 U/kg and
# 340 U); for the other products DOMAIN.md has none, so there is no warning unless
# the clinic sets one. Units of one product are never compared with another's.
TOXIN_PRODUCT_SUFFIXES = {
    "onabotulinumtoxina": "ONA",
    "abobotulinumtoxina": "ABO",
    "incobotulinumtoxina": "INCO",
    "rimabotulinumtoxinb": "RIMA",
}
CLINIC_ADULT_MAX_UNITS = {
    product: env_decimal_or_none(
        f"CLINIC_ADULT_MAX_UNITS_{suffix}", "400" if suffix == "ONA" else ""
    )
    for product, suffix in TOXIN_PRODUCT_SUFFIXES.items()
}
# Vial sizes a product is sold in, where the clinic's differ from the table in
# treatments/dosing.py (e.g. CLINIC_VIAL_SIZES_ONA=50,100,200).
CLINIC_VIAL_SIZES = {
    product: sizes
    for product, suffix in TOXIN_PRODUCT_SUFFIXES.items()
    if (sizes := env_int_list(f"CLINIC_VIAL_SIZES_{suffix}"))
}
# Per product: (units per kg, maximum units), or None for no paediatric ceiling.
CLINIC_PAEDIATRIC_CEILING = {
    product: env_ceiling(suffix, ("10", "340") if suffix == "ONA" else ("", ""))
    for product, suffix in TOXIN_PRODUCT_SUFFIXES.items()
}
CLINIC_ADULT_AGE_YEARS = env_int("CLINIC_ADULT_AGE_YEARS", 18)
# Hours a reconstituted vial may be used. Botox is 24 h on its label; the other
# products' in-use times are UNCONFIRMED in DOMAIN.md, so the clinic sets them.
CLINIC_IN_USE_HOURS = {
    "onabotulinumtoxina": env_int("CLINIC_IN_USE_HOURS_ONA", 24),
    "abobotulinumtoxina": env_int("CLINIC_IN_USE_HOURS_ABO", 24),
    "incobotulinumtoxina": env_int("CLINIC_IN_USE_HOURS_INCO", 24),
    "rimabotulinumtoxinb": env_int("CLINIC_IN_USE_HOURS_RIMA", 24),
}
# ICD-10-CM codes DOMAIN.md marks UNCONFIRMED, per condition (see patients/coding.py).
CLINIC_UNCONFIRMED_CONDITION_CODES = {
    "post_paralytic_synkinesis": ("G51.8",),
    "benign_twitching": ("R25.3", "G51.4"),
}

# Scheduling (issue 4).
CLINIC_REMINDER_DAYS_BEFORE = env_int("CLINIC_REMINDER_DAYS_BEFORE", 2)
CLINIC_REMINDER_FROM_EMAIL = os.environ.get(
    "CLINIC_REMINDER_FROM_EMAIL", "clinic@localhost"
)
CLINIC_DAY_STARTS_HOUR = env_int("CLINIC_DAY_STARTS_HOUR", 8)
CLINIC_DAY_ENDS_HOUR = env_int("CLINIC_DAY_ENDS_HOUR", 18)
# Free times are offered on the clock's marks this many minutes apart (:00, :15...).
CLINIC_SLOT_STEP_MINUTES = env_int("CLINIC_SLOT_STEP_MINUTES", 15)
if not 1 <= CLINIC_SLOT_STEP_MINUTES <= 60:
    raise ImproperlyConfigured(
        f"CLINIC_SLOT_STEP_MINUTES must be from 1 to 60, got {CLINIC_SLOT_STEP_MINUTES}"
    )
# Default appointment length in minutes, per kind.
CLINIC_APPOINTMENT_MINUTES = {
    "new_patient": env_int("CLINIC_MINUTES_NEW_PATIENT", 45),
    "follow_up": env_int("CLINIC_MINUTES_FOLLOW_UP", 20),
    "toxin_session": env_int("CLINIC_MINUTES_TOXIN_SESSION", 30),
    "therapy": env_int("CLINIC_MINUTES_THERAPY", 45),
    "study": env_int("CLINIC_MINUTES_STUDY", 30),
}
CLINIC_NAME = os.environ.get("CLINIC_NAME", "the clinic")
# The second factor (clinic/second_factor.py): required whenever debug is off.
CLINIC_REQUIRE_2FA = env_bool("CLINIC_REQUIRE_2FA", not DEBUG)
# How authenticator apps name the account.
OTP_TOTP_ISSUER = os.environ.get("CLINIC_NAME", "Twitch clinic")
CLINIC_PHONE = os.environ.get("CLINIC_PHONE", "")
# The letterhead's address (clinic/letters), on one line.
CLINIC_ADDRESS = os.environ.get("CLINIC_ADDRESS", "")
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
