"""How the reminder loop's tick scales with the number of active partnerships.

The loop wakes up often, so a tick must cost what is *due*, not how many pairs exist:
the due query reads the partial index `partnerships_by_alarm`, and the outbox query the
partial index `outbox_due`. This script fills one database with 1,000 pairs and
another with 100,000, makes the same few pairs due in both, and times the store side of
a tick in each. If some query scanned a table, the 100k tick would be many times slower.
It does so on SQLite and, when a server answers, on PostgreSQL (see `bench/engines.py`).

Run from the repository root: `python bench/reminders.py`.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engines import available, connection_class_of, on_store, plan, settle

from bot.reminders import plan as plan_reminders
from bot.store import Store
from bot.store.database import Connection, Params, to_timestamp

NOW = datetime(2026, 6, 1, tzinfo=UTC)  # simulated time; never the wall clock
DUE = 20
REPETITIONS = 30
GUILD = 1
COURSES = [f"course-{n:02}" for n in range(50)]
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"]
DAY = 24 * 3600
WEEK = 7 * DAY
NOW_TS = to_timestamp(NOW)
DUE_ALARM = NOW_TS - 60  # rang a minute ago
DUE_CHECKIN = NOW_TS - 3600  # a check-in that passed an hour ago


def due_ids(pairs: int) -> list[int]:
    """The due pairs, spread over the whole table rather than bunched at one end."""
    return list(range(1, pairs + 1, pairs // DUE))[:DUE]


async def fill(store: Store, pairs: int) -> None:
    """Bulk insert with raw SQL in one transaction: seconds, not minutes."""
    # The k-th due pair has the same zone and schedule at every size, so it plans the same.
    due = {pid: k for k, pid in enumerate(due_ids(pairs))}
    partnerships, members, checkins, notices = [], [], [], []
    for pid in range(1, pairs + 1):
        is_due = pid in due
        shape = due.get(pid, pid)
        partnerships.append(
            (
                pid,
                GUILD,
                COURSES[pid % len(COURSES)],
                ZONES[shape % len(ZONES)],
                shape % 7,
                (shape * 37) % 1440,
                NOW_TS - 60 * DAY - shape % 1000,
                DUE_CHECKIN if is_due else NOW_TS + DAY * (1 + pid % 7),
                DUE_ALARM if is_due else NOW_TS + 3600 + pid,  # the rest ring later
            )
        )
        for seat, user in enumerate((2 * pid, 2 * pid + 1)):
            members.append((pid, GUILD, COURSES[pid % len(COURSES)], user, 10, seat))
            for weeks_ago in (1, 2):
                week_at = NOW_TS - weeks_ago * WEEK
                checkins.append((pid, GUILD, user, week_at, "read", "write", week_at + 600))
        if not is_due:  # history that the outbox query must skip, growing with the table
            week = NOW_TS - WEEK
            notices.append((f"checkin:{pid}:{week}:0", GUILD, pid, "checkin", week, "sent", week))
    async with store.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO courses VALUES (?, ?, ?)", [(GUILD, c, c) for c in COURSES]
        )
        await conn.executemany(
            "INSERT INTO partnerships (id, guild_id, course_key, timezone, weekday, minute,"
            " created_at, next_checkin_at, alarm_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            "INSERT INTO checkins (partnership_id, guild_id, user_id, week_at, completed,"
            " next_goal, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            checkins,
        )
        await conn.executemany(
            "INSERT INTO outbox (key, guild_id, partnership_id, kind, episode, status, due_at,"
            " created_at, message_id) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 1)",
            notices,
        )
    await settle(store)


async def make_due(store: Store, ids: list[int]) -> None:
    """Put the same pairs back in the state they started in, so every tick does equal work."""
    async with store.db.transaction() as conn:
        await conn.executemany(
            "UPDATE partnerships SET alarm_at = ?, next_checkin_at = ? WHERE id = ?",
            [(DUE_ALARM, DUE_CHECKIN, pid) for pid in ids],
        )
        await conn.executemany("DELETE FROM outbox WHERE partnership_id = ?", [(p,) for p in ids])


async def tick(store: Store) -> int:
    """The store side of ReminderLoop.tick; returns how many notices were delivered."""
    states = await store.reminders.due(NOW)
    assert len(states) == DUE, len(states)
    for state in states:
        await store.reminders.apply(state, plan_reminders(state, NOW), NOW)
    unsent = await store.outbox.due(NOW)
    for row in unsent:
        # Stands in for the Discord send in Outbox.flush, which does not scale with the
        # table; only the bookkeeping writes around it are timed here.
        claimed = await store.outbox.claim(row, "bench", NOW)
        assert claimed is not None
        assert await store.outbox.mark_attempted(claimed, "bench", NOW, "bench")
        await store.outbox.delivered(claimed, 1)
    # The scheduler's wake-up: each job's next work, read from its index.
    dues = [
        await store.reminders.next_alarm(),
        await store.milestones.next_deadline(),
        await store.outbox.next_due(),
    ]
    wakeup = min(due for due in dues if due is not None)
    assert wakeup > NOW_TS, wakeup
    return len(unsent)


@contextmanager
def reads_caught(store: Store) -> Iterator[list[tuple[str, Params]]]:
    """Every SELECT the store sends while inside, with its parameters."""
    caught: list[tuple[str, Params]] = []
    connection_class: Any = connection_class_of(store)
    original = connection_class.fetch_all

    async def fetch_all(self: Connection, sql: str, params: Params = ()) -> Any:
        if sql.lstrip().upper().startswith("SELECT"):
            caught.append((sql, params))
        return await original(self, sql, params)

    connection_class.fetch_all = fetch_all
    try:
        yield caught
    finally:
        connection_class.fetch_all = original


async def query_plans(store: Store) -> list[tuple[str, list[str]]]:
    """The query plan of every SELECT one tick runs, caught as the store sends it."""
    with reads_caught(store) as caught:
        await tick(store)
    selects = dict(caught)
    return [(sql, await plan(store, sql, params)) for sql, params in selects.items()]


async def measure(engine: str, pairs: int) -> tuple[float, int, list[tuple[str, list[str]]]]:
    """Median tick in milliseconds, notices per tick, and the query plans."""

    async def work(store: Store) -> tuple[float, int, list[tuple[str, list[str]]]]:
        await fill(store, pairs)
        ids = due_ids(pairs)
        await make_due(store, ids)
        plans = await query_plans(store)  # doubles as the warm-up tick
        timings = []
        for _ in range(REPETITIONS):
            await make_due(store, ids)
            started = time.perf_counter()
            notices = await tick(store)
            timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings), notices, plans

    return await on_store(engine, NOW, work)


async def main() -> None:
    for engine in await available():
        results = {}
        for label, pairs in (("1k", 1_000), ("100k", 100_000)):
            median, notices, plans = await measure(engine, pairs)
            results[label] = median
            print(
                f"{engine}, {label} pairs: tick median {median:.2f} ms ({DUE} due, {notices} notices)"
            )
        print(f"{engine} ratio 100k/1k: {results['100k'] / results['1k']:.2f} (target <= 2)")
        print(f"{engine} query plans at 100k pairs:")
        for sql, steps in plans:
            print(f"  {' '.join(sql.split())[:90]}")
            for step in steps:
                print(f"    {step}")
        due_plan = next(steps for sql, steps in plans if "alarm_at <=" in sql)
        uses = any("partnerships_by_alarm" in step for step in due_plan)
        print(f"{engine} due query uses partnerships_by_alarm: {'yes' if uses else 'NO'}")


if __name__ == "__main__":
    asyncio.run(main())
