"""How the schema is written for MariaDB and MySQL, in the models and the migrations alike.

Every table in ``utf8mb4`` with a binary collation: a server's default collation
(``utf8mb4_general_ci``) takes ``café``, ``Cafe`` and ``cafe `` for one value, where SQLite and
PostgreSQL keep three tags, titles and slugs apart. Times to the microsecond (a plain DATETIME
drops them, and "changed since" compares times microseconds apart); texts and images as long as
the other databases keep (TEXT and BLOB stop at 64 KB, short of a 100,000-character post in
four-byte characters, or of an image).
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex, CreateTable, DropIndex

TABLE_OPTIONS = " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"


@compiles(CreateTable, "mysql")
def _utf8mb4_binary(create, compiler, **kw) -> str:
    return compiler.visit_create_table(create, **kw).rstrip() + TABLE_OPTIONS


@compiles(sa.DateTime, "mysql")
def _datetime_to_the_microsecond(type_, compiler, **kw) -> str:
    return "DATETIME(6)"


@compiles(sa.Text, "mysql")
def _text_up_to_16_mb(type_, compiler, **kw) -> str:
    return "MEDIUMTEXT" if type_.length is None else compiler.visit_text(type_, **kw)


@compiles(sa.LargeBinary, "mysql")
def _binary_up_to_16_mb(type_, compiler, **kw) -> str:
    return "MEDIUMBLOB" if type_.length is None else compiler.visit_large_binary(type_, **kw)


_LOWER = re.compile(r"^lower\(`?(\w+)`?\)$", re.IGNORECASE)


def lowered_column(column: str) -> str:
    """The generated column that holds ``lower(column)`` where an index of it can't be made."""
    return f"{column}_lower"


def _lowered(index: sa.Index, compiler) -> str | None:
    """The column of an index of ``lower(column)`` alone, or None."""
    if len(index.expressions) != 1:
        return None
    expression = index.expressions[0]
    if isinstance(expression, str):
        return None
    match = _LOWER.match(compiler.sql_compiler.process(expression, literal_binds=True))
    return match.group(1) if match else None


@compiles(CreateIndex, "mysql")
def _index_of_lowered(create, compiler, **kw) -> str:
    """MariaDB indexes no expression (``CREATE INDEX ... (lower(username))`` is a syntax error):
    a unique ``lower(username)`` is a unique index of a generated column that holds it, made in
    the same statement. Case-insensitive uniqueness then holds as on the other databases."""
    index = create.element
    column = _lowered(index, compiler)
    if column is None:
        return compiler.visit_create_index(create, **kw)
    table = compiler.preparer.format_table(index.table)
    lowered = compiler.preparer.quote(lowered_column(column))
    unique = "UNIQUE " if index.unique else ""
    return (
        f"ALTER TABLE {table} ADD COLUMN {lowered} VARCHAR(255) AS "
        f"(lower({compiler.preparer.quote(column)})) STORED, "
        f"ADD {unique}INDEX {compiler.preparer.quote(index.name)} ({lowered})"
    )


@compiles(DropIndex, "mysql")
def _drop_index_of_lowered(drop, compiler, **kw) -> str:
    index = drop.element
    column = _lowered(index, compiler) if index.expressions else None
    if column is None:
        return compiler.visit_drop_index(drop, **kw)
    table = compiler.preparer.format_table(index.table)
    return (
        f"ALTER TABLE {table} DROP INDEX {compiler.preparer.quote(index.name)}, "
        f"DROP COLUMN {compiler.preparer.quote(lowered_column(column))}"
    )


def compared_with_the_models(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's ``include_object``: False for a generated ``lower(column)`` column and the
    index of it, which stand in on MariaDB for the models' index of ``lower(column)`` and can't
    be reflected as that index. Without them, comparing the models with a MariaDB database
    finds what it finds on the other databases."""
    if type_ == "column":
        return not _is_lowered(obj)
    if type_ == "index":
        indexes = (index for index in (obj, compare_to) if index is not None)
        return not any(_is_lowered(column) for index in indexes for column in index.columns)
    return True


def _is_lowered(column: sa.Column) -> bool:
    return column.computed is not None and column.name.endswith("_lower")
