import re
from pathlib import Path

import pytest
import snowballstemmer
from sqlalchemy.engine import make_url

from blog import create_app
from blog.config import (
    ENVIRONMENT_SETTINGS,
    SEARCH_LANGUAGES,
    ConfigurationError,
    DevelopmentConfig,
    ProductionConfig,
    TestingConfig,
    database_uri,
    engine_options,
    secret_key_problem,
)
from blog.extensions import db

STRONG_SECRET = "k" * 48


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """Run each test from an empty folder with none of the settings in the environment."""
    for name in (
        "BLOG_ENV",
        "FLASK_ENV",
        "SECRET_KEY",
        "DATABASE_URL",
        "FLASK_DEBUG",
        "POSTS_PER_PAGE",
        "BLOG_TITLE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@db.example:5432/blog", "postgresql+psycopg://u:p@db.example:5432/blog"),
        ("postgresql://u@localhost/blog", "postgresql+psycopg://u@localhost/blog"),
        ("postgresql+psycopg2://u@h/blog", "postgresql+psycopg://u@h/blog"),
        ("postgresql+psycopg://u@h/blog", "postgresql+psycopg://u@h/blog"),
        ("sqlite:////srv/blog.db", "sqlite:////srv/blog.db"),
    ],
)
def test_database_url_is_rewritten_for_psycopg3(url, expected):
    assert database_uri(url, "/instance") == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://u:p@db.example:3306/blog", "mysql+pymysql://u:p@db.example:3306/blog"),
        ("mariadb://u@localhost/blog", "mysql+pymysql://u@localhost/blog"),
        ("mariadb+pymysql://u@h/blog", "mysql+pymysql://u@h/blog"),
        ("mysql+mysqldb://u@h/blog", "mysql+pymysql://u@h/blog"),
        ("mysql://u@h/blog?charset=utf8", "mysql+pymysql://u@h/blog"),
        ("mysql://u@h/blog?ssl_ca=/ca.pem", "mysql+pymysql://u@h/blog?ssl_ca=%2Fca.pem"),
    ],
)
def test_mariadb_and_mysql_urls_get_pymysql_and_every_unicode_character(url, expected):
    """utf8mb4 always: MySQL's "utf8" holds no emoji, and a host's URL may ask for it."""
    normalised = make_url(database_uri(url, "/instance"))
    assert normalised.query["charset"] == "utf8mb4"
    without_charset = normalised.difference_update_query(["charset"])
    assert without_charset == make_url(expected)


def test_mariadb_sessions_read_committed_in_utc_and_strict():
    options = engine_options("mysql+pymysql://u@h/blog?charset=utf8mb4", {"pool_size": 3})
    assert options["isolation_level"] == "READ COMMITTED"
    assert options["pool_recycle"] == 3600
    assert options["pool_size"] == 3
    assert "time_zone = '+00:00'" in options["connect_args"]["init_command"]
    assert "STRICT_ALL_TABLES" in options["connect_args"]["init_command"]
    assert engine_options("sqlite://", {"pool_size": 3}) == {"pool_size": 3}
    chosen = engine_options("mysql+pymysql://u@h/b", {"isolation_level": "SERIALIZABLE"})
    assert chosen["isolation_level"] == "SERIALIZABLE"


def test_without_database_url_sqlite_lives_in_the_instance_folder(tmp_path):
    app = create_app({"BLOG_ENV": "testing", "SQLALCHEMY_DATABASE_URI": None})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/blog.db"


@pytest.mark.parametrize(
    ("name", "cls"),
    [("development", DevelopmentConfig), ("testing", TestingConfig)],
)
def test_blog_env_selects_the_config_class(monkeypatch, name, cls):
    monkeypatch.setenv("BLOG_ENV", name)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setattr(DevelopmentConfig, "AUTO_MIGRATE", False)
    app = create_app()
    assert app.config["ENV_NAME"] == cls.ENV_NAME


def test_flask_env_is_an_alias(monkeypatch):
    monkeypatch.setenv("FLASK_ENV", "testing")
    assert create_app().config["TESTING"] is True


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigurationError, match="unknown environment 'staging'"):
        create_app("staging")


def test_environment_beats_instance_file_which_beats_class(monkeypatch, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("POSTS_PER_PAGE = 7\nBLOG_TITLE = 'From file'\n")
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(instance))
    monkeypatch.setenv("BLOG_TITLE", "From environment")
    app = create_app("testing")
    assert app.config["POSTS_PER_PAGE"] == 7
    assert app.config["BLOG_TITLE"] == "From environment"
    assert create_app({"BLOG_ENV": "testing", "BLOG_TITLE": "Override"}).config["BLOG_TITLE"] == (
        "Override"
    )


