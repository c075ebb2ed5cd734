"""A private PostgreSQL server in a folder, on a local socket only: what the tests, the
benchmarks and ``cinq demo`` run a station's network on.

It is Debian's own server (the ``postgresql`` package), started with ``initdb`` and
``pg_ctl`` in a data folder of its own: no TCP port is opened
(``listen_addresses=''``), clients come in through a Unix socket in the same folder,
and local connections are trusted, so it is a server for one machine's tests and
demonstrations, never one to expose. A station in real use is given the address of a
server its administrators run (``--db postgresql://...``).

PostgreSQL refuses to run as root; when the caller is root (a CI container), the
server runs as the ``postgres`` user the package created, on folders given to it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from ..errors import CinqError

#: The database superuser the server is created with (trust, socket only).
SUPERUSER = "cinq"
_RUN_AS = "postgres"


class NoPostgres(CinqError):
    """The PostgreSQL server programs are not installed (or would not start)."""

    exit_code = 2


def server_bin() -> Path:
    """The folder of the newest installed server's programs (Debian installs them in
    ``/usr/lib/postgresql/VERSION/bin``, out of ``PATH``)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent
    raise NoPostgres("PostgreSQL is not installed: no pg_ctl (Debian package postgresql)")


@dataclass
class LocalPostgres:
    """A server whose data, socket and log live under ``folder``.

    ``with LocalPostgres.start(folder) as pg: ... pg.url("station")``; :meth:`stop`
    (also at the end of the block) shuts it down, :meth:`restart` stops it fast (open
    transactions are rolled back, as after a crash of the clients) and starts it again.
    """

    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    @classmethod
    def start(cls, folder: Path, *, port: int = 54329) -> LocalPostgres:
        """Create (``initdb``) and start a server under ``folder`` (made if missing)."""
        server = cls(Path(folder).resolve(), port)
        server._init()
        server._pg_ctl("start")
        return server

    def url(self, database: str = "postgres", *, user: str = SUPERUSER) -> str:
        """A ``postgresql://`` address of ``database`` on this server's socket."""
        return f"postgresql://{user}@/{database}?host={self.socket_dir}&port={self.port}"

    def create_database(self, name: str) -> str:
        """Create database ``name``; its :meth:`url`."""
        self.psql("postgres", f'CREATE DATABASE "{name}"')
        return self.url(name)

    def psql(self, database: str, sql: str) -> str:
        """Run ``sql`` as the superuser with ``psql``; its output."""
        return self._run(
            "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
            "-h", str(self.socket_dir), "-p", str(self.port), "-U", SUPERUSER,
            "-d", database, "-c", sql,
        )  # fmt: skip

    def dump(self, database: str) -> bytes:
        """``pg_dump`` of ``database`` (plain SQL), as bytes."""
        cmd = self._cmd(
            "pg_dump", "-h", str(self.socket_dir), "-p", str(self.port), "-U", SUPERUSER, database
        )
        try:
            return subprocess.run(cmd, check=True, capture_output=True).stdout
        except subprocess.CalledProcessError as exc:
            raise NoPostgres(
                f"pg_dump failed: {exc.stderr.decode(errors='replace').strip()}"
            ) from None

    def restart(self) -> None:
        """Stop fast (clients cut off, their open transactions rolled back) and start."""
        self._pg_ctl("stop", "-m", "fast")
        self._pg_ctl("start")

    def stop(self) -> None:
        """Shut the server down (idempotent)."""
        if (self.data / "postmaster.pid").exists():
            self._pg_ctl("stop", "-m", "fast")

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, typ: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- the programs -----------------------------------------------------------------

    def _init(self) -> None:
        if _as_root():  # the postgres user must be able to walk down to its folders
            _traversable(self.folder)
        for d in (self.folder, self.data, self.socket_dir):
            d.mkdir(parents=True, exist_ok=True)
            if _as_root():
                shutil.chown(d, _RUN_AS, _RUN_AS)
        self.data.chmod(0o700)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", SUPERUSER, "--no-sync")

    def _pg_ctl(self, *args: str) -> None:
        options = f"-k {self.socket_dir} -c listen_addresses='' -p {self.port}"
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"),
            "-w", *args,
        )  # fmt: skip

    def _cmd(self, program: str, *args: str) -> list[str]:
        cmd = [str(server_bin() / program), *args]
        return ["runuser", "-u", _RUN_AS, "--", *cmd] if _as_root() else cmd

    def _run(self, program: str, *args: str) -> str:
        try:
            done = subprocess.run(
                self._cmd(program, *args), check=True, capture_output=True, text=True
            )
        except subprocess.CalledProcessError as exc:
            raise NoPostgres(f"{program} failed: {(exc.stderr or exc.stdout).strip()}") from None
        return done.stdout


def _as_root() -> bool:
    return os.geteuid() == 0


def _traversable(folder: Path) -> None:
    """Let other users pass through (search, not list: ``o+x``) each existing
    ancestor of ``folder`` that does not let them, e.g. a private temporary folder."""
    for d in reversed(folder.parents):
        mode = d.stat().st_mode
        if not mode & 0o001:
            d.chmod((mode & 0o7777) | 0o001)
