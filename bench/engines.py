"""The engines a benchmark runs on: a new SQLite file, and a new PostgreSQL schema when a
server answers at `TANDEM_BENCH_DATABASE_URL` (default: the local test database).

Benchmarks print their figures for each engine in one run.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode
from uuid import uuid4

import asyncpg

from bot.store import Store
from bot.store.database import Connection, Params
from bot.store.postgres import PostgresConnection
from bot.store.sqlite import SQLiteConnection, SQLiteDatabase

POSTGRES_URL = os.environ.get(
    "TANDEM_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
SQLITE, POSTGRES = "SQLite", "PostgreSQL"
T = TypeVar("T")


async def available() -> list[str]:
    """SQLite always; PostgreSQL when its server answers within 3 seconds."""
    try:
        connection = await asyncpg.connect(POSTGRES_URL, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        print(f"PostgreSQL: no server answers at {POSTGRES_URL}; SQLite only")
        return [SQLITE]
    await connection.close()
    return [SQLITE, POSTGRES]


@asynccontextmanager
async def fresh(engine: str) -> AsyncIterator[Path | str]:
    """Where a new, empty database lives for one measurement; removed afterwards."""
    if engine == SQLITE:
        with tempfile.TemporaryDirectory() as folder:
            yield Path(folder) / "bench.sqlite3"
        return
    schema = f"bench_{uuid4().hex}"
    admin = await asyncpg.connect(POSTGRES_URL)
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_URL}?{urlencode({'search_path': schema})}"
    finally:
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()


async def settle(store: Store) -> None:
    """After a bulk load: SQLite folds its WAL into the file, PostgreSQL gathers statistics."""
    if isinstance(store.db, SQLiteDatabase):
        await store.db.fetch_all("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        async with store.db.transaction() as conn:
            await conn.execute("ANALYZE")


def connection_class_of(store: Store) -> type[Connection]:
    """The class of the store's connections, for a benchmark that watches what they send."""
    return SQLiteConnection if isinstance(store.db, SQLiteDatabase) else PostgresConnection


async def plan(store: Store, sql: str, params: Params) -> list[str]:
    """The engine's query plan for one statement, a line per step."""
    if isinstance(store.db, SQLiteDatabase):
        return [
            str(row[3]) for row in await store.db.fetch_all(f"EXPLAIN QUERY PLAN {sql}", params)
        ]
    return [str(row[0]) for row in await store.db.fetch_all(f"EXPLAIN {sql}", params)]


async def on_store(engine: str, now: object, work: Callable[[Store], Awaitable[T]]) -> T:
    """Run `work` on a new, migrated store of `engine`."""
    async with fresh(engine) as location:
        store = await Store.open(location, now)  # type: ignore[arg-type]
        try:
            return await work(store)
        finally:
            await store.close()
