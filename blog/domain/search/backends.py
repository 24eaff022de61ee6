"""Where the terms are kept and matched: an FTS5 table on SQLite, a ``tsvector`` column with a
GIN index on PostgreSQL, FULLTEXT indexes on MariaDB and MySQL (:mod:`.mariadb`), behind one
small interface (:class:`Backend`).

All store the terms :mod:`~blog.domain.search.terms` made, never the database's own parsing of
the text, and all are asked the same :class:`~blog.domain.search.query.SearchQuery`, turned into
their own syntax with every term quoted: nothing a reader typed reaches their parsers.

Ranking: a match in the title or the tags counts most, then the description, then the body
(FTS5's bm25 of each column, weighted; PostgreSQL's ``ts_rank`` with weights A, B and C).

Only the :data:`CANDIDATES` newest matches (by when the post was written) are ranked. Ranking
every match of a common word read every one of them: at a million posts a search for "python"
ranked a hundred thousand rows and took seconds. The newest matches are read in the index's own
order and it stops there, so a search costs about the same on any size of blog; a rarer word
has fewer matches than that, and all of them are ranked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR

from blog.domain.search.common import forget, ranked
from blog.domain.search.mariadb import MariaDBBackend
from blog.domain.search.query import Clause, SearchQuery
from blog.models import Post

CANDIDATES = 1_000
"""How many of the newest matches of a search are ranked (and counted)."""

TABLE = "post_search"
FIELDS = ("title", "tags", "description", "body")
"""The index's table (its DDL below spells it out) and the fields of a document, in order."""


def not_an_index_table(name: str | None, type_: str, parent_names) -> bool:
    """False for the index's tables (FTS5 adds its own, ``post_search_data`` and so on): no
    model describes them, so comparing the models with the database must leave them out
    (Alembic's ``include_name``)."""
    return not (type_ == "table" and name is not None and name.startswith(TABLE))


@dataclass(frozen=True)
class Document:
    """A post as the index sees it: the terms of each of :data:`FIELDS`."""

    post_id: int
    fields: dict[str, list[str]]


class Backend(Protocol):
    def create(self, bind: sa.Connection) -> None: ...

    def drop(self, bind: sa.Connection) -> None: ...

    def forget(self, executor, post_ids: list[int] | None) -> None:
        """Remove the documents of ``post_ids``; None: every document."""

    def store(self, executor, documents: list[Document]) -> None: ...

    def narrow(self, statement: sa.Select, query: SearchQuery) -> sa.Select:
        """``statement`` (of posts) limited to those matching ``query``, best first."""

    def candidates(self, query: SearchQuery) -> sa.Subquery:
        """The ids (``post_id``) of the :data:`CANDIDATES` newest matches, unranked."""


def public_total(backend: Backend, query: SearchQuery) -> sa.ScalarSelect:
    """How many of the candidates of ``query`` are public posts, as a column: counted from the
    candidates, each post looked up by its key. (A count of the ranked list itself let SQLite,
    whose sampled statistics take "published" for a few thousand rows, drive it from every
    public post instead: 90 ms at a million posts.)"""
    if query.is_empty:
        return sa.literal(0)
    found = backend.candidates(query)
    public = sa.select(Post.id).where(Post.id == found.c.post_id, Post.is_public).exists()
    return sa.select(sa.func.count()).select_from(found).where(public).scalar_subquery()


class SQLiteBackend:
    """An FTS5 table whose rowid is the post's id; a trigger forgets a deleted post, also when
    its author's deletion removes it (SQLite fires triggers for foreign-key cascades)."""

    WEIGHTS = (10.0, 10.0, 4.0, 1.0)  # in FIELDS order
    _table = sa.table(TABLE, sa.column("rowid"), *(sa.column(name) for name in FIELDS))
    _match_target = sa.literal_column(TABLE)

    def create(self, bind: sa.Connection) -> None:
        bind.exec_driver_sql(
            "CREATE VIRTUAL TABLE post_search USING fts5(title, tags, description, body, "
            "tokenize = 'unicode61 remove_diacritics 0')"
        )
        bind.exec_driver_sql(
            "CREATE TRIGGER post_search_forget_post AFTER DELETE ON posts "
            "BEGIN DELETE FROM post_search WHERE rowid = old.id; END"
        )

    def drop(self, bind: sa.Connection) -> None:
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS post_search_forget_post")
        bind.exec_driver_sql("DROP TABLE IF EXISTS post_search")

    def forget(self, executor, post_ids: list[int] | None) -> None:
        forget(executor, self._table.c.rowid, post_ids)

    def store(self, executor, documents: list[Document]) -> None:
        rows = [
            {"rowid": d.post_id, **{name: " ".join(d.fields[name]) for name in FIELDS}}
            for d in documents
        ]
        if rows:
            executor.execute(sa.insert(self._table), rows)

    def narrow(self, statement: sa.Select, query: SearchQuery) -> sa.Select:
        if query.is_empty:
            return statement.where(sa.false())
        matches = self._newest(query, self.rank().label("rank")).subquery("matches")
        return ranked(statement, matches, matches.c.rank)

    def candidates(self, query: SearchQuery) -> sa.Subquery:
        return self._newest(query).subquery("candidates")

    def _newest(self, query: SearchQuery, *columns) -> sa.Select:
        return (
            sa.select(self._table.c.rowid.label("post_id"), *columns)
            .where(self._match_target.op("MATCH")(self.expression(query)))
            .order_by(self._table.c.rowid.desc())
            .limit(CANDIDATES)
        )

    @classmethod
    def rank(cls):
        """bm25 of each field on its own, weighted, summed (lower is better). bm25's own column
        weights only scale how often a term occurs, and its saturation then evens them out: a
        word fifty times in the body outranked it once in the title."""
        alone = [[float(i == j) for j in range(len(FIELDS))] for i in range(len(FIELDS))]
        scores = [
            weight * sa.func.bm25(cls._match_target, *only)
            for weight, only in zip(cls.WEIGHTS, alone, strict=True)
        ]
        return sum(scores[1:], scores[0])

    @staticmethod
    def expression(query: SearchQuery) -> str:
        """FTS5's query syntax: each clause a quoted string (a phrase of its terms)."""

        def quoted(clause: Clause) -> str:
            return '"' + " ".join(clause.terms) + '"'

        def conjunction(part) -> str:
            expression = "(" + " AND ".join(quoted(clause) for clause in part.wanted) + ")"
            for clause in part.excluded:
                expression = f"({expression} NOT {quoted(clause)})"
            return expression

        return " OR ".join(conjunction(part) for part in query.alternatives)


