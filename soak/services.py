"""A PostgreSQL cluster of the run's own, on a free port of 127.0.0.1 (its redis-server is
:class:`tests.servers.RedisServer`).

The faults stop and restart them; the machine's shared PostgreSQL (5432) and Redis (6379),
which other test runs use, are never touched. PostgreSQL refuses to run as root, so as root
its commands run as the ``postgres`` user, in a folder that user owns."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
from pathlib import Path

import psycopg

from tests.servers import free_port


def postgres_binaries() -> Path:
    """The newest installed PostgreSQL's bin folder (found at run time, not a fixed version)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl is None:
        raise RuntimeError("PostgreSQL's pg_ctl is not installed (apt-get install postgresql)")
    return Path(pg_ctl).parent


class Postgres:
    """``initdb`` into ``folder``, then ``pg_ctl`` start, stop and restart on a port of its own.

    fsync is off: a fast shutdown still writes everything out, and the faults stop the server
    that way, as a restart does; only a crash of the machine would lose a commit."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "postgres.log"
        self.port = free_port()
        self.bin = postgres_binaries()
        self.as_root = os.geteuid() == 0
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/blog"

    def _run(self, *command: str, timeout: float = 120) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        done = subprocess.run(
            [*prefix, *command], timeout=timeout, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")

    def create(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
            self.folder.parent.chmod(0o711)  # a temporary folder is the creator's alone
        initdb = str(self.bin / "initdb")
        self._run(initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.start()
        with psycopg.connect(self._server_url("postgres"), autocommit=True) as connection:
            connection.execute("CREATE DATABASE blog")

    def _server_url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off "
            "-c max_connections=100"
        )
        pg_ctl = str(self.bin / "pg_ctl")
        self._run(pg_ctl, "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def answering(self) -> bool:
        try:
            psycopg.connect(self._server_url("blog"), connect_timeout=2).close()
            return True
        except psycopg.Error:
            return False

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError, subprocess.SubprocessError):
                self.stop()
