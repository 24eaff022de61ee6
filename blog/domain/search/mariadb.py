"""The search index on MariaDB and MySQL: an InnoDB table with FULLTEXT indexes.

It stores the terms :mod:`~blog.domain.search.terms` made, as the other backends do, each with
:data:`PREFIX` before it: InnoDB indexes no word shorter than ``innodb_ft_min_token_size`` (3 by
default: "go", "c", each CJK character alone) and none of its stopwords ("about", "will"),
settings of the server a host may not let anyone change. ``zqgo`` and ``zqabout`` are words it
keeps. A query is written in the boolean mode's syntax with every term prefixed the same way:
nothing a reader typed reaches MariaDB's parser but letters and digits.

Ranking: the fields a post matches in, weighted as on the other databases (the title and the
tags ten times the body, the description four). A field that matches counts its weight, and up
to its weight again by how well it matches: InnoDB's relevance grows with every repetition of a
word, so unchecked a body saying "gardening" fifty times would outrank a post titled with it.
Each field has a FULLTEXT index of its own for that, and one covers all four for the match
itself. A phrase matches within a field, never from one into the next, as on PostgreSQL.

What differs: InnoDB makes a commit's words searchable at the commit, so a transaction does not
find the posts it has just written; every request commits before the next one searches.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.dialects.mysql import match

from blog.domain.search.common import forget, ranked
from blog.domain.search.query import Clause, SearchQuery

PREFIX = "zq"
WEIGHTS = {"title": 10, "tags": 10, "description": 4, "body": 1}


class MariaDBBackend:
    """A row per post, removed with it by a cascading foreign key (InnoDB fires no trigger for
    a cascade, but a cascade needs none)."""

    def __init__(self, table: str, fields: tuple[str, ...], candidates: Callable[[], int]) -> None:
        """``candidates()``: how many of the newest matches are ranked, read at each search."""
        self.fields = fields
        self._candidates = candidates
        self._name = table
        self._table = sa.table(table, sa.column("post_id"), *(sa.column(f) for f in fields))

    def create(self, bind: sa.Connection) -> None:
        columns = ", ".join(f"`{name}` MEDIUMTEXT NOT NULL" for name in self.fields)
        every = ", ".join(f"`{name}`" for name in self.fields)
        indexes = "".join(
            f", FULLTEXT INDEX ft_{self._name}_{name} (`{name}`)" for name in self.fields
        )
        bind.exec_driver_sql(
            f"CREATE TABLE {self._name} (post_id INTEGER NOT NULL PRIMARY KEY, {columns}, "
            f"FULLTEXT INDEX ft_{self._name}_all ({every}){indexes}, "
            f"CONSTRAINT fk_{self._name}_post_id FOREIGN KEY (post_id) REFERENCES posts (id) "
            "ON DELETE CASCADE) ENGINE = InnoDB CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
        )

    def drop(self, bind: sa.Connection) -> None:
        bind.exec_driver_sql(f"DROP TABLE IF EXISTS {self._name}")

    def forget(self, executor, post_ids: list[int] | None) -> None:
        forget(executor, self._table.c.post_id, post_ids)

    def store(self, executor, documents) -> None:
        rows = [
            {
                "post_id": document.post_id,
                **{
                    name: " ".join(PREFIX + t for t in document.fields[name])
                    for name in self.fields
                },
            }
            for document in documents
        ]
        if rows:
            executor.execute(sa.insert(self._table), rows)

    def narrow(self, statement: sa.Select, query: SearchQuery) -> sa.Select:
        if query.is_empty:
            return statement.where(sa.false())
        against = self.expression(query)
        scores = [self._score(name, against) for name in self.fields]
        rank = sum(scores[1:], scores[0]).label("rank")
        matches = self._newest(against, rank).subquery("matches")
        return ranked(statement, matches, matches.c.rank.desc())

    def _score(self, name: str, against: str) -> sa.ColumnElement[float]:
        """The field's weight if it matches, plus up to the weight again as the relevance
        saturates (r / (r + 1)); 0 if it doesn't."""
        relevance = match(self._table.c[name], against=against).in_boolean_mode()
        saturated = 1 + relevance / (relevance + 1)
        return WEIGHTS[name] * sa.case((relevance > 0, saturated), else_=0)

    def candidates(self, query: SearchQuery) -> sa.Subquery:
        return self._newest(self.expression(query)).subquery("candidates")

    def _newest(self, against: str, *columns) -> sa.Select:
        every = [self._table.c[name] for name in self.fields]
        return (
            sa.select(self._table.c.post_id, *columns)
            .where(match(*every, against=against).in_boolean_mode())
            .order_by(self._table.c.post_id.desc())
            .limit(self._candidates())
        )

    @staticmethod
    def expression(query: SearchQuery) -> str:
        """Boolean mode: a part's clauses each required (``+``) or excluded (``-``), each a
        quoted phrase of prefixed terms; the parts in parentheses side by side, any one enough."""

        def phrase(clause: Clause) -> str:
            return '"' + " ".join(PREFIX + t for t in clause.terms) + '"'

        def conjunction(part) -> str:
            clauses = [f"+{phrase(c)}" for c in part.wanted]
            clauses += [f"-{phrase(c)}" for c in part.excluded]
            return "(" + " ".join(clauses) + ")"

        return " ".join(conjunction(part) for part in query.alternatives)
