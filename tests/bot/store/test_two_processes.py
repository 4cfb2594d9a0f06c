"""Two processes on one PostgreSQL: every notice and every charge happens exactly once.

Two stores (each its own pool of connections, as two bot processes have) tick over the
same due work at the same time: reminders, missed deadlines, leaderboard expiry, then
deliver the messages all that queued. Only PostgreSQL is shared this way; the tests are
skipped where none answers.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.reminders import plan
from bot.store import Store
from bot.store.database import to_timestamp
from bot.store.misses import status_of, take_turn

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
GUILD = 1 << 22
PAIRS = 40


@pytest.fixture
async def two(postgres: str) -> AsyncIterator[tuple[Store, Store]]:
    first = await Store.open(postgres, NOW)
    second = await Store.open(postgres, NOW)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


async def fill(store: Store) -> None:
    """Pairs whose check-in alarm rang, each with one overdue pledge and one expiring cheer."""
    stamp = to_timestamp(NOW)
    async with store.db.transaction() as conn:
        for pid in range(1, PAIRS + 1):
            await conn.execute(
                "INSERT INTO partnerships (id, guild_id, course_key, thread_id, timezone, weekday,"
                " minute, created_at, next_checkin_at, alarm_at)"
                " VALUES (?, ?, 'go', ?, 'UTC', 0, 720, ?, ?, ?)",
                (pid, GUILD, 10_000 + pid, stamp - 30 * 86400, stamp - 3600, stamp - 60),
            )
            for seat, user in enumerate((2 * pid, 2 * pid + 1)):
                await conn.execute(
                    "INSERT INTO partnership_members (partnership_id, guild_id, course_key,"
                    " user_id, seat) VALUES (?, ?, 'go', ?, ?)",
                    (pid, GUILD, user, seat),
                )
            await conn.execute(
                "INSERT INTO goals (id, guild_id, partnership_id, user_id, text, done_when,"
                " created_at) VALUES (?, ?, ?, ?, 'g', 'd', 0)",
                (pid, GUILD, pid, 2 * pid),
            )
            await conn.execute(
                "INSERT INTO milestones (id, goal_id, partnership_id, guild_id, owner_id, title,"
                " due_date, deadline_at, stake, created_at)"
                " VALUES (?, ?, ?, ?, ?, 'm', '2026-05-31', ?, ?, 0)",
                (pid, pid, pid, GUILD, 2 * pid, stamp - 60, 100 * pid),
            )
            await conn.execute(
                "INSERT INTO leaderboard (guild_id, user_id, all_time, week, month)"
                " VALUES (?, ?, 1, 1, 1)",
                (GUILD, 2 * pid + 1),
            )
            await conn.execute(
                "INSERT INTO leaderboard_expiry (milestone_id, period, guild_id, user_id, at)"
                " VALUES (?, 'week', ?, ?, ?)",
                (1000 + pid, GUILD, 2 * pid + 1, stamp - 1),
            )
    # Identity columns continue after the ids given above.
    async with store.db.transaction() as conn:
        for table in ("partnerships", "goals", "milestones"):
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT MAX(id) FROM {table}))"
            )


async def timed_work(store: Store, now: datetime) -> None:
    """What a scheduler tick runs before delivery: the jobs' store side."""
    for state in await store.reminders.due(now):
        await store.reminders.apply(state, plan(state, now), now)
    while await store.milestones.charge_missed(now, limit=7):
        pass
    await store.leaderboard.catch_up(now)


async def deliver(store: Store, holder: str, now: datetime, sent: list[tuple[str, int]]) -> None:
    """The outbox job's store side; sending is recording who sent which row."""
    while rows := await store.outbox.due(now):
        for row in rows:
            claimed = await store.outbox.claim(row, holder, now)
            if claimed is None:
                continue
            sent.append((holder, claimed.id))
            assert await store.outbox.mark_attempted(claimed, holder, now, "digest")
            await asyncio.sleep(0)  # the Discord call: the other process runs meanwhile
            await store.outbox.delivered(claimed, 900_000 + claimed.id)


