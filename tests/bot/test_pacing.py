"""The send budget: at most N request starts in any second, shared through the store.

`next_start` is checked against a brute-force reading of the rule on random arrivals;
`BudgetStore.take` on both engines, including two stores (two processes) taking places
from one database at once.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.models import NoticeKind
from bot.pacing import WINDOW_SECONDS, Priority, kept, next_start
from bot.store import Store
from bot.store.database import to_timestamp
from bot.store.outbox import PRIORITY, queue
from tests.helpers import TEST_DATABASE_URL, on_sqlite

NOW = datetime(2026, 6, 1, 19, tzinfo=UTC)


def most_in_one_second(starts: list[float]) -> int:
    """The most starts any one-second window holds (windows opening at a start)."""
    return max(sum(1 for s in starts if first <= s < first + WINDOW_SECONDS) for first in starts)


def taken(arrivals: list[float], per_second: int) -> list[float]:
    recent: list[float] = []
    starts = []
    for now in arrivals:
        start = next_start(recent, now, per_second)
        recent = kept(recent, start, per_second)
        starts.append(start)
    return starts


@pytest.mark.parametrize("seed", range(5))
def test_no_second_holds_more_than_the_budget_and_nothing_waits_needlessly(seed: int) -> None:
    rng = random.Random(seed)
    per_second = rng.choice([1, 3, 45])
    arrivals = sorted(rng.uniform(0, 20) for _ in range(rng.randrange(50, 400)))
    starts = taken(arrivals, per_second)
    assert all(start >= now for start, now in zip(starts, arrivals, strict=True))
    assert starts == sorted(starts)
    assert most_in_one_second(starts) <= per_second
    for index, (start, now) in enumerate(zip(starts, arrivals, strict=True)):
        if start > now:  # it waited: the second before it was full, or it kept its turn
            behind = starts[max(0, index - per_second) : index]
            assert start == starts[index - 1] or (
                len(behind) == per_second and start == behind[0] + WINDOW_SECONDS
            )


def test_an_idle_bot_sends_a_burst_at_once_and_a_peak_at_the_budget() -> None:
    assert taken([0.0] * 5, 45) == [0.0] * 5
    peak = taken([0.0] * 450, 45)
    assert peak[44] == 0.0 and peak[45] == 1.0
    assert peak[-1] == 9.0  # 450 requests: 45 in each of ten seconds


@pytest.fixture
async def store(database: Path | str) -> AsyncIterator[Store]:
    opened = await Store.open(database, NOW)
    yield opened
    await opened.close()


async def test_the_store_keeps_the_window_between_calls(store: Store) -> None:
    starts = [await store.budget.take(lambda: NOW, 3) for _ in range(7)]
    assert starts == [NOW] * 3 + [NOW + timedelta(seconds=1)] * 3 + [NOW + timedelta(seconds=2)]


async def test_a_place_after_the_deadline_is_not_taken(store: Store) -> None:
    """A send that could not begin in time takes nothing: later requests keep their places."""
    for _ in range(2):
        await store.budget.take(lambda: NOW, 2)
    second_later = NOW + timedelta(seconds=1)
    assert await store.budget.take(lambda: NOW, 2, deadline=NOW) is None
    assert await store.budget.take(lambda: NOW, 2, deadline=second_later) == second_later


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="one process per SQLite database")
async def test_two_processes_share_one_budget(store: Store, database: Path | str) -> None:
    other = await Store.open(database, NOW)
    try:
        both = await asyncio.gather(
            *(s.budget.take(lambda: NOW, 5) for _ in range(20) for s in (store, other))
        )
    finally:
        await other.close()
    assert sorted(both) == [NOW + timedelta(seconds=n // 5) for n in range(40)]


async def test_due_messages_come_reminders_first_then_threads_then_channels(
    store: Store,
) -> None:
    async with store.db.transaction() as conn:
        await conn.execute("INSERT INTO courses VALUES (1, 'art', 'Art')")
        await conn.execute(
            "INSERT INTO partnerships (id, guild_id, course_key, timezone, weekday, minute,"
            " created_at) VALUES (7, 1, 'art', 'UTC', 0, 600, ?)",
            (to_timestamp(NOW),),
        )
        # Queued in the reverse of the order they go out, all due at the same moment.
        queued = {
            Priority.CHANNEL: await queue(conn, 1, NoticeKind.CELEBRATION, NOW, channel_id=5),
            Priority.THREAD: await queue(conn, 1, NoticeKind.NUDGE, NOW, partnership_id=7),
            Priority.REMINDER: await queue(conn, 1, NoticeKind.CHECKIN, NOW, partnership_id=7),
        }
    due = await store.outbox.due(NOW + timedelta(minutes=1))
    assert [row.id for row in due] == [queued[p] for p in sorted(queued)]


@on_sqlite
async def test_the_due_query_reads_the_priority_index_without_sorting(store: Store) -> None:
    """What is due is read in delivery order from `outbox_due_in_order`: at a peak, the
    query costs the batch it returns, not a sort of everything due."""
    plan = await store.db.fetch_all(
        "EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE status IN ('pending', 'attempted')"
        " AND due_at <= 1 AND (claimed_until IS NULL OR claimed_until <= 1 OR claimed_by = '')"
        f" ORDER BY {PRIORITY}, due_at, id LIMIT 200"
    )
    details = " ".join(str(row["detail"]) for row in plan)
    assert "outbox_due_in_order" in details and "TEMP B-TREE" not in details
