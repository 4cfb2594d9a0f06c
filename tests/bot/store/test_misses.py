"""A missed milestone is recorded without rewriting it (`bot/store/misses.py`), on both
engines: one write per miss, the due scan starting at each shard's frontier, nothing that
decides a milestone's fate slipping behind it, and a change of shard count charging what
the old count left, once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.errors import UserError
from bot.matching import Seeker
from bot.models import Goal, Milestone, MilestoneAsk, MilestoneStatus, NoticeKind, RequestKind
from bot.schedule import WeeklyTime
from bot.shards import DISCORD_SHARD_SHIFT, Shards
from bot.store import Store
from bot.store.database import to_timestamp
from bot.store.milestones import TOO_LATE
from bot.store.misses import LAST_ID

START = datetime(2026, 3, 2, 12, tzinfo=UTC)
WEEKLY = WeeklyTime(weekday=0, minute=18 * 60, zone="UTC")
# Two servers, on shards 0 and 1 of two.
GUILDS = (5, (1 << DISCORD_SHARD_SHIFT) + 5)


def at(hours: float) -> datetime:
    return START + timedelta(hours=hours)


@pytest.fixture
async def store(database: Path | str) -> AsyncIterator[Store]:
    opened = await Store.open(database, START)
    try:
        yield opened
    finally:
        await opened.close()


async def goals_in(store: Store, guild: int) -> tuple[Goal, Goal]:
    """A pair in `guild` (members 11 and 12 of it) and a goal each."""
    first, second = guild * 100 + 11, guild * 100 + 12
    for user in (first, second):
        seeker = Seeker(user_id=user, pace=10, weekly=WEEKLY, queued_at=START)
        await store.queue.queue(guild, "Algebra", "algebra", seeker, START)
    made = await store.queue.pair(guild, "algebra", second, first, START)
    assert made is not None
    goals = []
    for user in (first, second):
        await store.milestones.add_goal(made.value, user, "Finish it", "done", START)
        goals += await store.milestones.active_goals(guild, user)
    return goals[0], goals[1]


async def add(store: Store, goal: Goal, stake: int, deadline: datetime, now: datetime) -> Milestone:
    title = f"Step {to_timestamp(deadline)} {stake}"
    added = await store.milestones.add_milestone(
        goal, goal.user_id, title, deadline.date(), deadline, stake, now
    )
    return added.value


async def status(store: Store, milestone: Milestone) -> MilestoneStatus:
    found = await store.milestones.milestone(milestone.id)
    assert found is not None
    return found.status


async def rows(store: Store, table: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in await store.db.fetch_all(f"SELECT * FROM {table} ORDER BY 1")]


async def test_a_miss_is_one_write_and_leaves_its_milestone_as_it_was(store: Store) -> None:
    mine, theirs = await goals_in(store, GUILDS[0])
    pledged = await add(store, mine, 300, at(1), START)
    free = await add(store, theirs, 0, at(1), START)
    later = await add(store, mine, 100, at(30), START)
    before = await rows(store, "milestones")

    assert await store.milestones.charge_missed(at(2)) == 2

    assert await rows(store, "milestones") == before  # no milestone row rewritten
    entries = await store.db.fetch_all("SELECT milestone_id, amount FROM ledger_entries")
    assert [tuple(row) for row in entries] == [(pledged.id, 300)]
    assert await rows(store, "unpledged_misses") == [(free.id, to_timestamp(at(2)))]
    assert [await status(store, m) for m in (pledged, free, later)] == [
        MilestoneStatus.MISSED,
        MilestoneStatus.MISSED,
        MilestoneStatus.OPEN,
    ]
    missed = await store.milestones.missed_in_run(pledged.partnership_id, at(2))
    assert [m.id for m in missed] == [pledged.id, free.id]
    assert [
        m.id for m in await store.milestones.milestones_of(GUILDS[0], mine.user_id, open_only=True)
    ] == [later.id]
    assert await store.milestones.open_count(pledged.partnership_id) == 1
    # The job's next work is the later deadline, not the misses the due index still holds.
    assert await store.milestones.next_deadline() == to_timestamp(at(30))
    assert await store.milestones.charge_missed(at(3)) == 0


async def test_a_full_batch_stops_its_frontier_at_its_last_milestone(store: Store) -> None:
    mine, theirs = await goals_in(store, GUILDS[0])
    first = await add(store, mine, 100, at(1), START)
    second = await add(store, theirs, 100, at(1), START)
    third = await add(store, mine, 0, at(1.5), START)

    assert await store.milestones.charge_missed(at(2), limit=1) == 1
    assert await rows(store, "miss_frontiers") == [(1, 0, to_timestamp(at(1)), first.id, -1)]
    assert await store.milestones.next_deadline() == to_timestamp(at(1))  # the second's
    assert await store.milestones.charge_missed(at(2), limit=1) == 1
    assert await store.milestones.charge_missed(at(2), limit=5) == 1
    assert await rows(store, "miss_frontiers") == [(1, 0, to_timestamp(at(2)), LAST_ID, -1)]
    statuses = [await status(store, m) for m in (first, second, third)]
    assert statuses == [MilestoneStatus.MISSED] * 3
    notices = await store.db.fetch_value(
        "SELECT COUNT(*) FROM outbox WHERE kind = ?", (NoticeKind.MISSED,)
    )
    assert notices == 1  # one per pair and run, however many batches the run took


async def test_a_deadline_the_job_has_judged_cannot_be_set_nor_its_milestone_answered(
    store: Store,
) -> None:
    """A process whose clock lags another's: the job already judged up to 2:00, so at
    0:30 a milestone due at 1:00 is too late to confirm, and no deadline up to 2:00 can be
    set (the job would never reach it)."""
    mine, theirs = await goals_in(store, GUILDS[0])
    missed = await add(store, mine, 100, at(1), START)
    kept = await add(store, mine, 100, at(5), START)
    assert await store.milestones.charge_missed(at(2)) == 1
    lagging = at(0.5)

    with pytest.raises(UserError) as refused:
        await add(store, theirs, 100, at(1.5), lagging)
    assert str(refused.value) == TOO_LATE
    for milestone, ask, deadline in (
        (missed, MilestoneAsk.DONE, None),
        (kept, MilestoneAsk.RESCHEDULE, at(1.5)),
    ):
        asked = await store.milestones.request(
            milestone, ask, lagging, None if deadline is None else deadline.date(), deadline
        )
        request = await store.requests.get(RequestKind.MILESTONE, asked.value)
        assert request is not None
        with pytest.raises(UserError) as refused:
            await store.requests.answer(request, accept=True, now=lagging)
        assert str(refused.value) == TOO_LATE
    assert await status(store, missed) == MilestoneStatus.MISSED
    found = await store.milestones.milestone(kept.id)
    assert found is not None and found.deadline == at(5)
    assert len(await store.db.fetch_all("SELECT id FROM ledger_entries")) == 1
    # A deadline beyond what was judged is fine.
    assert (await add(store, theirs, 100, at(2.5), lagging)).status is MilestoneStatus.OPEN


async def test_erasing_a_member_keeps_their_partners_misses_missed(store: Store) -> None:
    """Erasure ends the pair, voiding the partner's milestones nobody can confirm now,
    but not those already recorded missed; the erased member's unpledged miss goes with
    its record, their charged one stays nameless for the pool."""
    mine, theirs = await goals_in(store, GUILDS[0])
    my_free = await add(store, mine, 0, at(1), START)
    my_pledged = await add(store, mine, 200, at(1), START)
    their_pledged = await add(store, theirs, 300, at(1), START)
    their_free = await add(store, theirs, 0, at(1), START)
    their_later = await add(store, theirs, 100, at(100), START)
    assert await store.milestones.charge_missed(at(2)) == 4

    await store.privacy.erase(GUILDS[0], mine.user_id, at(3))

    assert await store.milestones.milestone(my_free.id) is None
    assert await rows(store, "unpledged_misses") == [(their_free.id, to_timestamp(at(2)))]
    kept = await store.milestones.milestone(my_pledged.id)
    assert kept is not None and (kept.title, kept.status) == ("", MilestoneStatus.MISSED)
    assert [await status(store, m) for m in (their_pledged, their_free, their_later)] == [
        MilestoneStatus.MISSED,
        MilestoneStatus.MISSED,
        MilestoneStatus.VOID,
    ]
    assert await store.ledger.balance(their_pledged.partnership_id) == 500


async def test_a_new_shard_count_charges_what_the_old_one_left_once(
    database: Path | str,
) -> None:
    """One process (every server), then one for shard 0 of two, then one for both
    shards of two, whose frontiers then differ: each miss is recorded, charged, counted
    and told once, the misses the earlier counts recorded looked up, not redone."""
    opened = [await Store.open(database, START)]
    try:
        alone = opened[0]
        goals = [await goals_in(alone, guild) for guild in GUILDS]
        first = [await add(alone, goal, 100, at(1), START) for goal, _ in goals]
        free = await add(alone, goals[1][1], 0, at(1), START)
        assert await alone.milestones.charge_missed(at(2)) == 3
        second = [await add(alone, goal, 200, at(3), at(2)) for goal, _ in goals]

        opened.append(await Store.open(database, at(4), Shards(2, (0,))))
        assert await opened[-1].milestones.charge_missed(at(4)) == 1  # shard 0's second
        third = [await add(opened[-1], goal, 300, at(5), at(4)) for goal, _ in goals]

        both = await Store.open(database, at(6), Shards(2, (0, 1)))
        opened.append(both)
        frontiers = await rows(both, "miss_frontiers")
        assert frontiers[1][:3] == (2, 0, to_timestamp(at(4)))  # shard 1 of 2 has none yet
        assert await both.milestones.charge_missed(at(6)) == 3  # shard 1's second, both thirds
        assert await both.milestones.charge_missed(at(7)) == 0
        assert await both.milestones.next_deadline() is None

        charged = Counter(
            row["milestone_id"]
            for row in await both.db.fetch_all("SELECT milestone_id FROM ledger_entries")
        )
        assert charged == Counter(m.id for m in first + second + third)
        assert await rows(both, "unpledged_misses") == [(free.id, to_timestamp(at(2)))]
        runs = {at(2): [*first, free], at(4): second[:1], at(6): second[1:] + third}
        for run, missed in runs.items():
            for guild in GUILDS:
                pair = next(m.partnership_id for m in first if m.guild_id == guild)
                expected = [m.id for m in missed if m.guild_id == guild]
                found = await both.milestones.missed_in_run(pair, run)
                assert [m.id for m in found] == sorted(expected), (run, guild)
        told = await both.db.fetch_value(
            "SELECT COUNT(*) FROM outbox WHERE kind = ?", (NoticeKind.MISSED,)
        )
        assert told == 5  # at 2:00 both pairs, at 4:00 one, at 6:00 both
        counted = await both.db.fetch_value("SELECT SUM(milestones_missed) FROM health_days")
        assert counted == 7
    finally:
        for store in opened:
            await store.close()
