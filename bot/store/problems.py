"""Why a database would not open, as one line an operator can act on.

Opening the store fails for reasons no code change fixes: PostgreSQL is down, the URL
names a database or role that does not exist, the SQLite file's folder cannot be
written, the disk is full. Those become `DatabaseUnavailable`, whose `line` names the
place, the setting and what to do; anything else stays a bug with its traceback. Only
an unreachable PostgreSQL may come back by itself, so only it carries an `Outage` for
the bot to retry; `--check` and `copy-database` stop on it like on the rest.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import asyncpg

URL_SETTING = "TANDEM_DATABASE_URL"
PATH_SETTING = "TANDEM_DATABASE_PATH"

# PostgreSQL is down, starting, restarting or full of clients: waiting may heal it.
_PG_OUTAGES = (
    OSError,  # refused, DNS, timeouts (TimeoutError is an OSError since 3.11)
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
)
_PG_REFUSED_LOGIN = (asyncpg.InvalidPasswordError, asyncpg.InvalidAuthorizationSpecificationError)
_PG_DISK = (asyncpg.DiskFullError, asyncpg.ReadOnlySQLTransactionError)


@dataclass(frozen=True)
class Outage:
    """PostgreSQL did not answer: where, and why in the network's words."""

    place: str
    reason: str

    @property
    def subject(self) -> str:
        return f"the database at {self.place}"


class DatabaseUnavailable(Exception):
    """The database could not be opened for a reason the operator can fix or wait out."""

    def __init__(self, line: str, outage: Outage | None = None) -> None:
        super().__init__(line)
        self.line = line
        self.outage = outage


def one_line(error: BaseException) -> str:
    """The error's type and text on one line, as a log line must be."""
    text = " ".join(str(error).split())
    name = type(error).__name__
    return f"{name}: {text}" if text else name


