"""Django settings for Coproduce.

Everything an operator changes comes from the environment (see README, "Operators"):
DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, EMAIL_URL-style SMTP settings, COPRODUCE_DATA_DIR.
With none set, Coproduce runs embedded: SQLite under the data directory, an in-memory channel
layer, e-mail printed to the console, on loopback only. As soon as a real deployment is configured
(another database, Redis, or a public host name) production settings are on and a SECRET_KEY is
required, unless COPRODUCE_PRODUCTION=0 says otherwise (docs/operators.md, "Security settings").
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("COPRODUCE_DATA_DIR", Path.cwd() / "var")).resolve()

DEBUG = os.environ.get("COPRODUCE_DEBUG", "0") == "1"

# --- Production or development: decided from what is configured, never left to be forgotten -----------
# pytest sets PYTEST_VERSION for its whole run: then the test client's "testserver" host is allowed, a
# key is made up for the run, and production is on only when COPRODUCE_PRODUCTION=1 says so.
TESTING = "PYTEST_VERSION" in os.environ
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
DEVELOPMENT_SECRET_KEY = "coproduce-embedded-development-key-not-for-production"

DATABASE_URL = os.environ.get("DATABASE_URL", "")
EMBEDDED_DATABASE = not DATABASE_URL or dj_database_url.parse(DATABASE_URL)["ENGINE"].endswith("sqlite3")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
LOOPBACK_ONLY = set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS

# COPRODUCE_PRODUCTION=1 or =0 decides. Unset, a shared database, Redis or a host name other than
# loopback means a real deployment: production (secure cookies, HSTS, HTTPS redirect, no demo mode).
_production = os.environ.get("COPRODUCE_PRODUCTION", "").strip()
if _production not in ("", "0", "1"):
    raise ImproperlyConfigured(f"COPRODUCE_PRODUCTION must be 1 or 0, not {_production!r}.")
if _production:
    PRODUCTION = _production == "1"
else:
    PRODUCTION = not TESTING and (
        not EMBEDDED_DATABASE or bool(os.environ.get("REDIS_URL")) or not LOOPBACK_ONLY
    )

if PRODUCTION:
    ALLOWED_HOSTS = [h for h in ALLOWED_HOSTS if h != "testserver"]  # Django's test client only
elif TESTING and "testserver" not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append("testserver")

# The development key is public (it is in this file): anyone could forge sessions and sign-in codes
# with it. It is allowed only where nobody else can reach: the embedded SQLite database, served on
# loopback. A test run makes up its own key.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a long random string in production "
            "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    if TESTING:
        SECRET_KEY = secrets.token_urlsafe(50)
    elif EMBEDDED_DATABASE and LOOPBACK_ONLY:
        SECRET_KEY = DEVELOPMENT_SECRET_KEY
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set: the development key is allowed only with the embedded SQLite "
            "database served on loopback (ALLOWED_HOSTS of 127.0.0.1 and localhost), and this "
            "configuration has "
            + (f"ALLOWED_HOSTS={','.join(ALLOWED_HOSTS)}" if EMBEDDED_DATABASE else "another database")
            + ". Set SECRET_KEY (and COPRODUCE_PRODUCTION=0 for a development server)."
        )

CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

SITE_URL = os.environ.get("COPRODUCE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "channels",
    "coproduce.core",
    "coproduce.people",
    "coproduce.partnerships",
    "coproduce.events",
    "coproduce.sensemaking",
    "coproduce.live",
    "coproduce.deliberation",
    "coproduce.recognition",
    "coproduce.outcomes",
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
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "coproduce.urls"
ASGI_APPLICATION = "coproduce.asgi.application"

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
            ],
            "builtins": ["coproduce.core.templatetags.coproduce_ui"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{DATA_DIR / 'coproduce.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the embedded database serve a live workshop's bursts of writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file, not Django's shared-cache in-memory database: there, the browser tests' server
    # threads get "table is locked" errors that no busy timeout waits out.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-coproduce.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # socket_timeout=None: a websocket's channel waits on Redis with a blocking read; redis-py 8's
            # default 5 s read timeout would tear down every idle connection. max_connections: redis-py 8
            # caps a pool at 100 and fails beyond it, e.g. when hundreds of sockets connect at once.
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": None, "max_connections": 1000}],
                "capacity": 1500,
                "expiry": 30,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "people.Person"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "people:sign_in"
LOGIN_REDIRECT_URL = "core:home"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# Content-Security-Policy: our own scripts, styles and images only; connections (fetch, websockets) only
# to this same site: in CSP Level 3, 'self' also matches ws:// and wss:// to the same host and port.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],  # covers websockets to this same host (ws: and wss:)
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "media")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "1") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Coproduce <no-reply@coproduce.invalid>")

# E-mail is queued in an outbox and sent by the background worker, never inside a request (core.outbox).
# A failed attempt is retried after COPRODUCE_EMAIL_RETRY_SECONDS, doubling each time (at most an hour
# apart), until COPRODUCE_EMAIL_MAX_ATTEMPTS; sent and failed messages are deleted after
# COPRODUCE_EMAIL_KEEP_DAYS (a sent message's body is erased at once).
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("COPRODUCE_EMAIL_MAX_ATTEMPTS", "10"))
OUTBOX_RETRY_SECONDS = int(os.environ.get("COPRODUCE_EMAIL_RETRY_SECONDS", "60"))
OUTBOX_KEEP_DAYS = int(os.environ.get("COPRODUCE_EMAIL_KEEP_DAYS", "7"))
# How often the background worker (core.worker) looks for due work: e-mail, places held too long.
WORKER_POLL_SECONDS = float(os.environ.get("COPRODUCE_WORKER_POLL_SECONDS", "5"))

RATELIMIT_VIEW = "coproduce.core.views.rate_limited"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# `coproduce demo` sets this: the sign-in page then offers one-click sign-in as each demo person.
# Never set it on a real deployment.
DEMO_MODE = os.environ.get("COPRODUCE_DEMO", "0") == "1" and not PRODUCTION

# Events: a visitor who signs up without signing in has this long to confirm their e-mail address;
# until then their place is held (it counts as taken), after it the place goes to the next person.
EVENTS_PLACE_HOLD_MINUTES = int(os.environ.get("COPRODUCE_PLACE_HOLD_MINUTES", "30"))

# Outcomes: any count of people under this reads "fewer than N" in impact reports, feedback results and
# decision logs (and other counts are hidden so that it cannot be worked out by subtraction).
COPRODUCE_SMALL_NUMBER_THRESHOLD = int(os.environ.get("COPRODUCE_SMALL_NUMBER_THRESHOLD", "5"))

# Sense-making: the largest source file accepted, and how long withdrawn words are kept (so a
# withdrawal can be undone) before `coproduce manage erase_withdrawn_sources` erases them.
SENSEMAKING_MAX_UPLOAD_BYTES = int(os.environ.get("SENSEMAKING_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
SENSEMAKING_WITHDRAWAL_GRACE_DAYS = int(os.environ.get("SENSEMAKING_WITHDRAWAL_GRACE_DAYS", "14"))

# The budget for reading one uploaded file (a source, a .qdpx project, a .qdc codebook). Each file is
# read in a separate process; going over any limit stops it with a message naming the limit.
# docs/operators.md ("Security settings", Uploads) says what each one guards against.
SENSEMAKING_IMPORT_MAX_UNPACKED_BYTES = int(
    os.environ.get("SENSEMAKING_IMPORT_MAX_UNPACKED_BYTES", str(100 * 1024 * 1024))
)
SENSEMAKING_IMPORT_MAX_UNPACKED_RATIO = int(os.environ.get("SENSEMAKING_IMPORT_MAX_UNPACKED_RATIO", "100"))
SENSEMAKING_IMPORT_MAX_CELLS = int(os.environ.get("SENSEMAKING_IMPORT_MAX_CELLS", "1000000"))
SENSEMAKING_IMPORT_MAX_PAGES = int(os.environ.get("SENSEMAKING_IMPORT_MAX_PAGES", "1000"))
SENSEMAKING_IMPORT_MAX_SEGMENTS = int(os.environ.get("SENSEMAKING_IMPORT_MAX_SEGMENTS", "50000"))
SENSEMAKING_IMPORT_MAX_CODES = int(os.environ.get("SENSEMAKING_IMPORT_MAX_CODES", "2000"))
SENSEMAKING_IMPORT_MAX_CODINGS = int(os.environ.get("SENSEMAKING_IMPORT_MAX_CODINGS", "100000"))
SENSEMAKING_IMPORT_MAX_SECONDS = float(os.environ.get("SENSEMAKING_IMPORT_MAX_SECONDS", "30"))
SENSEMAKING_IMPORT_MAX_MEMORY_BYTES = int(
    os.environ.get("SENSEMAKING_IMPORT_MAX_MEMORY_BYTES", str(1024 * 1024 * 1024))
)

# Recognition: the largest receipt (photo or PDF) accepted with an expense.
RECOGNITION_MAX_RECEIPT_BYTES = int(os.environ.get("RECOGNITION_MAX_RECEIPT_BYTES", str(10 * 1024 * 1024)))

# Joining a live session by its code. A client address that has made this many failed code lookups
# (wrong or made-up codes, by the join form or a /live/j/<code>/ link) in the window is refused every
# lookup until the window passes; successful joins never count, so a whole room behind one NHS or
# council address gets in. Signed-in people are counted per person instead. django-ratelimit's format:
# "60/10m" is 60 per 10 minutes.
COPRODUCE_JOIN_CODE_FAILURES = os.environ.get("COPRODUCE_JOIN_CODE_FAILURES", "60/10m")
# The most people who can join a live session whose facilitator left its capacity empty (0: no limit).
COPRODUCE_LIVE_DEFAULT_CAPACITY = int(os.environ.get("COPRODUCE_LIVE_DEFAULT_CAPACITY", "500"))

# What a live session's opinion map may show (see docs/operators.md, "What the live map shows").
# Groups with fewer people than this are shown without what they think, so nobody's votes can be
# worked out from a group's summary.
COPRODUCE_MIN_GROUP_SIZE = int(os.environ.get("COPRODUCE_MIN_GROUP_SIZE", "3"))
# No map of groups until this many people have voted (Polis, too, waits for enough voters).
COPRODUCE_MIN_VOTERS_FOR_MAP = int(os.environ.get("COPRODUCE_MIN_VOTERS_FOR_MAP", "7"))
# "Agreed in every group": the least group-informed consensus, a probability from 0 to 1, and a
# majority of every group must agree too (coproduce.engine.statements.select_agreed_in_every_group).
COPRODUCE_GROUP_CONSENSUS_THRESHOLD = float(os.environ.get("COPRODUCE_GROUP_CONSENSUS_THRESHOLD", "0.5"))
