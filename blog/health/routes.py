"""Probes for load balancers and orchestrators: cheap, JSON, never cached."""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from blog import schema_migrations
from blog.extensions import db

bp = Blueprint("health", __name__)


def _answer(code: int, **body):
    response = jsonify(body)
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    """The process is alive and answering; touches nothing else."""
    return _answer(200, status="ok")


@bp.get("/readyz")
def readyz():
    """Ready for traffic: the database answers and its schema is at the latest migration."""
    try:
        db.session.execute(text("SELECT 1"))
        pending = schema_migrations.pending_revisions()
    except SQLAlchemyError as error:
        db.session.rollback()
        return _answer(
            503, status="unavailable", reason=f"database unreachable: {type(error).__name__}"
        )
    if pending:
        return _answer(
            503,
            status="unavailable",
            reason=f"{len(pending)} migration(s) pending: run 'flask db upgrade'",
        )
    return _answer(200, status="ready")
