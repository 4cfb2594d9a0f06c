"""The embedded engine: one aiosqlite connection to a file, in WAL mode."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.matching import course_key
from bot.store.database import (
    Connection,
    Database,
    Params,
    Row,
    integrity,
)

# The oldest SQLite that runs the store's SQL (`IS NOT DISTINCT FROM` came in 3.39).
MINIMUM_SQLITE = (3, 39, 0)


class SQLiteConnection(Connection):
    writable_ctes = False

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._conn = connection

    async def execute(self, sql: str, params: Params = ()) -> int:
        with integrity(sqlite3.IntegrityError):
            cursor = await self._conn.execute(sql, params)
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        with integrity(sqlite3.IntegrityError):
            await self._conn.executemany(sql, rows)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        with integrity(sqlite3.IntegrityError):
            return list(await self._conn.execute_fetchall(sql, params))

    async def execute_script(self, script: str) -> None:
        for statement in split_statements(script):
            await self.execute(statement)

    async def serialize(self, name: str) -> None:
        """`BEGIN IMMEDIATE` already holds the file's one write lock for the transaction."""


class SQLiteDatabase(Database):
    """Serialises access to the single connection.

    aiosqlite runs every statement on one thread, but coroutines interleave between
    statements; the lock keeps one coroutine's transaction from seeing or swallowing
    another's statements.
    """

    migrations = "bot.store.migrations"
    shared = False

    def __init__(self, connection: aiosqlite.Connection) -> None:
        super().__init__()
        self._raw = connection
        self._conn = SQLiteConnection(connection)
        self._lock = asyncio.Lock()
        self._open = True

    @classmethod
    async def connect(cls, path: Path | str) -> SQLiteDatabase:
        if sqlite3.sqlite_version_info < MINIMUM_SQLITE:
            raise RuntimeError(
                f"Tandem needs SQLite {'.'.join(map(str, MINIMUM_SQLITE))} or newer"
                f" (IS NOT DISTINCT FROM); this Python has {sqlite3.sqlite_version}"
            )
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            # A file that cannot be opened fails here, on this thread: failing in
            # aiosqlite's thread, it would also print a stray traceback once the loop closed.
            sqlite3.connect(path).close()
        connection = await aiosqlite.connect(str(path), isolation_level=None)
        try:
            connection.row_factory = aiosqlite.Row
            # Migrations re-key stored course names with the same rule the code applies.
            await connection.create_function("tandem_course_key", 1, course_key, deterministic=True)
            await connection.executescript(
                "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;"
                " PRAGMA synchronous=NORMAL;"
            )
        except BaseException:
            # A file that opened but cannot be set up (a read-only disk): its thread
            # would otherwise outlive the error and keep the process from exiting.
            await connection.close()
            raise
        return cls(connection)

    async def close(self) -> None:
        if self._open:
            self._open = False
            await self._raw.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        async with self._lock:
            await self._raw.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._raw.rollback()
                raise
            await self._raw.commit()
            self._committed()

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._lock:
            return await self._conn.fetch_all(sql, params)

    async def _write_alone(self, sql: str, params: Params) -> int:
        """Between transactions the connection is in autocommit mode
        (`isolation_level=None`): the statement is its own transaction."""
        async with self._lock:
            return await self._conn.execute(sql, params)

    async def table_names(self) -> list[str]:
        rows = await self.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
        return [row["name"] for row in rows]


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
