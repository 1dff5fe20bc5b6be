"""PostgreSQL's programs: pg_dump / pg_restore for `formkit backup` and `formkit restore`, and
initdb / pg_ctl for a throwaway server (the test suite's, or a trial on one computer).

The server programs refuse to run as root; when formkit runs as root (CI, a container) they
run as the `postgres` account through runuser, and the data folder is given to it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from formkit.catalogue import say
from formkit.errors import ExternalProgramError

TIMEOUT_S = 600.0


def find(program: str) -> str:
    """The path of a PostgreSQL program: on PATH, or in Debian's versioned folder (the
    newest version first)."""
    found = shutil.which(program)
    if found:
        return found
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda p: int(Path(p).parent.name) if Path(p).parent.name
                         .isdigit() else 0, reverse=True):
        candidate = Path(folder) / program
        if candidate.exists():
            return str(candidate)
    raise ExternalProgramError(
        say("error.postgres.missing", program=program), hint=say("hint.postgres.install"))


def run(args: list[str], *, env: dict[str, str] | None = None, as_user: str | None = None,
        timeout: float = TIMEOUT_S, what: str = "") -> subprocess.CompletedProcess:
    """Run a PostgreSQL program; a failure becomes ExternalProgramError with its message."""
    cmd = list(args)
    if as_user:
        cmd = ["runuser", "-u", as_user, "--", *cmd]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise ExternalProgramError(
            say("error.postgres.timeout", program=Path(args[0]).name, seconds=f"{timeout:.0f}",
                what=what),
            hint=say("hint.postgres.server_answers")) from exc
    except OSError as exc:
        raise ExternalProgramError(
            say("error.postgres.start", program=args[0], reason=exc.strerror)) from exc
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise ExternalProgramError(
            say("error.postgres.failed", program=Path(args[0]).name, what=what,
                detail=" ".join(message[-3:]) or done.returncode),
            hint=say("hint.postgres.check_server"))
    return done


def _server_user() -> str | None:
    """None when not root; else the account the server programs run as."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise ExternalProgramError(
            say("error.postgres.no_account"), hint=say("hint.postgres.account")) from exc
    return "postgres"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A PostgreSQL server of its own on 127.0.0.1 with a trusted superuser `formkit`."""

    folder: Path
    port: int
    user: str | None

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://formkit@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        run([find("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
            as_user=self.user, timeout=60, what=" (stopping the server)")


def start_server(folder: Path | None = None, timeout: float = 60.0) -> Server:
    """initdb and start a server in `folder` (created; by default a new folder in the
    system's temporary folder, which the postgres account can reach when formkit runs as
    root); stop it with Server.stop(), then remove Server.folder."""
    import tempfile

    user = _server_user()
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="formkit-pg-"))
    folder.mkdir(parents=True, exist_ok=True)
    if user:
        info = pwd.getpwnam(user)
        os.chown(folder, info.pw_uid, info.pw_gid)
        # runuser keeps the working directory: one the postgres account may enter
        os.chmod(folder, 0o700)
    server = Server(folder, free_port(), user)
    run([find("initdb"), "-D", str(server.data), "-U", "formkit", "--auth=trust",
         "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], as_user=user, timeout=timeout,
        what=" (creating the test server's data folder)")
    options = (f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c max_connections=60")
    run([find("pg_ctl"), "-D", str(server.data), "-o", options, "-l",
         str(folder / "server.log"), "-w", "-t", str(int(timeout)), "start"],
        as_user=user, timeout=timeout + 10, what=" (starting the test server)")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:  # -w waits already; the socket check is cheap
        try:
            socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    raise ExternalProgramError(say("error.postgres.test_server_timeout"))


def _libpq(url) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for a SQLAlchemy URL, and the password as PGPASSWORD (a
    password on the command line would show in the process list)."""
    env = {"PGPASSWORD": url.password} if url.password else {}
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def dump(url, target: Path) -> None:
    """pg_dump of the whole database in the custom format (pg_restore reads it)."""
    conninfo, env = _libpq(url)
    run([find("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
         f"--file={target}", f"--dbname={conninfo}"], env=env, what=" (backup)")


def restore(url, source: Path) -> None:
    """pg_restore into the database, replacing its tables, in one transaction: a failure
    leaves the database as it was."""
    conninfo, env = _libpq(url)
    run([find("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
         "--single-transaction", "--exit-on-error", f"--dbname={conninfo}", str(source)],
        env=env, what=" (restore)")


def is_dump(path: Path) -> bool:
    """A pg_dump custom-format archive (it starts with PGDMP)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(5) == b"PGDMP"
    except OSError:
        return False
