"""The deployment recipes (Render, Railway, Procfile, Docker, compose, systemd, nginx) parse, run
the same two commands, and agree with the code: settings, limits and pinned versions."""

from __future__ import annotations

import json
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from gunicorn.config import Config as GunicornConfig

from blog.config import (
    ENVIRONMENT_SETTINGS,
    Config,
    ProductionConfig,
    parse_env_value,
    secret_key_problem,
)

ROOT = Path(__file__).resolve().parent.parent
SERVE = "gunicorn wsgi:app"
MIGRATE = "flask --app blog db upgrade"
RECIPES = [
    "gunicorn.conf.py",
    "Procfile",
    "render.yaml",
    "railway.json",
    "Dockerfile",
    ".dockerignore",
    "deploy/docker-entrypoint.sh",
    "docker-compose.yml",
    "docker-compose.mariadb.yml",
    "deploy/blog.service",
    "deploy/nginx.conf",
    ".env.example",
    "requirements.txt",
    "scripts/requirements",
    ".python-version",
    "docs/deploy.md",
]
# Read by gunicorn.conf.py, by config_class() (BLOG_ENV picks the class) or by a command.
NOT_IN_CONFIG = {
    "BLOG_ENV",
    "PORT",
    "WEB_CONCURRENCY",
    "FORWARDED_ALLOW_IPS",
    "GUNICORN_CONTROL_SOCKET",
    "REQUEST_BODY_TIMEOUT",
    "BLOG_ADMIN_PASSWORD",
}
DEV_ONLY = [
    "pytest",
    "ruff",
    "playwright",
    "schemathesis",
    "factory-boy",
    "factory_boy",
    "hypothesis",
    "iniconfig",
    "pluggy",
]


def read(name: str) -> str:
    return (ROOT / name).read_text()


def load_yaml(name: str):
    yaml = pytest.importorskip("yaml", reason="PyYAML comes with the dev tools (schemathesis)")
    return yaml.safe_load(read(name))


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(name: str) -> dict[str, str]:
    found = {}
    for line in read(name).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            package, _, version = line.partition("==")
            assert version, f"{name}: {line!r} is not pinned with =="
            found[canonical(package)] = version
    return found


@pytest.mark.parametrize("name", RECIPES)
def test_recipe_exists_and_is_not_empty(name):
    assert (ROOT / name).is_file(), f"{name} is missing"
    assert read(name).strip(), f"{name} is empty"


@pytest.mark.parametrize("name", ["deploy/docker-entrypoint.sh", "scripts/requirements"])
def test_scripts_are_executable(name):
    assert (ROOT / name).stat().st_mode & 0o111, f"{name} is not executable"


# --- gunicorn.conf.py ------------------------------------------------------------------------


def gunicorn_settings(monkeypatch, **environ) -> dict:
    names = (
        "PORT",
        "WEB_CONCURRENCY",
        "LOG_LEVEL",
        "GUNICORN_CONTROL_SOCKET",
        "REQUEST_BODY_TIMEOUT",
        "BLOG_ENV",
        "FLASK_ENV",
    )
    for name in names:
        monkeypatch.setenv(name, "")  # so that monkeypatch restores what .env may add
        monkeypatch.delenv(name)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    namespace = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    return {k: v for k, v in namespace.items() if not k.startswith("_") and not callable(v)}


def test_gunicorn_conf_reads_port_and_workers(monkeypatch):
    settings = gunicorn_settings(monkeypatch, PORT="1234", WEB_CONCURRENCY="3")
    assert settings["bind"] == "0.0.0.0:1234"
    assert settings["workers"] == 3


def test_under_gunicorn_the_blog_serves_production_unless_told_otherwise(monkeypatch):
    gunicorn_settings(monkeypatch)
    assert os.environ["BLOG_ENV"] == "production"
    gunicorn_settings(monkeypatch, FLASK_ENV="development")
    assert "BLOG_ENV" not in os.environ  # the alias hosting tutorials set still chooses
    gunicorn_settings(monkeypatch, BLOG_ENV="testing")
    assert os.environ["BLOG_ENV"] == "testing"


