"""How fast the miss job charges overdue milestones, against the engine's raw inserts.

After an outage the reminder loop may find a large backlog of overdue milestones. It
drains them with `MilestoneStore.charge_missed(now, MISS_BATCH)` until a batch comes back
short; each batch is one transaction that records the misses (a ledger entry per pledge,
the milestone rows left as they are), queues a thread notice per pair and moves the
shards' frontier. This script fills a database with
100,000 overdue milestones, times that drain, and compares it with the plainest way to
write the same ledger rows: one `executemany` in one transaction, on a table of the same
definition (SQLite: the stdlib `sqlite3` module, with the same PRAGMAs; PostgreSQL: asyncpg
into a plain copy of `ledger_entries`, `CREATE TABLE ... (LIKE ledger_entries INCLUDING
ALL)`). It does so on SQLite and, when a server answers, on PostgreSQL (see
`bench/engines.py`). Then, on SQLite, it times each part of the drain (the product's
statements, Python, commit) and the drain with other batch sizes, to show where the time
goes. Figures are medians of fresh databases, except the last ones.

Run from the repository root: `python bench/ledger.py`.
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engines import POSTGRES, SQLITE, available, fresh, on_store, settle

from bot.ledger import miss_key
from bot.models import EntryKind
from bot.store import Store
from bot.store.database import Connection, Params, from_timestamp, to_timestamp
from bot.store.database import Row as DbRow
from bot.store.milestones import charge_batch
from bot.store.misses import status_of
from cogs.ledger.jobs import MISS_BATCH

NOW = datetime(2026, 6, 1, tzinfo=UTC)  # simulated time; never the wall clock
NOW_TS = to_timestamp(NOW)
MILESTONES = 100_000
PAIRS = 1_000
PER_MEMBER = MILESTONES // (2 * PAIRS)
REPETITIONS = 3
TARGET = 0.8
COMPARE_BATCHES = (10_000, MILESTONES + 1)  # the last: the whole backlog in one transaction
GUILD = 1
COURSES = [f"course-{n:02}" for n in range(50)]
LEDGER_ROW = (
    "partnership_id, guild_id, member_id, milestone_id, kind, amount, idempotency_key, created_at"
)

PYTHON = "Python (row building)"
Row = tuple[int, int, int, int, str, int, str, int]
MilestoneRow = tuple[int, int, int, int, int, str, str, int, int, int]
Schema = tuple[str, list[str]]  # CREATE TABLE ledger_entries and its CREATE INDEXes
Spent = tuple[float, float]  # wall-clock seconds, and this process's CPU seconds
T = TypeVar("T")


def clocks() -> Spent:
    """Now, on both clocks."""
    return time.perf_counter(), time.process_time()


def since(started: Spent) -> Spent:
    """What both clocks moved since `started`."""
    return time.perf_counter() - started[0], time.process_time() - started[1]


def deadline_of(mid: int) -> int:
    """Distinct deadlines from a minute to ~69 days ago, shuffled against the ids.

    Deadlines are chosen by members, not by creation order, so each batch's earliest
    deadlines are spread over the whole table: each batch writes pages all over
    milestones, its indexes, and the ledger's and the outbox's indexes. Distinct, so the
    order is fixed.
    """
    return NOW_TS - 60 - (mid * 7919) % MILESTONES * 60


def stake_of(mid: int) -> int:
    """Pledges of 1 to 20 whole units, in minor units; never 0, so each miss is charged."""
    return (1 + mid % 20) * 100


def milestone_rows() -> list[MilestoneRow]:
    """(id, goal_id, partnership_id, guild_id, owner_id, title, due_date, deadline, stake, created)."""
    rows = []
    mid = 0
    for pid in range(1, PAIRS + 1):
        for side, user in enumerate((2 * pid, 2 * pid + 1)):
            goal = 2 * pid - 1 + side
            for _ in range(PER_MEMBER):
                mid += 1
                deadline = deadline_of(mid)
                due = from_timestamp(deadline).date().isoformat()
                rows.append(
                    (mid, goal, pid, GUILD, user, f"step {mid}", due, deadline, stake_of(mid), 0)
                )
    return rows


def expected_ledger(milestones: list[MilestoneRow]) -> list[Row]:
    """The ledger rows the drain must write, in the order it writes them.

    Each batch takes the MISS_BATCH earliest deadlines and appends their entries in
    milestone id order (the charge's `ORDER BY m.id`), whatever order marking visits them.
    """
    rows = [
        (
            pid,
            guild,
            owner,
            mid,
            EntryKind.MISS,
            stake,
            miss_key(mid, from_timestamp(deadline)),
            NOW_TS,
        )
        for mid, _goal, pid, guild, owner, _title, _due, deadline, stake, _created in milestones
    ]
    rows.sort(key=lambda row: deadline_of(row[3]))
    batches = [rows[at : at + MISS_BATCH] for at in range(0, len(rows), MISS_BATCH)]
    return [row for batch in batches for row in sorted(batch, key=lambda row: row[3])]


async def fill(store: Store, milestones: list[MilestoneRow]) -> None:
    """Bulk insert with raw SQL in one transaction: seconds, not minutes."""
    partnerships, members, goals = [], [], []
    for pid in range(1, PAIRS + 1):
        course = COURSES[pid % len(COURSES)]
        partnerships.append((pid, GUILD, course, "UTC", pid % 7, (pid * 37) % 1440, 0))
        for side, user in enumerate((2 * pid, 2 * pid + 1)):
            members.append((pid, GUILD, course, user, 10, side))
            goals.append((2 * pid - 1 + side, GUILD, pid, user, "finish the course", "exam", 0))
    async with store.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO courses VALUES (?, ?, ?)", [(GUILD, c, c) for c in COURSES]
        )
        await conn.executemany(
            "INSERT INTO partnerships (id, guild_id, course_key, timezone, weekday, minute,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            partnerships,
        )
        # Every real pair has its thread; one without is repair work for the loop.
        await conn.execute("UPDATE partnerships SET thread_id = id + 1000000000000")
        await conn.executemany(
            "INSERT INTO partnership_members (partnership_id, guild_id, course_key, user_id, pace,"
            " seat) VALUES (?, ?, ?, ?, ?, ?)",
            members,
        )
        await conn.executemany(
            "INSERT INTO goals (id, guild_id, partnership_id, user_id, text, done_when, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            goals,
        )
        await conn.executemany(
            "INSERT INTO milestones (id, goal_id, partnership_id, guild_id, owner_id, title,"
            " due_date, deadline_at, stake, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            milestones,
        )
    await settle(store)


async def drain(store: Store, limit: int) -> tuple[int, int]:
    """The miss part of ReminderLoop.tick; returns (milestones, batches)."""
    total = batches = 0
    while True:
        charged = await store.milestones.charge_missed(NOW, limit)
        total += charged
        batches += 1
        if charged != limit:
            return total, batches


async def verify(store: Store, expected: list[Row]) -> None:
    """Every milestone missed, one entry each, the exact sum."""
    db = store.db
    missed = f"SELECT COUNT(*) FROM milestones m WHERE {status_of('m')} = 'missed'"
    assert await db.fetch_value(missed) == MILESTONES
    count = await db.fetch_value(
        "SELECT COUNT(*) FROM ledger_entries WHERE kind = ?", (EntryKind.MISS,)
    )
    assert count == MILESTONES, count
    charged = await db.fetch_value("SELECT SUM(amount) FROM ledger_entries")
    pledged = await db.fetch_value("SELECT SUM(stake) FROM milestones")
    assert charged == pledged == sum(row[5] for row in expected), (charged, pledged)
    notices = await db.fetch_value("SELECT COUNT(*) FROM outbox WHERE kind = 'missed'")
    pairs = await db.fetch_value("SELECT COUNT(DISTINCT partnership_id) FROM milestones")
    assert notices == pairs, (notices, pairs)  # one thread message per pair and run
    written = await db.fetch_all(f"SELECT {LEDGER_ROW} FROM ledger_entries ORDER BY id")
    assert [tuple(row) for row in written] == expected, "ledger rows differ from the expected"


async def sqlite_schema(store: Store) -> Schema:
    """The ledger's CREATE TABLE and CREATE INDEXes, for the raw run to copy."""
    schema = await store.db.fetch_all(
        "SELECT type, sql FROM sqlite_master WHERE tbl_name = 'ledger_entries' AND sql IS NOT NULL"
        " ORDER BY type DESC"
    )
    table = next(row[1] for row in schema if row[0] == "table")
    return table, [row[1] for row in schema if row[0] == "index"]


async def on_filled(
    engine: str, milestones: list[MilestoneRow], work: Callable[[Store], Awaitable[T]]
) -> T:
    """Run `work` on a fresh, migrated, filled and settled database."""

    async def filled(store: Store) -> T:
        await fill(store, milestones)
        return await work(store)

    return await on_store(engine, NOW, filled)


async def product_run(
    engine: str, milestones: list[MilestoneRow], expected: list[Row]
) -> tuple[Spent, int, Schema | None]:
    """Time to drain every overdue milestone, the batch count, and SQLite's ledger schema."""

    async def work(store: Store) -> tuple[Spent, int, Schema | None]:
        started = clocks()
        charged, batches = await drain(store, MISS_BATCH)
        spent = since(started)
        assert charged == MILESTONES, charged
        await verify(store, expected)
        return spent, batches, (await sqlite_schema(store) if engine == SQLITE else None)

    return await on_filled(engine, milestones, work)


class Timed(Connection):
    """Stands in for the connection inside `charge_batch`, adding up each statement's time."""

    def __init__(self, conn: Connection, spent: dict[str, float]) -> None:
        self._conn = conn
        self.writable_ctes = conn.writable_ctes
        self._spent = spent

    async def _timed(self, call: Awaitable[T], sql: str) -> T:
        words = sql.split()
        label = f"{words[0]} {words[2] if words[0] == 'INSERT' else words[1]}"
        started = time.perf_counter()
        result = await call
        self._spent[label] = self._spent.get(label, 0.0) + time.perf_counter() - started
        return result

    async def execute(self, sql: str, params: Params = ()) -> int:
        return await self._timed(self._conn.execute(sql, params), sql)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[DbRow]:
        return await self._timed(self._conn.fetch_all(sql, params), sql)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._timed(self._conn.executemany(sql, rows), sql)

    async def execute_script(self, script: str) -> None:
        await self._timed(self._conn.execute_script(script), script)

    async def serialize(self, name: str) -> None:
        await self._timed(self._conn.serialize(name), "SELECT lock ledger")


async def breakdown(store: Store) -> dict[str, float]:
    """Seconds per part of the drain: MilestoneStore.charge_missed, opened up.

    The same `Database.transaction` and the product's `charge_batch`, with a timing
    stand-in for the connection; what `charge_batch` spends between statements is Python.
    """
    spent: dict[str, float] = {}
    while True:
        started = time.perf_counter()
        async with store.db.transaction() as conn:
            begun = time.perf_counter()
            charged = await charge_batch(Timed(conn, spent), NOW, MISS_BATCH)
            done = time.perf_counter()
        spent["BEGIN"] = spent.get("BEGIN", 0.0) + begun - started
        spent["COMMIT"] = spent.get("COMMIT", 0.0) + time.perf_counter() - done
        spent[PYTHON] = spent.get(PYTHON, 0.0) + done - begun
        if charged != MISS_BATCH:
            break
    spent[PYTHON] -= sum(v for k, v in spent.items() if k not in {"BEGIN", "COMMIT", PYTHON})
    return spent


async def drain_seconds(store: Store, limit: int) -> float:
    started = time.perf_counter()
    charged, _batches = await drain(store, limit)
    assert charged == MILESTONES, charged
    return time.perf_counter() - started


async def raw_postgres_run(rows: list[Row]) -> float:
    """Seconds to insert the same rows with asyncpg: one executemany, one transaction.

    The table is a plain copy of `ledger_entries` (columns, defaults, identity, CHECKs,
    unique key and indexes; no foreign keys or triggers) in a fresh schema.
    """
    async with fresh(POSTGRES) as url:
        await (await Store.open(url, NOW)).close()  # the real table, to copy
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("CREATE TABLE plain (LIKE ledger_entries INCLUDING ALL)")
            started = time.perf_counter()
            async with conn.transaction():
                await conn.executemany(
                    f"INSERT INTO plain ({LEDGER_ROW}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    rows,
                )
            seconds = time.perf_counter() - started
            assert await conn.fetchval("SELECT COUNT(*) FROM plain") == len(rows)
        finally:
            await conn.close()
    return seconds


def raw_sqlite_run(rows: list[Row], table: str, indexes: list[str]) -> Spent:
    """Time to insert the same rows with stdlib sqlite3: one executemany, one transaction."""
    with tempfile.TemporaryDirectory() as folder:
        conn = sqlite3.connect(Path(folder) / "raw.sqlite3", isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            for sql in (table, *indexes):
                conn.execute(sql)
            started = clocks()
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                f"INSERT INTO ledger_entries ({LEDGER_ROW}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows
            )
            conn.execute("COMMIT")
            spent = since(started)
            assert conn.execute("SELECT COUNT(*) FROM ledger_entries").fetchone()[0] == len(rows)
        finally:
            conn.close()
    return spent


async def compare(engine: str, milestones: list[MilestoneRow], expected: list[Row]) -> float:
    """The product drain against the engine's raw inserts, printed; returns the raw rate."""
    product, raw, product_cpu, raw_cpu = [], [], [], []
    for _ in range(REPETITIONS):
        (seconds, cpu), batches, schema = await product_run(engine, milestones, expected)
        product.append(seconds)
        product_cpu.append(cpu)
        if schema is None:
            raw.append(await raw_postgres_run(expected))
        else:
            raw_seconds, cpu = raw_sqlite_run(expected, *schema)
            raw.append(raw_seconds)
            raw_cpu.append(cpu)
    product_s, raw_s = statistics.median(product), statistics.median(raw)
    product_rate, raw_rate = MILESTONES / product_s, MILESTONES / raw_s
    runs = ", ".join(f"{s:.2f}" for s in product)
    print(
        f"{engine} product path: {MILESTONES} missed milestones in {product_s:.2f} s ="
        f" {product_rate:,.0f}/s ({batches} batches of {MISS_BATCH}; runs {runs} s)"
    )
    runs = ", ".join(f"{s:.2f}" for s in raw)
    print(
        f"{engine} raw inserts: {MILESTONES} rows in {raw_s:.2f} s = {raw_rate:,.0f}/s"
        f" (runs {runs} s)"
    )
    print(f"{engine} ratio: {product_rate / raw_rate:.2f} (target >= {TARGET})")
    if raw_cpu:
        # Both sides run in this process: its CPU time does not count what other programs
        # on a shared machine take, which the wall clock does.
        ratio = statistics.median(raw_cpu) / statistics.median(product_cpu)
        print(f"{engine} ratio of this process's CPU time: {ratio:.2f} (informative)")
    return raw_rate


async def main() -> None:
    milestones = milestone_rows()
    expected = expected_ledger(milestones)
    raw_rates = {
        engine: await compare(engine, milestones, expected) for engine in await available()
    }
    print(f"where the SQLite product path spends its time (one more run, batches of {MISS_BATCH}):")
    spent = await on_filled(SQLITE, milestones, breakdown)
    total = sum(spent.values())
    for label, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"  {label:<22} {seconds:5.2f} s  {seconds / total:4.0%}")
    for limit in COMPARE_BATCHES:
        seconds = await on_filled(SQLITE, milestones, partial(drain_seconds, limit=limit))
        shape = f"batches of {limit}" if limit < MILESTONES else f"one batch (limit {limit})"
        print(
            f"SQLite {shape} instead: {seconds:.2f} s = {MILESTONES / seconds:,.0f}/s"
            f" (ratio {MILESTONES / seconds / raw_rates[SQLITE]:.2f}; one run)"
        )


if __name__ == "__main__":
    asyncio.run(main())