class PostgresBackend:
    """A table of one ``tsvector`` per post, GIN-indexed, removed with its post by a cascading
    foreign key. Vectors and queries are written as literals (``'term':3A``), so PostgreSQL's
    own text parsing and stemming never run: the terms are those SQLite gets."""

    POSITION_MAX = 16_383  # PostgreSQL's largest position
    POSITIONS_PER_TERM = 256  # and how many it keeps for one term
    WEIGHTS = {"title": "A", "tags": "A", "description": "B", "body": "C"}
    _table = sa.table(TABLE, sa.column("post_id"), sa.column("document"))

    def create(self, bind: sa.Connection) -> None:
        bind.exec_driver_sql(
            "CREATE TABLE post_search (post_id INTEGER PRIMARY KEY "
            "REFERENCES posts (id) ON DELETE CASCADE, document TSVECTOR NOT NULL)"
        )
        bind.exec_driver_sql(
            "CREATE INDEX ix_post_search_document ON post_search USING gin (document)"
        )

    def drop(self, bind: sa.Connection) -> None:
        bind.exec_driver_sql("DROP TABLE IF EXISTS post_search")

    def forget(self, executor, post_ids: list[int] | None) -> None:
        forget(executor, self._table.c.post_id, post_ids)

    def store(self, executor, documents: list[Document]) -> None:
        rows = [{"post_id": d.post_id, "document": self.vector(d)} for d in documents]
        if rows:
            insert = sa.insert(self._table).values(
                post_id=sa.bindparam("post_id"),
                document=sa.cast(sa.bindparam("document"), TSVECTOR),
            )
            executor.execute(insert, rows)

    def narrow(self, statement: sa.Select, query: SearchQuery) -> sa.Select:
        if query.is_empty:
            return statement.where(sa.false())
        tsquery = self._tsquery(query)
        rank = sa.func.ts_rank(self._table.c.document, tsquery).label("rank")
        matches = self._newest(tsquery, rank).subquery("matches")
        return ranked(statement, matches, matches.c.rank.desc())

    def candidates(self, query: SearchQuery) -> sa.Subquery:
        return self._newest(self._tsquery(query)).subquery("candidates")

    def _tsquery(self, query: SearchQuery):
        return sa.cast(sa.literal(self.expression(query)), TSQUERY)

    def _newest(self, tsquery, *columns) -> sa.Select:
        return (
            sa.select(self._table.c.post_id, *columns)
            .where(self._table.c.document.op("@@")(tsquery))
            .order_by(self._table.c.post_id.desc())
            .limit(CANDIDATES)
        )

    @classmethod
    def vector(cls, document: Document) -> str:
        """The tsvector literal of ``document``: each term with its positions and weight. A
        position is skipped between fields, so no phrase runs from one field into the next."""
        positions: dict[str, list[str]] = {}
        position = 0
        for name in FIELDS:
            weight = cls.WEIGHTS[name]
            for found in document.fields[name]:
                position = min(position + 1, cls.POSITION_MAX)
                kept = positions.setdefault(found, [])
                if len(kept) < cls.POSITIONS_PER_TERM:
                    kept.append(f"{position}{weight}")
            position += 1
        return " ".join(f"{_quoted(t)}:{','.join(p)}" for t, p in positions.items())

    @staticmethod
    def expression(query: SearchQuery) -> str:
        """A tsquery literal: ``<->`` within a phrase, ``&`` within a part, ``|`` between."""

        def phrase(clause: Clause) -> str:
            return "(" + " <-> ".join(_quoted(t) for t in clause.terms) + ")"

        def conjunction(part) -> str:
            clauses = [phrase(c) for c in part.wanted] + [f"!{phrase(c)}" for c in part.excluded]
            return "(" + " & ".join(clauses) + ")"

        return " | ".join(conjunction(part) for part in query.alternatives)


def _quoted(found: str) -> str:
    return "'" + found.replace("\\", "\\\\").replace("'", "''") + "'"


_BACKENDS: dict[str, Backend] = {
    "sqlite": SQLiteBackend(),
    "postgresql": PostgresBackend(),
    "mysql": MariaDBBackend(TABLE, FIELDS, lambda: CANDIDATES),
}


def backend_for(bind) -> Backend:
    """The backend of a connection's, engine's or session's database."""
    dialect = bind.get_bind().dialect if hasattr(bind, "get_bind") else bind.dialect
    try:
        return _BACKENDS[dialect.name]
    except KeyError:
        raise NotImplementedError(f"search has no index for {dialect.name} yet") from None
