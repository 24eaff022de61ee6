"""The datasets: built once by ``flask blog seed`` and kept (SQLite files in ``bench/data/``,
PostgreSQL databases ``blog_bench_<size>``), each with a manifest of what built it, so a later
run reuses it, or only migrates it when new migrations came since.

Building the large one takes minutes; migrating it takes seconds: the manifest says which is
needed (:func:`decide`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import psycopg
from alembic.script import ScriptDirectory

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
RECIPE_VERSION = 1
"""Bumped when what a dataset holds changes in a way the manifest's numbers don't show."""


@dataclass(frozen=True)
class Recipe:
    """What ``flask blog seed`` is asked for; equal recipes build equal datasets."""

    users: int
    posts: int
    seed: int = 2024
    version: int = RECIPE_VERSION


SIZES = {
    "small": Recipe(users=100, posts=1_000),
    "large": Recipe(users=10_000, posts=1_000_000),
}


@dataclass(frozen=True)
class Dataset:
    database: str  # "sqlite" or "postgresql"
    size: str

    @property
    def recipe(self) -> Recipe:
        return SIZES[self.size]

    @property
    def name(self) -> str:
        return f"{self.database}-{self.size}"

    @property
    def url(self) -> str:
        if self.database == "sqlite":
            return f"sqlite:///{DATA / (self.size + '.db')}"
        return f"{POSTGRES}/blog_bench_{self.size}"

    @property
    def manifest_path(self) -> Path:
        return DATA / f"{self.name}.json"


@dataclass(frozen=True)
class State:
    """What the database holds now: its migration revision and the demo authors' posts."""

    revision: str | None
    posts: int


def head_revision() -> str:
    return ScriptDirectory(str(ROOT / "migrations")).get_current_head()


def known_revisions() -> set[str]:
    return {
        script.revision for script in ScriptDirectory(str(ROOT / "migrations")).walk_revisions()
    }


def decide(
    manifest: dict | None, recipe: Recipe, state: State | None, head: str, known: set[str]
) -> str:
    """``"reuse"``, ``"upgrade"`` (same content, schema behind) or ``"build"``.

    Built again when there is no database or manifest, when the manifest names another recipe,
    when the posts counted differ from the manifest's (someone wrote to it, or a build stopped
    halfway), or when the database stands at a revision these migrations don't know.
    """
    if state is None or manifest is None:
        return "build"
    if manifest.get("recipe") != asdict(recipe):
        return "build"
    if state.posts != manifest.get("counts", {}).get("posts"):
        return "build"
    if state.revision == head:
        return "reuse"
    if state.revision in known:
        return "upgrade"
    return "build"


DEMO_POSTS = (
    "SELECT count(*) FROM posts JOIN users ON users.id = posts.author_id "
    "WHERE users.username LIKE 'demo%'"
)


def _query(dataset: Dataset, sql: str) -> list[tuple]:
    if dataset.database == "sqlite":
        path = DATA / f"{dataset.size}.db"
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            return connection.execute(sql).fetchall()
    with psycopg.connect(dataset.url) as connection:
        return connection.execute(sql).fetchall()


def read_state(dataset: Dataset) -> State | None:
    """None when the database is missing or isn't the blog's."""
    if dataset.database == "sqlite" and not (DATA / f"{dataset.size}.db").exists():
        return None
    try:
        revision = _query(dataset, "SELECT version_num FROM alembic_version")
        posts = _query(dataset, DEMO_POSTS)[0][0]
    except (sqlite3.Error, psycopg.Error):
        return None
    return State(revision[0][0] if revision else None, posts)


def read_manifest(dataset: Dataset) -> dict | None:
    try:
        return json.loads(dataset.manifest_path.read_text())
    except (OSError, ValueError):
        return None


def seed_digest() -> str:
    """Which ``blog/seed.py`` built a dataset: shown in the results, not a reason to rebuild."""
    return hashlib.sha256((ROOT / "blog" / "seed.py").read_bytes()).hexdigest()[:12]


