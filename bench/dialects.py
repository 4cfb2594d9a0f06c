"""Our thin dialect layer against SQLAlchemy Core 2.x, on the statements the store runs most.

The store's SQL is written once for both engines; something has to run it on each. The
choice was between our own layer (`bot/store/sqlite.py`, `postgres.py`: placeholders
numbered once per statement text, prepared statements kept per connection) and
SQLAlchemy Core's async engine with the same drivers (aiosqlite, asyncpg) running the
same SQL as `text()`. This times both on the reminder tick's due query, one outbox claim
(an `UPDATE ... RETURNING` in its own transaction) and a ledger-style bulk `INSERT ...
SELECT` of 1,000 rows, on a store filled with 10,000 pairs, on each engine.

Needs the `bench` extra (`pip install -e '.[bench]'`). Run from the repository root:
`python bench/dialects.py`.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engines import available, fresh, settle

from bot.store import Store
from bot.store.database import PAIR_MEMBERS, to_timestamp

NOW = datetime(2026, 6, 1, tzinfo=UTC)
STAMP = to_timestamp(NOW)
PAIRS = 10_000
RUNS = 300
DUE = (
    "SELECT p.id, p.timezone, p.weekday, p.minute, p.created_at, p.next_checkin_at,"
    f" {PAIR_MEMBERS} AS members FROM partnerships p WHERE p.alarm_at IS NOT NULL"
    " AND p.alarm_at <= :now ORDER BY p.alarm_at LIMIT :limit"
)
CLAIM = (
    "UPDATE outbox SET claimed_by = :holder, claimed_until = :until WHERE id = :id"
    " AND (claimed_until IS NULL OR claimed_until <= :now OR claimed_by = :holder)"
    " RETURNING id, status"
)
BULK = (
    "INSERT INTO checkins (partnership_id, guild_id, user_id, week_at, completed, next_goal,"
    " created_at) SELECT id, guild_id, id, :week, 'a', 'b', :now FROM partnerships"
    " WHERE id <= 1000"
)
PARAMS: dict[str, dict[str, Any]] = {
    "due query (20 rows)": {"now": STAMP, "limit": 20},
    "outbox claim": {"holder": "bench", "until": STAMP + 120, "id": 1, "now": STAMP},
    "bulk insert (1,000 rows)": {"now": STAMP},
}


async def fill(store: Store) -> None:
    async with store.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO partnerships (id, guild_id, course_key, timezone, weekday, minute,"
            " created_at, next_checkin_at, alarm_at) VALUES (?, 1, 'go', 'UTC', 0, 600, 0, ?, ?)",
            [
                (pid, STAMP, STAMP - 60 if pid % 500 == 0 else STAMP + pid)
                for pid in range(1, PAIRS + 1)
            ],
        )
        await conn.executemany(
            "INSERT INTO partnership_members (partnership_id, guild_id, course_key, user_id, seat)"
            " VALUES (?, 1, 'go', ?, ?)",
            [(pid, 2 * pid + seat, seat) for pid in range(1, PAIRS + 1) for seat in (0, 1)],
        )
        await conn.execute(
            "INSERT INTO outbox (key, guild_id, channel_id, kind, due_at, created_at)"
            " VALUES ('bench', 1, 5, 'celebration', 0, 0)"
        )
    await settle(store)


def engine_url(location: Path | str) -> tuple[str, dict[str, Any]]:
    """SQLAlchemy's URL for the same database, and its driver's connect arguments."""
    if isinstance(location, Path):
        return f"sqlite+aiosqlite:///{location}", {}
    parts = urlsplit(location)
    schema = parse_qs(parts.query)["search_path"][0]
    url = parts._replace(scheme="postgresql+asyncpg", query="").geturl()
    return url, {"server_settings": {"search_path": schema}}


async def timed(call: Callable[[], Awaitable[object]]) -> float:
    """Median microseconds of `call`, after a warm-up."""
    for _ in range(10):
        await call()
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1e6)
    return statistics.median(samples)


async def ours(store: Store) -> dict[str, float]:
    week = iter(range(10**9))
    db = store.db

    async def claim() -> None:
        async with db.transaction() as conn:
            await conn.fetch_all(CLAIM, PARAMS["outbox claim"])

    async def bulk() -> None:
        async with db.transaction() as conn:
            await conn.execute(BULK, {**PARAMS["bulk insert (1,000 rows)"], "week": next(week)})

    return {
        "due query (20 rows)": await timed(
            lambda: db.fetch_all(DUE, PARAMS["due query (20 rows)"])
        ),
        "outbox claim": await timed(claim),
        "bulk insert (1,000 rows)": await timed(bulk),
    }


async def theirs(engine: AsyncEngine) -> dict[str, float]:
    week = iter(range(10**9, 2 * 10**9))
    due, claim_sql, bulk_sql = text(DUE), text(CLAIM), text(BULK)

    async def read() -> None:
        async with engine.connect() as conn:
            (await conn.execute(due, PARAMS["due query (20 rows)"])).all()

    async def claim() -> None:
        async with engine.begin() as conn:
            (await conn.execute(claim_sql, PARAMS["outbox claim"])).all()

    async def bulk() -> None:
        async with engine.begin() as conn:
            await conn.execute(bulk_sql, {**PARAMS["bulk insert (1,000 rows)"], "week": next(week)})

    return {
        "due query (20 rows)": await timed(read),
        "outbox claim": await timed(claim),
        "bulk insert (1,000 rows)": await timed(bulk),
    }


async def compare(engine_name: str) -> None:
    async with fresh(engine_name) as location:
        store = await Store.open(location, NOW)
        try:
            await fill(store)
            mine = await ours(store)
            url, connect_args = engine_url(location)
            engine = create_async_engine(url, connect_args=connect_args)
            try:
                sqlalchemy = await theirs(engine)
            finally:
                await engine.dispose()
        finally:
            await store.close()
    for name, ours_us in mine.items():
        print(
            f"{engine_name} {name}: ours {ours_us:,.0f} µs, SQLAlchemy Core"
            f" {sqlalchemy[name]:,.0f} µs ({sqlalchemy[name] / ours_us:.2f}x)"
        )


async def main() -> None:
    for engine_name in await available():
        await compare(engine_name)


if __name__ == "__main__":
    asyncio.run(main())
