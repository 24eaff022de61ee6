"""Configuration by environment.

Precedence, lowest to highest:

1. the class for the environment (``BLOG_ENV``: development, testing, production);
2. ``instance/config.py`` (git-ignored, for a machine's own settings);
3. environment variables, including those from ``.env`` (a real variable beats ``.env``);
4. the overrides handed to :func:`blog.create_app`.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

KNOWN_INSECURE_SECRETS = frozenset(
    {"dev", "development", "secret", "changeme", "change-me", "insecure-dev-key", "test-secret"}
)
MIN_SECRET_BYTES = 32
SEARCH_LANGUAGES = frozenset(
    {
        "arabic", "armenian", "basque", "catalan", "czech", "danish", "dutch", "dutch_porter",
        "english", "esperanto", "estonian", "finnish", "french", "german", "greek", "hindi",
        "hungarian", "indonesian", "irish", "italian", "lithuanian", "nepali", "norwegian",
        "persian", "polish", "porter", "portuguese", "romanian", "russian", "serbian", "sesotho",
        "spanish", "swedish", "tamil", "turkish", "yiddish",
    }
)  # fmt: skip
"""What ``SEARCH_LANGUAGE`` may be: the languages Snowball stems, ``snowballstemmer.algorithms()``
written out (a test keeps them equal), since importing snowballstemmer loads every stemmer."""

UPLOAD_STORAGES = ("local", "database", "s3")
"""Where uploaded images are kept (``UPLOAD_STORAGE``): see :mod:`blog.uploads.storage`."""

SECRET_HINT = 'python -c "import secrets; print(secrets.token_urlsafe(50))"'


class Config:
    """Settings shared by every environment.

    Each one declared here can be set from the environment, except :data:`FIXED_SETTINGS`;
    settings only a subclass declares (``DEBUG``, ``TESTING``) and Flask's own defaults cannot.
    """

    ENV_NAME = "base"
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}  # a rested connection is tried: extensions
    SQLALCHEMY_RECORD_QUERIES = False
    POSTS_PER_PAGE = 10
    SITEMAP_URLS_PER_FILE = 50_000
    MAX_CONTENT_LENGTH = 1024 * 1024
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    AUTO_MIGRATE = False
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24  # a sign-in without "keep me signed in"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    LOG_LEVEL = "INFO"
    TRUSTED_PROXIES = 0
    REDIS_URL = ""
    CACHE_TYPE = ""
    CACHE_DEFAULT_TIMEOUT = 300
    CACHE_KEY_PREFIX = "blog:cache:"
    PAGE_CACHE = True
    SHARED_CACHE_MAX_AGE = 60
    SHARED_CACHE_STALE_WHILE_REVALIDATE = 300
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_KEY_PREFIX = "blog"
    RATELIMIT_LOGIN = "20 per minute"
    RATELIMIT_LOGIN_ACCOUNT = "10 per minute"
    RATELIMIT_REGISTER = "20 per hour"
    RATELIMIT_PASSWORD = "10 per hour"
    RATELIMIT_API_WRITES = "120 per minute"
    RATELIMIT_API_WRITES_ACCOUNT = "60 per minute"
    RATELIMIT_PASSWORD_RESET = "10 per hour"
    RATELIMIT_PASSWORD_RESET_ACCOUNT = "3 per hour"
    RATELIMIT_EDITOR = "120 per minute"
    RATELIMIT_SECOND_FACTOR = "5 per minute"
    API_TOKEN_DAYS = 30
    SITE_URL = ""
    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USE_SSL = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_DEFAULT_SENDER = ""
    MAIL_TIMEOUT = 10
    MAIL_BACKEND = ""
    MAIL_FILE_PATH = ""
    PASSWORD_RESET_MAX_AGE = 60 * 60
    RECENT_SIGN_IN_SECONDS = 5 * 60
    ADMIN_TWO_FACTOR_REQUIRED = False
    TRUSTED_DEVICE_DAYS = 30
    EMAIL_CONFIRM_MAX_AGE = 24 * 60 * 60
    EMAIL_UNDO_MAX_AGE = 7 * 24 * 60 * 60
    CORS_ORIGINS = ""
    BLOG_TITLE = "Blog"
    BLOG_DESCRIPTION = "Stories, notes and ideas."
    FEED_POSTS = 20
    WEBSUB_HUB = ""
    SEARCH_LANGUAGE = "english"
    REVISIONS_KEPT = 25
    UPLOAD_STORAGE = "local"
    UPLOAD_FOLDER = ""  # empty: instance/uploads
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    UPLOAD_MAX_PIXELS = 25_000_000  # decoded in RGBA: about 100 MB, and a few copies while scaled
    UPLOAD_MAX_DIMENSION = 3200
    UPLOAD_QUOTA_BYTES = 200 * 1024 * 1024
    UPLOAD_PUBLIC_URL = ""
    UPLOAD_S3_BUCKET = ""
    UPLOAD_S3_ENDPOINT_URL = ""
    UPLOAD_S3_REGION = ""
    UPLOAD_S3_ACCESS_KEY_ID = ""
    UPLOAD_S3_SECRET_ACCESS_KEY = ""
    UPLOAD_S3_PREFIX = ""


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = True
    RATELIMIT_ENABLED = False
    AUTO_MIGRATE = True
    LOG_LEVEL = "DEBUG"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    CACHE_TYPE = "NullCache"  # every request computes: statement counts don't depend on order
    CACHE_NO_NULL_WARNING = True
    PAGE_CACHE = False  # on in the tests of the page cache (tests/test_page_cache.py)
    UPLOAD_STORAGE = "database"  # nothing written into the checkout's instance folder
    LOG_LEVEL = "WARNING"


class ProductionConfig(Config):
    ENV_NAME = "production"
    DEBUG = False
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    UPLOAD_STORAGE = "database"  # hosts' disks are ephemeral; a VM with a disk may say local


FIXED_SETTINGS = frozenset(
    {
        "ENV_NAME",  # which class was chosen: BLOG_ENV says that
        "SQLALCHEMY_RECORD_QUERIES",
        "WTF_CSRF_TIME_LIMIT",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "REMEMBER_COOKIE_HTTPONLY",
        "REMEMBER_COOKIE_SAMESITE",
        "RATELIMIT_HEADERS_ENABLED",
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED",
        "RATELIMIT_SWALLOW_ERRORS",
        "SITEMAP_URLS_PER_FILE",  # the sitemap protocol's limit; lower only in tests
    }
)
"""Settings the code relies on as they are; the environment can't change them."""

