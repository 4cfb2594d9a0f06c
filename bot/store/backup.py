"""Copies of the SQLite database taken while the bot runs, with SQLite's online backup API.

Copying the file is unsafe while the bot writes (its `-wal` companion holds the newest
commits); the backup API reads every page inside one read transaction instead, so the
copy is the database as of one commit, and in WAL mode the bot goes on writing meanwhile.
PostgreSQL is backed up with its own `pg_dump`, which also runs beside the bot.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Sorted by name is sorted by time.
STAMP = "%Y%m%dT%H%M%SZ"


class BackupFailed(Exception):
    """Why no backup was made, as one line for the operator; nothing is left behind."""


@dataclass(frozen=True)
class Backup:
    source: Path
    path: Path
    size: int
    schema_version: int

    def summary(self) -> str:
        return (
            f"backed up {self.source} to {self.path} ({self.size / 2**20:.1f} MiB,"
            f" schema version {self.schema_version}, integrity ok)"
        )


def default_target(database: Path, now: datetime) -> Path:
    """`backups/tandem-20261207T164800Z.db` beside the database, at `now` (UTC)."""
    return database.parent / "backups" / f"tandem-{now:{STAMP}}.db"


def backup_sqlite(database: Path, target: Path) -> Backup:
    """A verified copy of the SQLite file `database` at `target`.

    The copy is made as `<target>.partial`, turned into one self-contained file (no
    `-wal` beside it), checked with `PRAGMA integrity_check`, and only then named
    `target`: a name in the backups folder is always a whole, sound database. An
    existing `target` is never overwritten.
    """
    try:
        _refuse_missing_or_existing(database, target)
    except OSError as error:  # a folder Tandem may not look into
        raise BackupFailed(f"cannot back up {database} to {target}: {error}") from error
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy(database, partial)
        version = _verify(partial)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as error:
        _discard(partial)
        raise BackupFailed(f"cannot back up {database} to {target}: {error}") from error
    except BaseException:
        _discard(partial)
        raise
    return Backup(database, target, target.stat().st_size, version)


def _refuse_missing_or_existing(database: Path, target: Path) -> None:
    """No source to copy, or a backup that would be overwritten: nothing is written."""
    if not database.is_file():
        raise BackupFailed(f"no SQLite database at {database}")
    if target.exists():
        raise BackupFailed(f"{target} already exists; name another with --to")


def _discard(partial: Path) -> None:
    """Remove a copy that failed, if there is one: its folder may be what failed."""
    with suppress(OSError):
        partial.unlink(missing_ok=True)


def _copy(database: Path, partial: Path) -> None:
    # mode=rw: a database that vanished since the check is an error, not a new empty file.
    source = sqlite3.connect(f"{database.resolve().as_uri()}?mode=rw", uri=True)
    with closing(source), closing(sqlite3.connect(partial)) as copy:
        source.backup(copy)  # every page in one step: one read transaction, one commit
        copy.execute("PRAGMA journal_mode=DELETE")


def _verify(partial: Path) -> int:
    """The copy's schema version, once SQLite found every page and index sound."""
    with closing(sqlite3.connect(partial)) as copy:
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupFailed(f"the copy failed its integrity check: {problems[0]}")
        return int(
            copy.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
        )


def pg_dump_advice(url: str, now: datetime) -> str:
    """The line pointing a PostgreSQL operator at `pg_dump`, with a command to paste.

    The URL keeps its user, host, port, database and options but never a password
    (`PGPASSWORD` or `~/.pgpass` supply it, so the shell's history does not keep it).
    """
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    user = f"{parts.username}@" if parts.username else ""
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "password"])
    safe = urlunsplit((parts.scheme, user + host, parts.path, query, ""))
    dump = f"tandem-{now:{STAMP}}.dump"
    return (
        "backup copies SQLite only; this database is PostgreSQL: back it up with"
        f" pg_dump -Fc -f {dump} {shlex.quote(safe)} (pg_restore brings it back)"
    )