async def test_two_processes_ticking_together_notify_and_charge_once(
    two: tuple[Store, Store],
) -> None:
    first, second = two
    await fill(first)
    later = NOW + timedelta(seconds=1)  # the second process's clock is a second on
    await asyncio.gather(timed_work(first, NOW), timed_work(second, later))
    await asyncio.gather(timed_work(first, later), timed_work(second, NOW))  # and again

    db = first.db
    entries = await db.fetch_all(
        "SELECT milestone_id, amount FROM ledger_entries ORDER BY milestone_id"
    )
    assert [(r["milestone_id"], r["amount"]) for r in entries] == [
        (pid, 100 * pid) for pid in range(1, PAIRS + 1)
    ]
    totals = await db.fetch_all("SELECT partnership_id, balance FROM pool_totals ORDER BY 1")
    assert [(r["partnership_id"], r["balance"]) for r in totals] == [
        (pid, 100 * pid) for pid in range(1, PAIRS + 1)
    ]
    guild = await db.fetch_one(
        "SELECT balance, pools FROM guild_pool_totals WHERE guild_id = ?", (GUILD,)
    )
    assert guild is not None and (guild["balance"], guild["pools"]) == (
        100 * PAIRS * (PAIRS + 1) // 2,
        PAIRS,
    )
    missed = await db.fetch_all(
        "SELECT partnership_id, COUNT(*) AS notices FROM outbox WHERE kind = 'missed'"
        " GROUP BY partnership_id"
    )
    assert sorted((r["partnership_id"], r["notices"]) for r in missed) == [
        (pid, 1) for pid in range(1, PAIRS + 1)
    ]
    weeks = await db.fetch_all("SELECT week FROM leaderboard WHERE guild_id = ?", (GUILD,))
    assert [r["week"] for r in weeks] == [0] * PAIRS  # each cheer left the week once
    assert (
        await db.fetch_value("SELECT COUNT(*) FROM leaderboard_places WHERE period = 'week'") == 0
    )

    sent: list[tuple[str, int]] = []
    await asyncio.gather(
        deliver(first, "first", later, sent), deliver(second, "second", later, sent)
    )
    queued = [r["id"] for r in await db.fetch_all("SELECT id FROM outbox ORDER BY id")]
    assert len(queued) >= 2 * PAIRS  # a check-in reminder and a missed notice per pair
    assert sorted(row_id for _holder, row_id in sent) == queued  # each sent once
    assert set(Counter(holder for holder, _row in sent)) == {"first", "second"}
    statuses = await db.fetch_all("SELECT DISTINCT status FROM outbox")
    assert [r["status"] for r in statuses] == ["sent"]


async def test_a_claim_holds_the_row_and_its_channel_until_it_lapses(
    two: tuple[Store, Store],
) -> None:
    first, second = two
    await fill(first)
    await timed_work(first, NOW)
    [row, behind] = [r for r in await first.outbox.due(NOW) if r.partnership_id == 1][:2]
    assert await first.outbox.claim(row, "first", NOW) is not None
    # The first process dies here, mid-delivery, holding its claim.
    assert await second.outbox.claim(row, "second", NOW + timedelta(seconds=90)) is None
    assert await second.outbox.claim(behind, "second", NOW) is None  # the channel waits too
    taken = await second.outbox.claim(row, "second", NOW + timedelta(minutes=2))
    assert taken is not None and taken.id == row.id  # the survivor takes it over
    assert await first.outbox.claim(row, "first", NOW + timedelta(minutes=2)) is None
    # Had the first only stalled, it may no longer send: its claim is gone.
    late = NOW + timedelta(minutes=2, seconds=1)
    assert not await first.outbox.mark_attempted(row, "first", late, "digest")
    assert await second.outbox.mark_attempted(taken, "second", late, "digest")


async def test_a_batch_judges_a_milestone_changed_meanwhile_as_it_is_now(
    two: tuple[Store, Store],
) -> None:
    """Another process changes milestones in the miss job's turn, as the store's changes
    do (`bot.store.misses.take_turn`): the batch waits for it, then leaves out a
    confirmed one and one moved later and charges one still overdue; each once."""
    first, second = two
    await fill(first)
    stamp = to_timestamp(NOW)
    async with second.db.transaction() as conn:
        await take_turn(conn)
        await conn.execute(
            "UPDATE milestones SET status = 'confirmed', confirmed_at = ? WHERE id = 1", (stamp,)
        )
        await conn.execute("UPDATE milestones SET deadline_at = ? WHERE id = 2", (stamp + 3600,))
        await conn.execute("UPDATE milestones SET title = '' WHERE id = 3")  # still overdue
        batch = asyncio.create_task(first.milestones.charge_missed(NOW, limit=PAIRS))
        await asyncio.sleep(0.5)
        assert not batch.done()  # waiting for the turn held here
    charged = await batch
    assert not await first.milestones.charge_missed(NOW, limit=PAIRS)

    db = first.db
    entries = await db.fetch_all("SELECT milestone_id FROM ledger_entries ORDER BY milestone_id")
    assert [r["milestone_id"] for r in entries] == list(range(3, PAIRS + 1))
    assert charged == PAIRS - 2
    statuses = await db.fetch_all(
        f"SELECT id, {status_of('m')} AS status FROM milestones m WHERE id <= 3 ORDER BY id"
    )
    assert [r["status"] for r in statuses] == ["confirmed", "open", "missed"]
    totals = await db.fetch_value("SELECT SUM(balance) FROM pool_totals")
    assert totals == sum(100 * pid for pid in range(3, PAIRS + 1))