ENVIRONMENT_SETTINGS = frozenset(
    name for name in vars(Config) if name.isupper() and name not in FIXED_SETTINGS
)
"""The settings an environment variable (or ``.env``) of the same name sets."""

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


class ConfigurationError(SystemExit):
    """An unsafe or invalid configuration: the process stops with one line, no traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(f"blog: configuration error: {message}")


def config_class(name: str | None, environ: Mapping[str, str] = os.environ) -> type[Config]:
    """The class for an environment name; ``None`` reads ``BLOG_ENV`` (or ``FLASK_ENV``)."""
    if name is None:
        name = environ.get("BLOG_ENV") or environ.get("FLASK_ENV") or "development"
    try:
        return CONFIGS[name.strip().lower()]
    except KeyError:
        choices = ", ".join(CONFIGS)
        raise ConfigurationError(f"unknown environment {name!r}; use one of {choices}") from None


def parse_env_value(raw: str, default: Any) -> Any:
    """Turn an environment string into the type of the setting's default."""
    if isinstance(default, bool):
        value = raw.strip().lower()
        if value in {"1", "true", "yes", "on"}:
            return True
        if value in {"0", "false", "no", "off", ""}:
            return False
        raise ValueError(f"expected true or false, got {raw!r}")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, dict | list):
        return json.loads(raw)
    return raw


