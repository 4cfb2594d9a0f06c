"""PostgreSQL through an asyncpg pool: the engine for more than one process or machine.

Store SQL is written once, with `?` or `:name` placeholders; here it becomes the
numbered `$1` form PostgreSQL prepares, once per statement text.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from decimal import Decimal
from functools import lru_cache
from typing import Any

import asyncpg

from bot.store.database import Connection, Database, Params, Row, integrity

# String literals, quoted names and comments pass through untouched; `?` and `:name`
# outside them are placeholders.
_TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\?|(?<![:\w]):([A-Za-z_]\w*)""")
_CONSTRAINT = asyncpg.IntegrityConstraintViolationError
# Distinct statement texts the store sends; each connection keeps them all prepared.
_PREPARED_STATEMENTS = 512


@lru_cache(maxsize=_PREPARED_STATEMENTS)
def numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    """`sql` with `$n` placeholders, and the names in `$n` order (none for positional ones)."""
    names: list[str] = []
    positional = 0

    def number(match: re.Match[str]) -> str:
        nonlocal positional
        token, name = match.group(0), match.group(1)
        if token == "?":
            positional += 1
            return f"${positional}"
        if name is None:
            return token
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    text = _TOKEN.sub(number, sql)
    if positional and names:
        raise ValueError(f"one statement mixes ? and :name placeholders: {sql!r}")
    return text, tuple(names)


def bind(sql: str, params: Params) -> tuple[str, list[Any]]:
    text, names = numbered(sql)
    if isinstance(params, dict):
        return text, [params[name] for name in names]
    return text, list(params)


def rows_changed(status: str) -> int:
    """The count at the end of PostgreSQL's command tag ("UPDATE 3", "INSERT 0 1")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def _whole_or_decimal(text: str) -> int | Decimal:
    """SUM over BIGINT is NUMERIC in PostgreSQL; whole numbers come back as int, as on SQLite."""
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else value


async def _prepare(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec(
        "numeric", encoder=str, decoder=_whole_or_decimal, schema="pg_catalog", format="text"
    )


async def _leave_as_is(conn: asyncpg.Connection) -> None:
    """A connection goes back to the pool without asyncpg's reset query, a round trip on
    every release: the store leaves no session state to reset (its settings are `SET
    LOCAL`, its advisory locks end with their transaction, it neither listens nor keeps
    cursors). asyncpg still rolls back a transaction left open."""


class PostgresConnection(Connection):
    writable_ctes = True

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._conn = connection

    async def execute(self, sql: str, params: Params = ()) -> int:
        text, args = bind(sql, params)
        with integrity(_CONSTRAINT):
            return rows_changed(await self._conn.execute(text, *args))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        text, _ = numbered(sql)
        with integrity(_CONSTRAINT):
            await self._conn.executemany(text, [bind(sql, row)[1] for row in rows])

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        text, args = bind(sql, params)
        with integrity(_CONSTRAINT):
            return list(await self._conn.fetch(text, *args))

    async def copy_rows(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        """Bulk-load rows with PostgreSQL's COPY (row triggers still fire)."""
        with integrity(_CONSTRAINT):
            await self._conn.copy_records_to_table(table, records=rows, columns=columns)

    async def execute_script(self, script: str) -> None:
        """PostgreSQL runs a whole script in one call, dollar-quoted function bodies and all."""
        await self._conn.execute(script)

    async def serialize(self, name: str) -> None:
        """A transaction-scoped advisory lock, released at commit or rollback (or if we die)."""
        await self.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (name,))


class PostgresDatabase(Database):
    """A pool of connections; this process's transactions still take turns.

    Store code was written for one writer at a time (checks before inserts, ids read back
    in one transaction); the lock keeps that true within a process, while reads use any
    free connection.
    """

    migrations = "bot.store.migrations.postgresql"
    shared = True

    def __init__(self, pool: asyncpg.Pool) -> None:
        super().__init__()
        self._pool = pool
        self._lock = asyncio.Lock()

    @classmethod
    async def connect(cls, url: str) -> PostgresDatabase:
        pool = await asyncpg.create_pool(
            url,
            min_size=1,
            max_size=10,
            init=_prepare,
            reset=_leave_as_is,
            statement_cache_size=_PREPARED_STATEMENTS,
            # A connection once opened stays (ten at most): the scheduler's loop sleeps
            # for hours between ticks, and each tick would otherwise connect again and
            # prepare every statement anew.
            max_inactive_connection_lifetime=0,
        )
        return cls(pool)

    async def close(self) -> None:
        if not self._pool.is_closing():
            await self._pool.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        # READ COMMITTED whatever the server's default: each statement sees what other
        # processes committed before it (the ledger's turn-taking relies on it).
        async with (
            self._lock,
            self._pool.acquire() as raw,
            raw.transaction(isolation="read_committed"),
        ):
            yield PostgresConnection(raw)
        self._committed()

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._pool.acquire() as raw:
            return await PostgresConnection(raw).fetch_all(sql, params)

    async def _write_alone(self, sql: str, params: Params) -> int:
        """Outside a transaction block PostgreSQL commits each statement by itself; one
        statement needs no turn among this process's transactions."""
        async with self._pool.acquire() as raw:
            return await PostgresConnection(raw).execute(sql, params)

    async def table_names(self) -> list[str]:
        rows = await self.fetch_all(
            "SELECT table_name AS name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        return [row["name"] for row in rows]