def test_gunicorn_conf_reads_dotenv_below_the_real_environment(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text("WEB_CONCURRENCY=5\nPORT=7000\n")
    monkeypatch.chdir(tmp_path)
    settings = gunicorn_settings(monkeypatch, PORT="1234")
    assert settings["workers"] == 5
    assert settings["bind"] == "0.0.0.0:1234"


def test_a_big_host_starts_no_more_workers_than_the_database_has_connections_for(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert gunicorn_settings(monkeypatch)["workers"] == 6


def test_gunicorn_conf_defaults(monkeypatch):
    settings = gunicorn_settings(monkeypatch)
    assert settings["bind"] == "0.0.0.0:8000"
    assert 3 <= settings["workers"] <= 6  # 6 pools of 15 fit in PostgreSQL's 100 connections
    assert settings["loglevel"] == "info"
    assert settings["accesslog"] == "-" and settings["errorlog"] == "-"
    assert settings["forwarded_allow_ips"] == "127.0.0.1"
    assert settings["control_socket_disable"] is True
    assert settings["graceful_timeout"] < settings["timeout"]
    # Slow or stalled clients wait in greenlets instead of holding a worker (test_slow_clients).
    assert settings["worker_class"] == "gevent"
    assert settings["worker_connections"] == 1000
    assert settings["keepalive"] == 5
    assert "preload_app" not in settings  # psycopg must be imported after gevent patches


def test_every_recipe_lets_gunicorn_finish_requests_before_killing_it(monkeypatch):
    """A stop gives gunicorn graceful_timeout seconds to finish requests in flight; a host that
    kills sooner cuts them off (Railway's default is 0 s, Compose's 10 s)."""
    graceful = gunicorn_settings(monkeypatch)["graceful_timeout"]
    railway = json.loads(read("railway.json"))["deploy"]["drainingSeconds"]
    compose = load_yaml("docker-compose.yml")["services"]["web"]["stop_grace_period"]
    (systemd,) = unit_directives()["TimeoutStopSec"]
    for name, seconds in [("railway", railway), ("compose", compose), ("systemd", systemd)]:
        assert int(str(seconds).removesuffix("s")) > graceful, name


def test_gunicorn_conf_log_level_and_control_socket(monkeypatch, tmp_path):
    socket = str(tmp_path / "gunicorn.ctl")
    settings = gunicorn_settings(monkeypatch, LOG_LEVEL="WARNING", GUNICORN_CONTROL_SOCKET=socket)
    assert settings["loglevel"] == "warning"
    assert settings["control_socket_disable"] is False
    assert settings["control_socket"] == socket


def test_gunicorn_conf_names_only_real_settings_with_valid_values(monkeypatch):
    """A misspelt setting would be ignored silently by gunicorn; a bad value fails here."""
    config = GunicornConfig()
    settings = gunicorn_settings(monkeypatch, LOG_LEVEL="INFO")
    for name, value in settings.items():
        if isinstance(value, type(sys)):  # imported modules
            continue
        assert name in config.settings, f"gunicorn has no setting {name!r}"
        config.set(name, value)


def test_access_log_has_one_line_with_what_operators_need(monkeypatch):
    line = gunicorn_settings(monkeypatch)["access_log_format"]
    for atom in ("%(h)s", "%(m)s", "%({raw_uri}e)s", "%(s)s", "%(b)s", "%(M)s", "%(a)s"):
        assert atom in line
    assert "%({x-request-id}o)s" in line
    assert "\n" not in line


# --- the platforms ---------------------------------------------------------------------------


def test_procfile_serves_and_releases():
    processes = dict(line.split(":", 1) for line in read("Procfile").splitlines() if line.strip())
    assert processes["web"].strip() == SERVE
    assert processes["release"].strip() == MIGRATE


def test_render_blueprint():
    blueprint = load_yaml("render.yaml")
    web = next(s for s in blueprint["services"] if s["type"] == "web")
    assert web["runtime"] == "python"
    assert web["buildCommand"] == "pip install -r requirements.txt"
    assert web["startCommand"] == SERVE
    assert web["preDeployCommand"] == MIGRATE
    assert web["healthCheckPath"] == "/readyz"
    env = {item["key"]: item for item in web["envVars"]}
    assert env["BLOG_ENV"]["value"] == "production"
    assert env["SECRET_KEY"] == {"key": "SECRET_KEY", "generateValue": True}
    assert str(env["TRUSTED_PROXIES"]["value"]) == "1"
    assert "PYTHON_VERSION" not in env  # Render reads .python-version, the latest patch
    (database,) = blueprint["databases"]
    assert database["postgresMajorVersion"] == "16"  # as in docker-compose.yml and CI
    databases = {database["name"] for database in blueprint["databases"]}
    assert env["DATABASE_URL"]["fromDatabase"]["name"] in databases
    assert env["DATABASE_URL"]["fromDatabase"]["property"] == "connectionString"
    redis = env["REDIS_URL"]["fromService"]
    key_values = {s["name"] for s in blueprint["services"] if s["type"] == "keyvalue"}
    assert redis["type"] == "keyvalue" and redis["name"] in key_values
    assert redis["property"] == "connectionString"


def test_railway_config():
    config = json.loads(read("railway.json"))
    assert (ROOT / config["build"]["dockerfilePath"]).is_file()
    deploy = config["deploy"]
    assert deploy["startCommand"] == SERVE
    assert deploy["preDeployCommand"] == [MIGRATE]
    assert deploy["healthcheckPath"] == "/readyz"
    assert deploy["restartPolicyType"] in {"ON_FAILURE", "ALWAYS", "NEVER"}


# --- Docker ----------------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_non_root_and_checks_health():
    dockerfile = read("Dockerfile")
    assert (
        re.findall(r"^FROM python:3\.11-slim\b", dockerfile, re.M)
        and len(re.findall(r"^FROM ", dockerfile, re.M)) >= 2
    )
    assert "-r requirements.txt" in dockerfile
    user = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert user and user[-1] not in {"root", "0"}
    assert re.search(r"^ENV [^#]*PORT=8000", dockerfile, re.M)
    assert re.search(r"^EXPOSE 8000$", dockerfile, re.M)
    health = re.search(r"^HEALTHCHECK (?:.*\\\n)*.*", dockerfile, re.M).group(0)
    assert "/healthz" in health and "urllib" in health and "curl" not in health
    command = json.loads(re.search(r"^CMD (.+)$", dockerfile, re.M).group(1))
    assert command == ["/app/deploy/docker-entrypoint.sh"]


def test_docker_entrypoint_migrates_then_execs_gunicorn():
    script = read("deploy/docker-entrypoint.sh")
    lines = [line.strip() for line in script.splitlines() if line.strip()]
    assert lines[0].startswith("#!") and "set -eu" in lines
    commands = [line for line in lines if not line.startswith(("#", "set "))]
    assert commands[0] == MIGRATE
    assert commands[-1].startswith(f"exec {SERVE}")


def test_dockerfile_copies_files_that_exist_and_are_not_ignored():
    ignored = [
        line.strip().rstrip("/")
        for line in read(".dockerignore").splitlines()
        if line.strip() and not line.startswith(("#", "!"))
    ]
    copied = []
    for line in read("Dockerfile").splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            copied += line.split()[1:-1]
    assert "requirements.txt" in copied and "wsgi.py" in copied and "migrations/" in copied
    for source in copied:
        assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which doesn't exist"
        assert source.rstrip("/") not in ignored, f".dockerignore leaves {source} out"
    for secret_or_bulk in (".env", ".venv", ".git", "instance"):
        assert secret_or_bulk in ignored


def test_compose_runs_web_on_healthy_postgres_and_redis():
    compose = load_yaml("docker-compose.yml")
    services = compose["services"]
    web = services["web"]
    assert web["build"] == "."
    assert any(str(port).endswith("8000:8000") for port in web["ports"])
    environment = web["environment"]
    assert environment["BLOG_ENV"] == "production"
    assert environment["SECRET_KEY"] == "${SECRET_KEY:?set SECRET_KEY}"
    assert "@db:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"].startswith("redis://redis:6379")
    assert web["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    for name in ("db", "redis"):
        assert services[name]["healthcheck"]["test"]
        volume = services[name]["volumes"][0].split(":")[0]
        assert volume in compose["volumes"], f"{name} keeps its data in a named volume"


def test_the_mariadb_compose_is_the_postgresql_one_with_mariadb_for_its_database():
    postgres = load_yaml("docker-compose.yml")
    compose = load_yaml("docker-compose.mariadb.yml")
    web, postgres_web = compose["services"]["web"], postgres["services"]["web"]
    assert {k: v for k, v in web.items() if k != "environment"} == {
        k: v for k, v in postgres_web.items() if k != "environment"
    }
    environment = dict(web["environment"])
    assert (
        environment.pop("DATABASE_URL") == "mariadb://blog:${MARIADB_PASSWORD:-blog}@db:3306/blog"
    )
    del postgres_web["environment"]["DATABASE_URL"]
    assert environment == postgres_web["environment"]
    assert compose["services"]["redis"] == postgres["services"]["redis"]
    db = compose["services"]["db"]
    assert db["image"].startswith("mariadb:")
    assert db["environment"]["MARIADB_USER"] == "blog"
    assert db["environment"]["MARIADB_PASSWORD"] == "${MARIADB_PASSWORD:-blog}"
    assert "MARIADB_ROOT_PASSWORD" not in db["environment"]
    assert db["healthcheck"]["test"][:2] == ["CMD", "healthcheck.sh"]
    assert db["volumes"] == ["mariadb-data:/var/lib/mysql"]
    assert set(compose["volumes"]) == {"mariadb-data", "redis-data"}


# --- the VM ----------------------------------------------------------------------------------


def unit_directives() -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for line in read("deploy/blog.service").splitlines():
        if "=" in line and not line.startswith(("#", ";")):
            key, value = line.split("=", 1)
            directives.setdefault(key.strip(), []).append(value.strip())
    return directives


def test_systemd_unit_migrates_then_serves_hardened():
    unit = unit_directives()
    assert unit["ExecStartPre"] == [f"/srv/blog/.venv/bin/{MIGRATE}"]
    (start,) = unit["ExecStart"]
    assert start.startswith("/srv/blog/.venv/bin/gunicorn ") and start.endswith(" wsgi:app")
    assert "127.0.0.1:8000" in start
    assert unit["EnvironmentFile"] == ["/etc/blog.env"]
    assert unit["WorkingDirectory"] == ["/srv/blog"]
    assert unit["User"] == ["blog"]
    for option, value in {
        "NoNewPrivileges": "true",
        "ProtectSystem": "strict",
        "PrivateTmp": "true",
        "ProtectHome": "true",
    }.items():
        assert unit[option] == [value], option
    assert unit["ReadWritePaths"] == ["/srv/blog/instance"]


def test_nginx_proxies_to_gunicorn_with_forwarded_headers():
    nginx = read("deploy/nginx.conf")
    assert re.search(r"server 127\.0\.0\.1:8000;", nginx)
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert re.search(rf"proxy_set_header {header} \$", nginx), header
    assert "alias /srv/blog/blog/static/;" in nginx
    assert (ROOT / "blog" / "static").is_dir()
    assert "TRUSTED_PROXIES=1" in nginx


def test_nginx_body_limit_matches_max_content_length():
    size = re.search(r"^\s*client_max_body_size (\d+)([kKmM]?);", read("deploy/nginx.conf"), re.M)
    number, unit = int(size.group(1)), size.group(2).lower()
    assert number * {"": 1, "k": 1024, "m": 1024 * 1024}[unit] == Config.MAX_CONTENT_LENGTH


# --- settings --------------------------------------------------------------------------------


def env_example() -> dict[str, str]:
    """Every KEY=value of .env.example, commented-out ones included."""
    found = {}
    for line in read(".env.example").splitlines():
        match = re.match(r"^#?\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line)
        if match:
            found[match[1]] = match[2]
    return found


def test_env_example_names_only_real_settings():
    for key in env_example():
        assert key in NOT_IN_CONFIG | ENVIRONMENT_SETTINGS, (
            f".env.example sets {key}, which the environment can't set (blog.config) "
            "and gunicorn.conf.py doesn't read"
        )


def test_env_example_covers_every_setting():
    assert sorted((NOT_IN_CONFIG | ENVIRONMENT_SETTINGS) - set(env_example())) == []
    assert "\n# BLOG_ADMIN_PASSWORD=" in read(".env.example"), "commented out, not set"


def test_env_example_values_parse_and_hold_no_secret():
    values = env_example()
    for key, value in values.items():
        assert not value.startswith(("'", '"')), f"{key}: docker --env-file keeps quotes"
        if hasattr(ProductionConfig, key):
            parse_env_value(value, getattr(ProductionConfig, key))  # raises if malformed
    assert secret_key_problem(values["SECRET_KEY"]), "a SECRET_KEY production would accept"
    assert values["MAIL_PASSWORD"] == ""
    assert values["BLOG_ENV"] == "production"
    assert values["LOG_LEVEL"] == values["LOG_LEVEL"].upper()
    assert int(values["MAX_CONTENT_LENGTH"]) == Config.MAX_CONTENT_LENGTH


def test_python_version_is_the_one_the_image_and_pyproject_use():
    version = read(".python-version").strip()
    assert version == "3.11"
    assert f"FROM python:{version}-slim" in read("Dockerfile")


# --- requirements.txt ------------------------------------------------------------------------


def test_requirements_txt_is_runtime_only_and_locked():
    text = read("requirements.txt")
    assert text.startswith("# Generated by scripts/requirements")
    required, locked = pins("requirements.txt"), pins("requirements.lock")
    assert "flask" in required and "gunicorn" in required
    assert "psycopg-binary" in required, "psycopg[binary]'s extra is followed"
    assert "gevent" in required and "greenlet" in required  # the worker class and its base
    for name in DEV_ONLY:
        assert canonical(name) not in required, f"{name} is a dev tool"
    for name, version in required.items():
        assert locked.get(name) == version, f"{name}=={version} but the lock has {locked.get(name)}"


def test_requirements_txt_is_current():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "requirements"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