def settings_from_environ(defaults: Mapping[str, Any], environ: Mapping[str, str]) -> dict:
    """The :data:`ENVIRONMENT_SETTINGS` that have a variable in ``environ``, typed like their
    value in ``defaults``."""
    found = {}
    for key in ENVIRONMENT_SETTINGS & environ.keys():
        try:
            found[key] = parse_env_value(environ[key], defaults.get(key))
        except ValueError as exc:
            raise ConfigurationError(f"{key}: {exc}") from None
    return found


def setting_problem(config: Mapping[str, Any]) -> str | None:
    """Why a setting's value can't work, for the one-line refusal at start; None when all can."""
    redis_url = config.get("REDIS_URL") or ""
    if redis_url and not redis_url.startswith(("redis://", "rediss://")):
        return "REDIS_URL must start with redis:// or rediss://"
    if str(config.get("LOG_LEVEL", "")).upper() not in LOG_LEVELS:
        return f"LOG_LEVEL: expected one of {', '.join(LOG_LEVELS)}, got {config['LOG_LEVEL']!r}"
    feed_posts = config.get("FEED_POSTS", 20)
    if not isinstance(feed_posts, int) or not 1 <= feed_posts <= 100:
        return "FEED_POSTS must be between 1 and 100"
    if (config.get("WEBSUB_HUB") or "").split("://")[0] not in ("", "http", "https"):
        return "WEBSUB_HUB must be an http:// or https:// URL"
    if config.get("UPLOAD_STORAGE", "local") not in UPLOAD_STORAGES:
        return f"UPLOAD_STORAGE must be one of {', '.join(UPLOAD_STORAGES)}"
    if config.get("UPLOAD_STORAGE") == "s3" and not config.get("UPLOAD_S3_BUCKET"):
        return "UPLOAD_S3_BUCKET must be set when UPLOAD_STORAGE is s3"
    if (config.get("UPLOAD_PUBLIC_URL") or "").split("://")[0] not in ("", "http", "https"):
        return "UPLOAD_PUBLIC_URL must be an http:// or https:// URL"
    if config.get("SEARCH_LANGUAGE", "english") not in SEARCH_LANGUAGES:
        return f"SEARCH_LANGUAGE must be one of {', '.join(sorted(SEARCH_LANGUAGES))}"
    for name in ("SHARED_CACHE_MAX_AGE", "SHARED_CACHE_STALE_WHILE_REVALIDATE"):
        seconds = config.get(name, 0)
        if not isinstance(seconds, int) or not 0 <= seconds <= 31_536_000:
            return f"{name} must be between 0 and 31536000 seconds"
    revisions_kept = config.get("REVISIONS_KEPT", 25)
    if not isinstance(revisions_kept, int) or not 0 <= revisions_kept <= 1000:
        return "REVISIONS_KEPT must be between 0 and 1000"
    return None


MYSQL_SCHEMES = ("mysql", "mariadb", "mysql+pymysql", "mariadb+pymysql", "mysql+mysqldb")
"""The schemes taken for MariaDB or MySQL, all served by PyMySQL (pure Python: nothing to
compile on a host)."""


def database_uri(url: str | None, instance_path: str) -> str:
    """Normalise a ``DATABASE_URL`` for SQLAlchemy and the installed drivers.

    Hosts hand out ``postgres://`` URLs, which SQLAlchemy no longer accepts, and ``mysql://`` or
    ``mariadb://`` ones, which name drivers that may not be installed: both become the drivers
    the blog installs (psycopg 3, PyMySQL), MariaDB and MySQL with the ``utf8mb4`` character set
    (every Unicode character, emoji included, not MySQL's three-byte "utf8"). Without a URL the
    database is SQLite in the instance folder.
    """
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "blog.db")
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    scheme, separator, rest = url.partition("://")
    if separator and scheme in MYSQL_SCHEMES:
        parsed = make_url("mysql+pymysql://" + rest)
        parsed = parsed.update_query_dict({"charset": "utf8mb4"})
        return parsed.render_as_string(hide_password=False)
    return url


