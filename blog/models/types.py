from datetime import UTC, datetime

import sqlalchemy as sa


class Clock:
    """The time the blog runs at: the real time, unless ``fixed`` is set (the tests' seam for
    moving time past a scheduled post's publication without sleeping)."""

    fixed: datetime | None = None


def utcnow() -> datetime:
    return Clock.fixed or datetime.now(UTC)


def now_parameter(name: str = "now") -> sa.BindParameter:
    """The present as a statement's parameter, taken as each run of it starts: for a statement
    built once and run many times (building one can cost more than running it)."""
    return sa.bindparam(name, callable_=utcnow, type_=UTCDateTime())


NAIVE_DATABASES = frozenset({"sqlite", "mysql"})


class UTCDateTime(sa.TypeDecorator):
    """A timezone-aware UTC datetime on every database.

    SQLite and MariaDB keep no zone, so values are stored as naive UTC (MariaDB's sessions are
    set to UTC: :func:`blog.config.engine_options`) and given their zone back on load.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name in NAIVE_DATABASES else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
