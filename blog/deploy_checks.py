"""``flask blog check-deploy``: what a production deployment gets wrong, found before it goes live.

Like Django's ``check --deploy``: problems make the command fail (one line each); softer findings
are warnings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from blog import schema_migrations
from blog.config import delivers_mail, production_refusals
from blog.extensions import db
from blog.models import User


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _worker_count(environ) -> int:
    try:
        return int(environ.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) * 2 + 1)
    except ValueError:
        return 2


def _redis_problem(url: str) -> str | None:
    """Why Redis at ``url`` can't be used, or None when it answers."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except (redis.RedisError, ValueError) as error:
        return type(error).__name__
    return None


OLDEST_SERVERS = {"MariaDB": (10, 6), "MySQL": (8, 0)}
"""The oldest releases of each with what the schema needs (generated columns, stored procedures
and FULLTEXT on InnoDB, utf8mb4 indexes of 255 characters). CI tests MariaDB 10.11."""


def mysql_server_findings(version: str, max_packet: int, config) -> Findings:
    """What a MariaDB or MySQL server (``SELECT VERSION()``, ``@@max_allowed_packet``) lacks."""
    found = Findings()
    kind = "MariaDB" if "mariadb" in version.lower() else "MySQL"
    release = tuple(int(part) for part in version.split("-")[0].split(".")[:2] if part.isdigit())
    oldest = OLDEST_SERVERS[kind]
    if release < oldest:
        found.problems.append(
            f"{kind} {version} is older than {'.'.join(map(str, oldest))}: upgrade the server"
        )
    if config.get("UPLOAD_STORAGE") == "database" and max_packet < config["UPLOAD_MAX_BYTES"] * 2:
        found.warnings.append(
            f"max_allowed_packet is {max_packet} bytes: an image near UPLOAD_MAX_BYTES "
            f"({config['UPLOAD_MAX_BYTES']}) may not fit in one statement; set it to at least "
            f"{config['UPLOAD_MAX_BYTES'] * 2} on the server"
        )
    return found


def _check_mysql_server(config, problem, warn) -> None:
    version, max_packet = db.session.execute(
        sa.text("SELECT VERSION(), @@max_allowed_packet")
    ).one()
    server = mysql_server_findings(version, int(max_packet), config)
    for line in server.problems:
        problem(line)
    for line in server.warnings:
        warn(line)


def _check_mail(config, problem, warn) -> None:
    site_url = config.get("SITE_URL", "")
    if site_url and not site_url.startswith("https://"):
        problem(f"SITE_URL {site_url!r} is not https: emailed links would travel over plain HTTP")
    if not delivers_mail(config):
        warn("mail is not configured (MAIL_SERVER): readers can't reset a forgotten password")
        return
    if not config.get("MAIL_DEFAULT_SENDER"):
        problem("MAIL_DEFAULT_SENDER is not set: emails need a From address")
    if not (config.get("MAIL_USE_TLS") or config.get("MAIL_USE_SSL")):
        warn("MAIL_USE_TLS and MAIL_USE_SSL are off: mail goes to the server unencrypted")


def check_deployment(app: Flask, environ=os.environ) -> Findings:
    found = Findings()
    config = app.config
    problem, warn = found.problems.append, found.warnings.append

    if config["ENV_NAME"] != "production":
        problem(f"BLOG_ENV is {config['ENV_NAME']!r}: set BLOG_ENV=production")
    found.problems.extend(production_refusals(config))  # what production won't start with
    if app.debug or config.get("DEBUG"):
        problem("debug mode is on: never in production")
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        problem(
            "the database is SQLite: set DATABASE_URL to PostgreSQL or MariaDB/MySQL for production"
        )
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if not config.get(name):
            problem(f"{name} is off: cookies would travel over plain HTTP")
    if config.get("PREFERRED_URL_SCHEME") != "https":
        problem("PREFERRED_URL_SCHEME is not https: links and redirects would use http")
    workers = _worker_count(environ)
    if config.get("RATELIMIT_ENABLED") and not config.get("REDIS_URL") and workers > 1:
        problem(
            f"REDIS_URL is not set with {workers} workers: each process would keep its own "
            "rate-limit counters; set REDIS_URL"
        )
    if config.get("REDIS_URL"):
        unreachable = _redis_problem(config["REDIS_URL"])
        if unreachable:
            problem(f"REDIS_URL does not answer ({unreachable}): counters would not be shared")
    if not config.get("RATELIMIT_ENABLED"):
        warn("rate limits are off (RATELIMIT_ENABLED=false)")
    if not config.get("TRUSTED_PROXIES"):
        warn(
            "TRUSTED_PROXIES is 0: right only when clients reach gunicorn directly; behind Render, "
            "Railway, Heroku or nginx set 1, or every visitor shares the proxy's address"
        )
    if "*" in config.get("CORS_ORIGINS", ""):
        warn("CORS_ORIGINS allows every origin")
    _check_mail(config, problem, warn)
    if config.get("UPLOAD_STORAGE") == "local":
        warn(
            "UPLOAD_STORAGE is local: uploaded images live on this machine's disk, which hosts "
            "such as Render and Railway replace at every deploy; use database or s3 unless the "
            "disk lasts (and every instance shares it)"
        )

    try:
        pending = schema_migrations.pending_revisions()
        if pending:
            problem(f"{len(pending)} migration(s) pending: run flask db upgrade")
            return found
        admins = db.session.scalar(
            sa.select(sa.func.count()).select_from(User).where(User.is_admin.is_(True))
        )
        if db.session.get_bind().dialect.name == "mysql":
            _check_mysql_server(config, problem, warn)
    except SQLAlchemyError as error:
        db.session.rollback()
        problem(f"the database is unreachable ({type(error).__name__})")
        return found
    if not admins:
        warn("there is no admin account yet: flask blog create-admin")
    return found