def engine_options(uri: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """``SQLALCHEMY_ENGINE_OPTIONS`` with what the database at ``uri`` needs, unless set.

    MariaDB and MySQL: READ COMMITTED, as PostgreSQL's default is (InnoDB's REPEATABLE READ would
    have a writer that read first miss what another committed since: the double-submit and slug
    checks read before they write); the session's zone UTC, so NOW() and the stored times agree;
    strict mode, so a value too long is refused rather than cut; and connections renewed before
    the server's ``wait_timeout`` (8 hours by default) closes them.
    """
    options = dict(options)
    if make_url(uri).get_backend_name() == "mysql":
        options.setdefault("isolation_level", "READ COMMITTED")
        options.setdefault("pool_recycle", 3600)
        connect_args = dict(options.get("connect_args", {}))
        connect_args.setdefault(
            "init_command",
            "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,"
            "NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO'",
        )
        options["connect_args"] = connect_args
    return options


def instance_secret(instance_path: str) -> str:
    """A random key made once for this checkout and kept in ``instance/secret_key`` (mode 0600).

    Development needs no SECRET_KEY of its own, yet must never sign with a key the world knows
    (a development server reachable from outside would hand out admin sessions); kept in a file,
    it survives restarts, so sign-ins do too.
    """
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        draft = path.with_name(f".secret_key.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)  # atomic: of processes starting at once, one key wins
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def production_refusals(config: Mapping[str, Any]) -> list[str]:
    """Why production can't run with ``config``, one line each: the app refuses to start on the
    first, and ``flask blog check-deploy`` lists them all."""
    refusals = []
    secret = secret_key_problem(config.get("SECRET_KEY"))
    if secret:
        refusals.append(
            f"{secret}: production needs a random secret of at least {MIN_SECRET_BYTES} bytes; "
            f"generate one with {SECRET_HINT}"
        )
    if not config.get("WTF_CSRF_ENABLED"):
        refusals.append("WTF_CSRF_ENABLED is off: forms could be forged from other sites")
    if delivers_mail(config) and not config.get("SITE_URL"):
        refusals.append(
            f"SITE_URL is not set while mail is sent (MAIL_BACKEND {mail_backend(config)!r}): "
            "links in emails would follow a request's Host header, which anyone can forge; set "
            "it to the public address, e.g. https://blog.example.com"
        )
    return refusals


NO_MAIL = "dummy"
"""The mail backend of an app that cannot send: Flask-Mailman's, which drops every message."""


def mail_backend(config: Mapping[str, Any]) -> str:
    """The Flask-Mailman backend the app's mail goes through: ``MAIL_BACKEND`` when set, else
    SMTP when ``MAIL_SERVER`` is; without either, development prints each message to the
    terminal, tests keep them in memory, and production has no mail at all."""
    if config.get("MAIL_BACKEND"):
        return config["MAIL_BACKEND"]
    if config.get("MAIL_SERVER"):
        return "smtp"
    return {"development": "console", "testing": "locmem"}.get(config["ENV_NAME"], NO_MAIL)


def delivers_mail(config: Mapping[str, Any]) -> bool:
    """Whether mail goes anywhere: every backend but the one that drops it (however it is
    spelled), so that what production asks of mail (a SITE_URL) holds for every way of sending,
    not only for SMTP."""
    name = (
        mail_backend(config).removesuffix(".EmailBackend").removeprefix("flask_mailman.backends.")
    )
    return name != NO_MAIL


def secret_key_problem(secret: str | None) -> str | None:
    """Why a SECRET_KEY is unfit for production, or None when it is fine."""
    if not secret:
        return "SECRET_KEY is not set"
    if secret.strip().lower() in KNOWN_INSECURE_SECRETS:
        return "SECRET_KEY is a well-known default"
    if len(secret.encode()) < MIN_SECRET_BYTES:
        return f"SECRET_KEY is shorter than {MIN_SECRET_BYTES} bytes"
    return None