def flask(dataset: Dataset, *args: str) -> None:
    """``flask <args>`` on the dataset's database; its output (the seed's progress bar) is
    shown as it comes."""
    env = {
        **os.environ,
        "DATABASE_URL": dataset.url,
        "FLASK_APP": "blog",
        "BLOG_ENV": "development",
    }
    env.pop("FLASK_DEBUG", None)
    command = [str(Path(sys.executable).parent / "flask"), *args]
    subprocess.run(command, env=env, cwd=ROOT, check=True)


def _drop(dataset: Dataset) -> None:
    DATA.mkdir(exist_ok=True)
    dataset.manifest_path.unlink(missing_ok=True)
    if dataset.database == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            (DATA / f"{dataset.size}.db{suffix}").unlink(missing_ok=True)
        return
    name = dataset.url.rsplit("/", 1)[1]
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _analyze(dataset: Dataset) -> None:
    """PostgreSQL's autovacuum would analyze the new tables within minutes, in the middle of a
    run; done now, every run starts from the same statistics (and visibility map). SQLite is
    left as a deployment leaves it: nothing runs ANALYZE there."""
    if dataset.database == "postgresql":
        with psycopg.connect(dataset.url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")


def prepare(dataset: Dataset, rebuild: bool = False, log=print) -> dict:
    """The dataset ready at the migrations' head; returns its manifest."""
    head = head_revision()
    manifest = read_manifest(dataset)
    state = read_state(dataset)
    action = (
        "build" if rebuild else decide(manifest, dataset.recipe, state, head, known_revisions())
    )
    if action == "reuse":
        log(f"{dataset.name}: reusing ({manifest['counts']['posts']:,} posts, at {head})")
        return manifest
    if action == "upgrade":
        log(f"{dataset.name}: migrating from {state.revision} to {head}")
        started = time.monotonic()
        flask(dataset, "db", "upgrade")
        _analyze(dataset)
        manifest["head"] = head
        manifest.setdefault("upgrades", []).append(
            {"from": state.revision, "to": head, "seconds": round(time.monotonic() - started, 1)}
        )
        _write(dataset, manifest)
        return manifest
    recipe = dataset.recipe
    log(f"{dataset.name}: building {recipe.posts:,} posts by {recipe.users:,} users")
    _drop(dataset)
    started = time.monotonic()
    flask(dataset, "db", "upgrade")
    seeding = time.monotonic()
    flask(
        dataset,
        "blog",
        "seed",
        "--users",
        str(recipe.users),
        "--posts",
        str(recipe.posts),
        "--seed",
        str(recipe.seed),
    )
    seeded = time.monotonic()
    _analyze(dataset)
    from bench.fixtures import find_fixtures  # the queries that pick what each endpoint asks for

    manifest = {
        "dataset": dataset.name,
        "recipe": asdict(recipe),
        "head": head,
        "seed_digest": seed_digest(),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": {
            "migrate": round(seeding - started, 1),
            "seed": round(seeded - seeding, 1),
            "analyze": round(time.monotonic() - seeded, 1),
            "total": round(time.monotonic() - started, 1),
        },
        "counts": counts(dataset),
        "fixtures": find_fixtures(lambda sql: _query(dataset, sql)),
    }
    _write(dataset, manifest)
    log(f"{dataset.name}: built in {manifest['build_seconds']['total']:.0f} s")
    return manifest


COUNTED = ("users", "posts", "comments", "favorites", "follows", "tags", "post_tags")


def counts(dataset: Dataset) -> dict:
    found = {table: _query(dataset, f"SELECT count(*) FROM {table}")[0][0] for table in COUNTED}
    found["published"] = _query(dataset, "SELECT count(*) FROM posts WHERE status = 'published'")[
        0
    ][0]
    found["posts"] = _query(dataset, DEMO_POSTS)[0][0]
    return found


def _write(dataset: Dataset, manifest: dict) -> None:
    DATA.mkdir(exist_ok=True)
    dataset.manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