def masked(url: str) -> str:
    """`url` as it may be shown: its password, if any, replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user_info, _, place = parts.netloc.rpartition("@")
    user = user_info.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{place}"))


def postgres_problem(error: Exception, url: str, setting: str) -> DatabaseUnavailable | None:
    """The line for what stopped PostgreSQL at `url` (read from `setting`), if not a bug.

    The password never shows: the URL is masked and, should a server's message ever
    repeat it, it is cut from the line as well.
    """
    parts = urlsplit(url)
    host, port = parts.hostname or "localhost", parts.port or 5432
    place, shown = f"{host}:{port}", f"{setting} ({masked(url)})"
    name, user = parts.path.strip("/"), parts.username or "postgres"
    problem: DatabaseUnavailable | None = None
    if isinstance(error, _PG_OUTAGES):
        outage = Outage(place, one_line(error))
        problem = DatabaseUnavailable(
            f"{outage.subject} is unreachable ({outage.reason}): start PostgreSQL there,"
            f" or correct the host and port in {shown}",
            outage,
        )
    elif isinstance(error, asyncpg.InvalidCatalogNameError):
        problem = DatabaseUnavailable(
            f'the database "{name}" does not exist on the PostgreSQL server at {place}:'
            f" create it (as a PostgreSQL superuser: createdb -h {host} -p {port} -O {user}"
            f" {name}), or correct its name in {shown}"
        )
    elif isinstance(error, _PG_REFUSED_LOGIN):
        problem = DatabaseUnavailable(
            f'the PostgreSQL server at {place} refused the role "{user}" ({one_line(error)}):'
            f" correct the user and password in {shown}, or create that role"
        )
    elif isinstance(error, asyncpg.InsufficientPrivilegeError):
        problem = DatabaseUnavailable(
            f'the role "{user}" may not create Tandem\'s tables in the database "{name}" at'
            f" {place} ({one_line(error)}): make it the owner (ALTER DATABASE {name} OWNER"
            f" TO {user}; ALTER SCHEMA public OWNER TO {user}), or use another role in {shown}"
        )
    elif isinstance(error, _PG_DISK):
        problem = DatabaseUnavailable(
            f'the PostgreSQL server at {place} cannot write the database "{name}"'
            f" ({one_line(error)}): free disk space on it, or point {shown} at the primary"
            " server rather than a read-only standby"
        )
    if problem is None or not parts.password:
        return problem
    secrets = (parts.password, unquote(parts.password))  # as written, and as sent
    seen = problem.outage  # its reason is logged on every retry
    kept = None if seen is None else Outage(seen.place, _without(seen.reason, secrets))
    return DatabaseUnavailable(_without(problem.line, secrets), kept)


def _without(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def sqlite_problem(error: Exception, path: Path, setting: str) -> DatabaseUnavailable | None:
    """The line for what stopped the SQLite file at `path` (read from `setting`), if not a bug."""
    where = path.absolute()
    kind = _sqlite_kind(error, where)
    if kind is None:
        return None
    line = _SQLITE_LINES[kind].format(where=where, reason=one_line(error), setting=setting)
    return DatabaseUnavailable(line)


_SQLITE_LINES = {
    "folder": (
        "{setting} names a folder, {where}, not a file: name a file in it, e.g. {where}/tandem.db"
    ),
    "open": (
        "cannot create or open the SQLite database at {where} ({reason}): let the user running"
        " Tandem create files in its folder, or set {setting} to a file in a writable folder"
    ),
    "read-only": (
        "cannot write the SQLite database at {where} ({reason}): make its disk writable and"
        " let the user running Tandem write the file and its folder, or set {setting} to a"
        " writable place"
    ),
    "full": (
        "the disk holding the SQLite database at {where} is full ({reason}): free some space"
        " there, or set {setting} to a file on another disk"
    ),
    "io": (
        "reading or writing the SQLite database at {where} failed ({reason}): check the disk"
        " holding it (free space, errors in the system log), then start again"
    ),
    "locked": (
        "another process holds the SQLite database at {where} ({reason}): stop the other"
        " Tandem (one SQLite file serves one process; use TANDEM_DATABASE_URL for several)"
    ),
    "not a database": (
        "{where} is not an SQLite database ({reason}): set {setting} to Tandem's database"
        " file, or move this file away to start with a new, empty one"
    ),
    "damaged": (
        "the SQLite database at {where} is damaged ({reason}): restore it from a backup, or"
        " move it away to start with a new, empty one"
    ),
}

_SQLITE_CODES = {
    sqlite3.SQLITE_CANTOPEN: "open",
    sqlite3.SQLITE_PERM: "open",
    sqlite3.SQLITE_AUTH: "open",
    sqlite3.SQLITE_READONLY: "read-only",
    sqlite3.SQLITE_FULL: "full",
    sqlite3.SQLITE_IOERR: "io",
    sqlite3.SQLITE_BUSY: "locked",
    sqlite3.SQLITE_LOCKED: "locked",
    sqlite3.SQLITE_NOTADB: "not a database",
    sqlite3.SQLITE_CORRUPT: "damaged",
}
_ERRNOS = {errno.ENOSPC: "full", errno.EDQUOT: "full", errno.EROFS: "read-only"}


def _sqlite_kind(error: Exception, where: Path) -> str | None:
    """Which of `_SQLITE_LINES` fits; the disk itself is asked when the error is vague."""
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        kind = None if code is None else _SQLITE_CODES.get(code & 0xFF)
    elif isinstance(error, OSError):
        kind = _ERRNOS.get(error.errno or 0, "open")
    else:
        return None
    if kind in {"open", "io"} and os.path.isdir(where):
        return "folder"
    if kind in {"open", "io", "read-only"} and (disk := _disk(where)) is not None:
        if disk.f_flag & os.ST_RDONLY:
            return "read-only"
        if disk.f_blocks and not disk.f_bavail:
            return "full"
    return kind


def _disk(where: Path) -> os.statvfs_result | None:
    """The file system of the nearest folder of `where` that exists (None if none answers)."""
    for folder in where.parents:
        try:
            return os.statvfs(folder)
        except OSError:
            continue
    return None
