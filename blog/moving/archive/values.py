"""Column values as JSON and back, the same on every database: what SQLite, PostgreSQL and
MariaDB return for a column is turned into one portable form, and that form into what the
column takes on any of them.

- times: ISO-8601 in UTC (``2024-05-01T09:30:00.123456+00:00``), to the microsecond;
- bytes: base64;
- JSON columns: the JSON value itself (not a string holding it);
- enums: their stored value (``"published"``);
- exact decimals: their digits as a string (a float would round them);
- everything else (text, numbers, booleans, NULL) as JSON has it.

Decoding reads a hostile archive: a value of the wrong shape is an :class:`ArchiveError`
naming the column, never a traceback.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import decimal
import enum
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from blog.moving.archive.format import ArchiveError


def _base_type(column: sa.Column) -> sa.types.TypeEngine:
    """The type a column is stored as (a TypeDecorator's own, e.g. UTCDateTime's DateTime)."""
    type_ = column.type
    return type_.impl_instance if isinstance(type_, sa.types.TypeDecorator) else type_


def encode(value: Any) -> Any:
    """One value as the archive writes it."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("a time without its zone: the models give every time in UTC")
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _time(text: Any) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("has no zone")
    return moment.astimezone(dt.UTC)


def _bytes(text: Any) -> bytes:
    return base64.b64decode(text, validate=True)


def _decoder(column: sa.Column) -> Callable[[Any], Any] | None:
    """How to read a column's values back; None: as JSON gives them."""
    type_ = _base_type(column)
    if isinstance(type_, sa.Enum):
        return type_.enum_class if type_.enum_class is not None else None
    if isinstance(type_, sa.DateTime):
        return _time
    if isinstance(type_, sa.Date):
        return dt.date.fromisoformat
    if isinstance(type_, sa.Time):
        return dt.time.fromisoformat
    if isinstance(type_, sa.LargeBinary):
        return _bytes
    if isinstance(type_, sa.Numeric) and not isinstance(type_, sa.Float):
        return decimal.Decimal
    return None


class RowDecoder:
    """Reads one table's rows back, knowing each column's decoder once."""

    def __init__(self, table: sa.Table) -> None:
        self.table = table
        self._decoders = {column.name: _decoder(column) for column in table.columns}

    def decode(self, row: Mapping[str, Any]) -> dict[str, Any]:
        values = {}
        for name, value in row.items():
            decoder = self._decoders[name]
            if value is None or decoder is None:
                values[name] = value
                continue
            try:
                values[name] = decoder(value)
            except (TypeError, ValueError, binascii.Error, decimal.InvalidOperation):
                raise ArchiveError(
                    f"{self.table.name}.{name} holds {str(value)[:40]!r}, which is not a value "
                    "of that column"
                ) from None
        return values