def test_dotenv_is_read_but_real_environment_wins(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text("BLOG_TITLE=From dotenv\nPOSTS_PER_PAGE=3\n")
    monkeypatch.setenv("POSTS_PER_PAGE", "5")
    monkeypatch.delenv("BLOG_TITLE", raising=False)
    app = create_app("testing")
    assert app.config["BLOG_TITLE"] == "From dotenv"
    assert app.config["POSTS_PER_PAGE"] == 5


def test_environment_values_are_typed(monkeypatch):
    monkeypatch.setenv("POSTS_PER_PAGE", "12")
    monkeypatch.setenv("WTF_CSRF_ENABLED", "true")
    app = create_app("testing")
    assert app.config["POSTS_PER_PAGE"] == 12
    assert app.config["WTF_CSRF_ENABLED"] is True


def test_the_environment_cannot_pick_another_class_or_loosen_fixed_settings(monkeypatch):
    """ENV_NAME decides the production checks: only BLOG_ENV may choose it."""
    monkeypatch.setenv("ENV_NAME", "development")
    monkeypatch.setenv("SESSION_COOKIE_HTTPONLY", "false")
    monkeypatch.setenv("SERVER_NAME", "evil.example")  # Flask's own settings aren't read either
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        create_app("production")
    app = create_app("testing")
    assert app.config["ENV_NAME"] == "testing"
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SERVER_NAME"] is None


def test_cookie_security_and_mail_file_can_be_set_in_any_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "true")
    monkeypatch.setenv("REMEMBER_COOKIE_SECURE", "true")
    monkeypatch.setenv("MAIL_FILE_PATH", str(tmp_path))
    app = create_app("development")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["MAIL_FILE_PATH"] == str(tmp_path)


def test_every_setting_the_environment_can_set_is_in_the_readme():
    """.env.example is held to the same list in test_deploy_files."""
    text = (Path(__file__).parent.parent / "README.md").read_text()
    undocumented = sorted(n for n in ENVIRONMENT_SETTINGS if not re.search(rf"\b{n}\b", text))
    assert not undocumented, f"README.md says nothing of {undocumented}"


def test_development_signs_with_a_random_key_of_its_own_kept_across_restarts():
    """Never a key the world knows: a development server reachable from outside must not hand
    out sessions and API tokens anyone can forge."""
    first = create_app({"BLOG_ENV": "development", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    again = create_app({"BLOG_ENV": "development", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    key = first.config["SECRET_KEY"]
    assert secret_key_problem(key) is None
    assert again.config["SECRET_KEY"] == key
    kept = Path(first.instance_path) / "secret_key"
    assert kept.read_text().strip() == key
    assert kept.stat().st_mode & 0o077 == 0, "readable by its owner only"


def test_a_malformed_log_level_is_one_clear_error(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "verbose")
    with pytest.raises(ConfigurationError, match="LOG_LEVEL: expected one of DEBUG"):
        create_app("testing")


def test_a_malformed_environment_value_is_one_clear_error(monkeypatch):
    monkeypatch.setenv("POSTS_PER_PAGE", "many")
    with pytest.raises(ConfigurationError, match="POSTS_PER_PAGE"):
        create_app("testing")


@pytest.mark.parametrize(
    "url", ["not a url", "localhost:6379", "http://127.0.0.1:6379", "unix:///run/redis.sock"]
)
def test_a_redis_url_that_is_not_one_is_one_clear_error(url):
    with pytest.raises(ConfigurationError, match="REDIS_URL must start with redis:// or rediss://"):
        create_app({"BLOG_ENV": "testing", "REDIS_URL": url})


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        (None, "SECRET_KEY is not set"),
        ("changeme", "well-known default"),
        ("insecure-dev-key", "well-known default"),
        ("short-secret", "shorter than 32 bytes"),
    ],
)
def test_production_refuses_an_unsafe_secret_in_one_line(monkeypatch, secret, reason):
    if secret:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(SystemExit) as refused:
        create_app("production")
    message = str(refused.value.code)
    assert reason in message
    assert "secrets.token_urlsafe(50)" in message
    assert "\n" not in message


def test_production_runs_with_a_strong_secret_and_never_debugs(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", STRONG_SECRET)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("DEBUG", "true")
    app = create_app("production")
    assert app.debug is False
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_production_refuses_flask_debug(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", STRONG_SECRET)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(ConfigurationError, match="FLASK_DEBUG"):
        create_app(ProductionConfig)


def test_secret_key_problem_accepts_a_generated_secret():
    import secrets

    assert secret_key_problem(secrets.token_urlsafe(50)) is None


def test_two_apps_with_different_configs_live_in_one_process(tmp_path):
    first = create_app(
        {
            "BLOG_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/a.db",
            "BLOG_TITLE": "First",
        }
    )
    second = create_app(
        {
            "BLOG_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/b.db",
            "BLOG_TITLE": "Second",
        }
    )
    with first.app_context():
        db.create_all()
        first_url = str(db.engine.url)
    with second.app_context():
        second_url = str(db.engine.url)
        assert not db.inspect(db.engine).get_table_names()
    assert first_url.endswith("a.db") and second_url.endswith("b.db")
    assert first.config["BLOG_TITLE"] == "First" and second.config["BLOG_TITLE"] == "Second"


def test_the_search_languages_are_the_ones_snowball_stems():
    assert frozenset(snowballstemmer.algorithms()) == SEARCH_LANGUAGES
