"""One aiosqlite connection in WAL mode, its migrations and its transactions."""

from __future__ import annotations

import asyncio
import importlib
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from bot.log import get
from bot.matching import course_key

log = get("store")

Params = Sequence[Any] | dict[str, Any]
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.(sql|py)$")
MIGRATIONS = "bot.store.migrations"


class Database:
    """Serialises access to the single connection.

    aiosqlite runs every statement on one thread, but coroutines interleave between
    statements; the lock keeps one coroutine's transaction from seeing or swallowing
    another's statements.
    """

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._conn = connection
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
            await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """All statements inside commit together or not at all."""
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.rollback()
                raise
            await self._conn.commit()
            self.revision += 1

    async def fetch_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        async with self._lock:
            return list(await self._conn.execute_fetchall(sql, params))

    async def fetch_one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
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
                row["version"]
                for row in await conn.execute_fetchall("SELECT version FROM schema_version")
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


async def _apply(conn: aiosqlite.Connection, name: str, now: datetime) -> None:
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


# The two partners of `p`, in the order they were added, as "first,second".
PAIR_MEMBERS = (
    "(SELECT group_concat(user_id) FROM (SELECT user_id FROM partnership_members"
    " WHERE partnership_id = p.id ORDER BY rowid))"
)


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
