"""The store's one door to its database: connections, transactions and migrations.

Store modules speak to a `Connection`, never to a driver, so the same SQL runs on the
embedded SQLite file and on PostgreSQL. They write named (`:name`) or positional (`?`)
placeholders and the SQL both engines share; an engine translates what it must.
"""

from __future__ import annotations

import asyncio
import importlib
import re
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

from bot.log import get
from bot.matching import course_key

log = get("store")

Params = Sequence[Any] | dict[str, Any]
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.(sql|py)$")
MIGRATIONS = "bot.store.migrations"


class Row(Protocol):
    """A result row, read by column name (or, for one-column reads, by position)."""

    def __getitem__(self, key: str | int, /) -> Any: ...

    def keys(self) -> Iterable[str]: ...


class IntegrityError(Exception):
    """A constraint refused a change, whichever engine refused it."""


class Connection(ABC):
    """One connection, inside a transaction when given by `Database.transaction`."""

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns how many rows it changed."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement once per parameter set."""

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]


class SQLiteConnection(Connection):
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._conn = connection

    async def execute(self, sql: str, params: Params = ()) -> int:
        with _integrity(sqlite3.IntegrityError):
            cursor = await self._conn.execute(sql, params)
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        with _integrity(sqlite3.IntegrityError):
            await self._conn.executemany(sql, rows)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        with _integrity(sqlite3.IntegrityError):
            return list(await self._conn.execute_fetchall(sql, params))


@contextmanager
def _integrity(driver_error: type[Exception]) -> Iterator[None]:
    """Re-raise the driver's constraint error as the store's own."""
    try:
        yield
    except driver_error as error:
        raise IntegrityError(str(error)) from error


class Database:
    """Serialises access to the single connection.

    aiosqlite runs every statement on one thread, but coroutines interleave between
    statements; the lock keeps one coroutine's transaction from seeing or swallowing
    another's statements.
    """

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._raw = connection
        self._conn = SQLiteConnection(connection)
        self._lock = asyncio.Lock()
        self.revision = 0
        self._open = True

    @classmethod
    async def open(cls, path: Path | str, now: datetime) -> Database:
        """Connect and bring the schema up to date; `now` is when migrations run."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(str(path), isolation_level=None)
        connection.row_factory = aiosqlite.Row
        # Migrations re-key stored course names with the same rule the code applies.
        await connection.create_function("tandem_course_key", 1, course_key, deterministic=True)
        await connection.executescript(
            "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
            " PRAGMA synchronous=NORMAL;"
        )
        database = cls(connection)
        await database.migrate(now)
        return database

    async def close(self) -> None:
        """Idempotent, so shutdown paths need not know who closed first."""
        if self._open:
            self._open = False
            await self._raw.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """All statements inside commit together or not at all."""
        async with self._lock:
            await self._raw.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._raw.rollback()
                raise
            await self._raw.commit()
            self.revision += 1

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._lock:
            return await self._conn.fetch_all(sql, params)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def migrate(self, now: datetime) -> list[int]:
        """Apply each numbered migration once, in order; returns those applied now.

        A migration is SQL (`NNNN_name.sql`) or, where it needs the domain's rules or
        the time, Python (`NNNN_name.py` with `async def migrate(conn, now)`).
        """
        async with self.transaction() as conn:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)"
            )
            done = {
                row["version"] for row in await conn.fetch_all("SELECT version FROM schema_version")
            }
            applied = []
            for version, name in _migrations():
                if version in done:
                    continue
                await _apply(conn, name, now)
                await conn.execute("INSERT INTO schema_version(version) VALUES (?)", (version,))
                applied.append(version)
        if applied:
            log.info("applied migrations %s", applied)
        return applied

    async def schema_version(self) -> int:
        return int(await self.fetch_value("SELECT COALESCE(MAX(version), 0) FROM schema_version"))


def _migrations() -> list[tuple[int, str]]:
    """(version, file name) of every migration, in order."""
    folder = resources.files(MIGRATIONS)
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name))
    return sorted(found)


async def _apply(conn: Connection, name: str, now: datetime) -> None:
    if name.endswith(".py"):
        module = importlib.import_module(f"{MIGRATIONS}.{name.removesuffix('.py')}")
        await module.migrate(conn, now)
        return
    script = (resources.files(MIGRATIONS) / name).read_text(encoding="utf-8")
    for statement in split_statements(script):
        await conn.execute(statement)


def split_statements(script: str) -> Iterable[str]:
    """Split a migration into statements, keeping a trigger's `BEGIN ... END;` body whole."""
    pending: list[str] = []
    for line in script.splitlines():
        if line.strip().startswith("--"):
            continue
        pending.append(line)
        text = "\n".join(pending).strip()
        if text and sqlite3.complete_statement(text):
            yield text
            pending = []
    if "\n".join(pending).strip():
        raise ValueError(f"a migration ends inside a statement: {pending[0]!r}")


def pair_members_of(partnership: str) -> str:
    """SQL for the two partners of the pair whose id is `partnership`, as "first,second"."""
    return (
        "(SELECT CAST(a.user_id AS TEXT) || ',' || CAST(b.user_id AS TEXT)"
        " FROM partnership_members a JOIN partnership_members b"
        " ON b.partnership_id = a.partnership_id AND b.seat = 1"
        f" WHERE a.partnership_id = {partnership} AND a.seat = 0)"
    )


# The two partners of `p`, in the order they were added.
PAIR_MEMBERS = pair_members_of("p.id")


def pair_members(value: Any) -> tuple[int, int]:
    first, second = (int(part) for part in str(value).split(","))
    return first, second


def to_timestamp(instant: datetime) -> int:
    """Store instants as UTC unix seconds: sortable, indexable, zone-free."""
    if instant.tzinfo is None:
        raise ValueError("naive datetimes are not stored")
    return int(instant.timestamp())


def from_timestamp(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)
