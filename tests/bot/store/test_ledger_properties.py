"""Property tests for pledges and the shared pool.

For any sequence of milestones, clock steps, miss-job runs (batched, rerun, crashed
mid-batch), restarts, confirmations, reschedules and settlements:

1. each missed milestone with a pledge is charged exactly once, for its stake, and
   nothing else is ever charged;
2. a pool's balance is the sum of its entries, and a settlement brings it to zero;
3. ledger rows are only ever appended, never changed or removed.

A small in-memory model says what the store must hold after every operation.
"""

from __future__ import annotations

import asyncio
import math
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot import ledger
from bot.errors import UserError
from bot.matching import Seeker
from bot.models import EntryKind, Goal, NoticeKind, Partnership, RequestKind
from bot.schedule import WeeklyTime
from bot.store import Store
from bot.store.milestones import charge_batch
from bot.store.misses import missed_at_of, status_of
from tests.helpers import migrated_sqlite

START = datetime(2026, 1, 5, tzinfo=UTC)
GUILD = 4242
CURRENCY = "points"
MAX_STAKE = 100
COURSES = (("Linear Algebra", (11, 12)), ("Organic Chemistry", (21, 22)))
WEEKLY = WeeklyTime(weekday=0, minute=18 * 60, zone="Europe/Berlin")


class Crash(Exception):
    """Stands in for the process dying in the middle of a miss-job batch."""


# -- the model ------------------------------------------------------------------


@dataclass
class ModelMilestone:
    pool: int
    owner: int
    stake: int
    deadline: datetime
    status: str = "open"
    charged_key: str | None = None


@dataclass
class World:
    path: Path
    store: Store
    now: datetime
    pools: list[Partnership]
    goals: list[Goal]
    milestones: dict[int, ModelMilestone] = field(default_factory=dict)
    balances: dict[int, int] = field(default_factory=dict)
    proposals: dict[int, list[int]] = field(default_factory=dict)
    pending: dict[int, int | None] = field(default_factory=dict)
    settled: dict[int, int] = field(default_factory=dict)
    shown: dict[int, int] = field(default_factory=dict)

    def overdue(self) -> set[int]:
        return {
            mid
            for mid, m in self.milestones.items()
            if m.status == "open" and m.deadline <= self.now
        }

    def pick(self, index: int) -> int | None:
        ids = sorted(self.milestones)
        return ids[index % len(ids)] if ids else None


async def open_world(path: Path) -> World:
    store = await Store.open(migrated_sqlite(path), START)
    pools = []
    goals = []
    for course, (first, second) in COURSES:
        key = course.casefold()
        for user in (first, second):
            seeker = Seeker(user_id=user, pace=10, weekly=WEEKLY, queued_at=START)
            await store.queue.queue(GUILD, course, key, seeker, START)
        made = await store.queue.pair(GUILD, key, second, first, START)
        assert made is not None, "two identical seekers must be paired"
        pools.append(made.value)
        for user in (first, second):
            await store.milestones.add_goal(made.value, user, "Finish it", "done", START)
            [goal] = await store.milestones.active_goals(GUILD, user)
            goals.append(goal)
    world = World(path=path, store=store, now=START, pools=pools, goals=goals)
    for pool in pools:
        world.balances[pool.id] = 0
        world.proposals[pool.id] = []
        world.pending[pool.id] = None
    return world


# -- reading the database ---------------------------------------------------------


async def ledger_rows(store: Store) -> dict[int, tuple[Any, ...]]:
    rows = await store.db.fetch_all("SELECT * FROM ledger_entries ORDER BY id")
    return {row[0]: tuple(row) for row in rows}


async def full_state(store: Store) -> list[list[tuple[Any, ...]]]:
    tables = (
        "ledger_entries",
        "milestones",
        "unpledged_misses",
        "miss_frontiers",
        "outbox",
        "settle_proposals",
        "milestone_requests",
    )
    state = []
    for table in tables:
        rows = await store.db.fetch_all(f"SELECT * FROM {table} ORDER BY rowid")
        state.append([tuple(row) for row in rows])
    return state


async def statuses(store: Store) -> dict[int, str]:
    rows = await store.db.fetch_all(f"SELECT id, {status_of('m')} FROM milestones m")
    return {row[0]: row[1] for row in rows}


async def check_invariants(world: World) -> None:
    store = world.store
    rows = await store.db.fetch_all(
        f"SELECT id, partnership_id, owner_id, stake, deadline_at, {status_of('m')} FROM milestones m"
    )
    assert {row[0] for row in rows} == set(world.milestones)
    for mid, pool, owner, stake, deadline_at, status in rows:
        m = world.milestones[mid]
        assert (pool, owner, stake, deadline_at, status) == (
            m.pool,
            m.owner,
            m.stake,
            int(m.deadline.timestamp()),
            m.status,
        ), f"milestone {mid} differs from the model"

    entries = await store.db.fetch_all(
        "SELECT id, partnership_id, guild_id, member_id, milestone_id, kind, amount,"
        " idempotency_key FROM ledger_entries ORDER BY id"
    )
    misses = [e for e in entries if e[5] == EntryKind.MISS]
    settles = [e for e in entries if e[5] == EntryKind.SETTLE]
    assert len(misses) + len(settles) == len(entries)

    # 1. exactly one charge per missed, pledged milestone; none for anything else
    charged = Counter(e[4] for e in misses)
    for mid, m in world.milestones.items():
        expected = 1 if m.status == "missed" and m.stake > 0 else 0
        assert charged[mid] == expected, f"milestone {mid} ({m.status}, stake {m.stake})"
    assert set(charged) <= set(world.milestones)
    for _id, pool, guild, member, mid, _kind, amount, key in misses:
        m = world.milestones[mid]
        assert (pool, guild, member, amount, key) == (
            m.pool,
            GUILD,
            m.owner,
            m.stake,
            m.charged_key,
        )

    for _id, pool, guild, _member, mid, _kind, amount, key in settles:
        proposal = int(key.removeprefix("settle:"))
        assert key == ledger.settle_key(proposal)
        assert mid is None and guild == GUILD
        assert proposal in world.proposals[pool]
        assert amount == -world.settled[proposal] < 0
    assert sorted(int(e[7].removeprefix("settle:")) for e in settles) == sorted(world.settled)

    # 2. a balance is the sum of the pool's entries (and what the model expects)
    for pool in world.pools:
        amounts = [e[6] for e in entries if e[1] == pool.id]
        assert await store.ledger.balance(pool.id) == sum(amounts)
        assert sum(amounts) == world.balances[pool.id]
        stakes = sum(
            m.stake for m in world.milestones.values() if m.pool == pool.id and m.charged_key
        )
        paid = sum(world.settled[p] for p in world.proposals[pool.id] if p in world.settled)
        assert world.balances[pool.id] == stakes - paid
    # the kept totals (what the moderators' overview reads) are those sums, exactly
    shown = await store.ledger.overview(GUILD, page=1, per_page=len(world.pools))
    expected = {
        pool.id: world.balances[pool.id]
        for pool in world.pools
        if any(e[1] == pool.id for e in entries)
    }
    assert {s.partnership_id: s.balance for s in shown.pools} == expected
    assert (shown.total, shown.pool_count) == (sum(e[6] for e in entries), len(expected))
    assert [s.balance for s in shown.pools] == sorted(expected.values(), reverse=True)

    # every miss (pledged or not) is told in its pair's thread exactly once: one notice
    # per pair and run of the miss job, naming the milestones that run marked
    told = Counter(
        (row[0], row[1])
        for row in await store.db.fetch_all(
            "SELECT partnership_id, episode FROM outbox WHERE kind = ?", (NoticeKind.MISSED,)
        )
    )
    missed = f"{status_of('m')} = 'missed'"
    runs = await store.db.fetch_all(
        f"SELECT DISTINCT partnership_id, {missed_at_of('m')} FROM milestones m WHERE {missed}"
    )
    assert told == Counter((row[0], row[1]) for row in runs)
    unmarked = await store.db.fetch_value(
        f"SELECT COUNT(*) FROM milestones m WHERE ({missed}) != ({missed_at_of('m')} IS NOT NULL)"
    )
    assert unmarked == 0
    assert {mid for mid, m in world.milestones.items() if m.status == "missed"} == {
        row[0] for row in await store.db.fetch_all(f"SELECT id FROM milestones m WHERE {missed}")
    }


# -- operations -------------------------------------------------------------------


async def run_miss(world: World, limit: int) -> int:
    """One call of the miss job, checked against the model."""
    overdue = world.overdue()
    count = await world.store.milestones.charge_missed(world.now, limit)
    assert count == min(limit, len(overdue))
    found = await statuses(world.store)
    newly = {mid for mid in overdue if found[mid] == "missed"}
    assert len(newly) == count
    for mid, m in world.milestones.items():
        if mid not in newly:
            assert found[mid] == m.status, f"milestone {mid} changed without being due"
    rest = overdue - newly
    if newly and rest:
        latest = max(world.milestones[mid].deadline for mid in newly)
        assert latest <= min(world.milestones[mid].deadline for mid in rest), "oldest first"
    for mid in newly:
        m = world.milestones[mid]
        m.status = "missed"
        if m.stake > 0:
            m.charged_key = ledger.miss_key(mid, m.deadline)
            world.balances[m.pool] += m.stake
    return count


async def propose(world: World, pool: Partnership) -> int | None:
    balance = world.balances[pool.id]
    try:
        proposed = await world.store.ledger.propose_settlement(
            pool, pool.members[0], "paid in coffee", world.now
        )
        proposal, shown = proposed.value
    except UserError:
        assert balance <= 0, "a pool with a balance could not be settled"
        return None
    assert balance > 0, "an empty pool accepted a settlement proposal"
    assert shown == balance
    world.shown[proposal] = shown
    if proposed.repeated:  # the same proposal again (a retried command) is the same proposal
        assert proposal == world.pending[pool.id]
    else:
        world.proposals[pool.id].append(proposal)
    world.pending[pool.id] = proposal
    return proposal


async def accept(world: World, pool: Partnership, proposal: int) -> None:
    balance = world.balances[pool.id]
    # Only the newest proposal, and only while the pool still holds what it showed.
    expect_ok = world.pending[pool.id] == proposal and world.shown.get(proposal) == balance
    try:
        request = await world.store.requests.get(RequestKind.SETTLE, proposal)
        assert request is not None
        await world.store.requests.answer(request, accept=True, now=world.now)
        amount = -(await world.store.ledger.recent(pool.id, limit=1))[0].amount
    except UserError:
        assert not expect_ok, "the pending proposal could not be accepted"
        return
    assert expect_ok, "a void or answered proposal was accepted"
    assert amount == balance
    world.balances[pool.id] = 0
    world.settled[proposal] = amount
    world.pending[pool.id] = None
    assert await world.store.ledger.balance(pool.id) == 0


async def answer(world: World, mid: int, kind: str, hours: int = 0) -> None:
    store = world.store
    m = world.milestones[mid]
    milestone = await store.milestones.milestone(mid)
    assert milestone is not None
    new_deadline = world.now + timedelta(hours=hours)
    if kind == "done":
        asked = await store.milestones.request(milestone, "done", world.now)
    else:
        asked = await store.milestones.request(
            milestone, "reschedule", world.now, new_deadline.date(), new_deadline
        )
    request = await store.requests.get(RequestKind.MILESTONE, asked.value)
    assert request is not None
    expect_ok = m.status == "open" and m.deadline > world.now
    try:
        await store.requests.answer(request, accept=True, now=world.now)
        result = await store.milestones.milestone(mid)
        assert result is not None
    except UserError:
        assert not expect_ok, f"could not answer for open milestone {mid} before its deadline"
        return
    assert expect_ok, f"answered for milestone {mid} ({m.status}) at or after its deadline"
    if kind == "done":
        m.status = "confirmed"
    else:
        m.deadline = new_deadline
    assert result.status == m.status and result.deadline == m.deadline
    with pytest.raises(UserError):
        await store.requests.answer(request, accept=True, now=world.now)


async def crash(world: World, limit: int) -> None:
    before = await full_state(world.store)
    expected = min(limit, len(world.overdue()))
    with pytest.raises(Crash):
        async with world.store.db.transaction() as conn:
            assert await charge_batch(conn, world.now, limit) == expected
            raise Crash
    assert await full_state(world.store) == before, "a crashed batch left traces"


async def restart(world: World) -> None:
    before = await full_state(world.store)
    await world.store.close()
    world.store = await Store.open(world.path, world.now)
    assert await full_state(world.store) == before, "a restart lost or changed data"


async def add(world: World, goal_index: int, stake: int, hours: int) -> None:
    goal = world.goals[goal_index]
    minor = ledger.stake_in_minor_units(stake, MAX_STAKE, CURRENCY)
    deadline = world.now + timedelta(hours=hours)
    title = f"Step {len(world.milestones)}"
    milestone = (
        await world.store.milestones.add_milestone(
            goal, goal.user_id, title, deadline.date(), deadline, minor, world.now
        )
    ).value
    assert (milestone.status, milestone.stake, milestone.deadline) == ("open", minor, deadline)
    world.milestones[milestone.id] = ModelMilestone(
        goal.partnership_id, goal.user_id, minor, deadline
    )


async def apply_to_pool(world: World, op: tuple[Any, ...]) -> None:
    pool = world.pools[op[1]]
    match op:
        case ("settle", _):
            proposal = await propose(world, pool)
            if proposal is not None:
                await accept(world, pool, proposal)
        case ("propose", _):
            await propose(world, pool)
        case ("accept", _, index):
            made = world.proposals[pool.id]
            if made:
                await accept(world, pool, made[index % len(made)])
        case _:
            raise AssertionError(f"unknown operation {op!r}")


async def apply(world: World, op: tuple[Any, ...]) -> None:
    match op:
        case ("add", goal_index, stake, hours):
            await add(world, goal_index, stake, hours)
        case ("advance", hours):
            world.now += timedelta(hours=hours)
        case ("miss", limit):
            await run_miss(world, limit)
        case ("rerun", limit):
            await run_miss(world, limit)
            await run_miss(world, limit)
        case ("crash", limit):
            await crash(world, limit)
        case ("restart",):
            await restart(world)
        case ("confirm", index):
            mid = world.pick(index)
            if mid is not None:
                await answer(world, mid, "done")
        case ("reschedule", index, hours):
            mid = world.pick(index)
            if mid is not None:
                await answer(world, mid, "reschedule", hours)
        case _:
            await apply_to_pool(world, op)


async def scenario(path: Path, ops: list[tuple[Any, ...]]) -> None:
    world = await open_world(path)
    try:
        await check_invariants(world)
        for op in ops:
            before = await ledger_rows(world.store)
            await apply(world, op)
            after = await ledger_rows(world.store)
            # 3. append-only: every earlier row is still there, unchanged
            for row_id, row in before.items():
                assert after.get(row_id) == row, f"ledger row {row_id} changed during {op!r}"
            assert all(row_id > max(before, default=0) for row_id in after.keys() - before)
            await check_invariants(world)

        # The miss job runs to completion, as the reminder loop does; then once more
        # after every deadline has passed, so that every open milestone is missed.
        for step in (0, 24 * 365):
            world.now += timedelta(hours=step)
            while await run_miss(world, 3) == 3:
                pass
            assert not world.overdue()
            found = await statuses(world.store)
            for mid, m in world.milestones.items():
                if m.deadline <= world.now:
                    assert found[mid] in {"missed", "confirmed"}, f"milestone {mid} never missed"
            await check_invariants(world)

        # A settlement zeroes every pool that has something in it.
        for pool in world.pools:
            await apply(world, ("settle", world.pools.index(pool)))
            assert await world.store.ledger.balance(pool.id) == 0
        await check_invariants(world)
    finally:
        await world.store.close()


LIMIT = st.integers(1, 5)
PICK = st.integers(0, 99)
POOL = st.integers(0, 1)
ARGUMENTS = {
    "add": st.tuples(st.integers(0, 3), st.integers(0, MAX_STAKE), st.integers(1, 72)),
    "advance": st.tuples(st.integers(0, 48)),
    "miss": st.tuples(LIMIT),
    "rerun": st.tuples(LIMIT),
    "crash": st.tuples(LIMIT),
    "restart": st.tuples(),
    "confirm": st.tuples(PICK),
    "reschedule": st.tuples(PICK, st.integers(1, 72)),
    "settle": st.tuples(POOL),
    "propose": st.tuples(POOL),
    "accept": st.tuples(POOL, st.integers(0, 9)),
}
# Milestones, time and the miss job come up more often than the rest, so that most
# histories have overdue milestones for the batches, crashes and settlements to meet.
KINDS = ["add"] * 4 + ["advance"] * 3 + ["miss", "crash", "crash", "confirm"] + list(ARGUMENTS)
OPERATION = st.sampled_from(KINDS).flatmap(
    lambda kind: ARGUMENTS[kind].map(lambda arguments: (kind, *arguments))
)
ADD = ARGUMENTS["add"].map(lambda arguments: ("add", *arguments))
FIRST_MILESTONES = st.lists(ADD, max_size=8)
BUSY_DAY = [
    ("add", 0, 5, 1),
    ("add", 1, 0, 1),
    ("add", 2, 7, 2),
    ("add", 3, 100, 2),
    ("add", 0, 3, 30),
    ("add", 2, 1, 5),
    ("confirm", 5),
    ("propose", 0),
    ("advance", 3),
    ("crash", 2),
    ("miss", 1),
    ("crash", 5),
    ("rerun", 1),
    ("restart",),
    ("miss", 5),
    ("accept", 0, 0),
    ("confirm", 0),
    ("settle", 1),
    ("reschedule", 4, 1),
    ("advance", 1),
    ("rerun", 2),
    ("settle", 0),
    ("settle", 0),
]

# Edges a random walk rarely reaches: answering exactly at a deadline, answering for an
# overdue milestone the job has not reached yet, accepting a replaced or answered proposal.
EDGES = [
    ("add", 0, 10, 2),
    ("add", 1, 20, 3),
    ("add", 2, 30, 1),
    ("advance", 2),
    ("confirm", 0),
    ("reschedule", 0, 5),
    ("confirm", 2),
    ("confirm", 1),
    ("miss", 5),
    ("propose", 0),
    ("propose", 0),
    ("accept", 0, 0),
    ("accept", 0, 1),
    ("accept", 0, 1),
    ("propose", 0),
    ("propose", 1),
    ("accept", 1, 0),
]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(first=[], ops=BUSY_DAY)
@example(first=[], ops=EDGES)
@given(first=FIRST_MILESTONES, ops=st.lists(OPERATION, min_size=4, max_size=40))
def test_any_history_charges_once_sums_exactly_and_only_appends(
    first: list[tuple[Any, ...]], ops: list[tuple[Any, ...]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(scenario(Path(folder) / "tandem.db", first + ops))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    first=st.lists(ADD, min_size=1, max_size=8),
    hours=st.integers(1, 72),
    limits=st.tuples(LIMIT, LIMIT, LIMIT, LIMIT),
    then=st.lists(OPERATION, max_size=10),
)
def test_crashed_batches_leave_no_trace_and_reruns_charge_once(
    first: list[tuple[Any, ...]],
    hours: int,
    limits: tuple[int, int, int, int],
    then: list[tuple[Any, ...]],
) -> None:
    """Crashes land where milestones are overdue, between partial batches and a restart."""
    first_crash, partial, again, rerun = limits
    ops = [
        *first,
        ("advance", hours),
        ("crash", first_crash),
        ("miss", partial),
        ("crash", again),
        ("restart",),
        ("rerun", rerun),
        ("settle", 0),
        *then,
    ]
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(scenario(Path(folder) / "tandem.db", ops))


# -- pure rules of bot/ledger.py ---------------------------------------------------

AMOUNTS = st.lists(st.integers(-(10**12), 10**12), max_size=50)


@given(AMOUNTS.filter(lambda amounts: sum(amounts) > 0))
def test_a_settlement_brings_any_positive_balance_to_zero(amounts: list[int]) -> None:
    current = sum(amounts)
    entry = ledger.settlement_amount(current)
    assert entry < 0
    assert sum([*amounts, entry]) == 0


@given(st.integers(max_value=0))
def test_nothing_to_settle_in_an_empty_or_negative_pool(current: int) -> None:
    with pytest.raises(UserError):
        ledger.settlement_amount(current)


def parse_amount(text: str, currency: str) -> int:
    assert text.endswith(f" {currency}")
    number = text.removesuffix(f" {currency}")
    sign = -1 if number.startswith("-") else 1
    units, _, cents = number.removeprefix("-").partition(".")
    assert units.isdigit() and (units == "0" or not units.startswith("0"))
    if cents:
        assert len(cents) == 2 and cents.isdigit() and cents != "00"
    return sign * (int(units) * ledger.MINOR_PER_UNIT + int(cents or 0))


@given(st.integers(-(10**15), 10**15), st.sampled_from(["points", "EUR", "€", "study coins"]))
def test_format_amount_round_trips_units_and_cents(minor: int, currency: str) -> None:
    text = ledger.format_amount(minor, currency)
    assert text.endswith(f" {currency}")
    assert parse_amount(text, currency) == minor
    units, cents = divmod(abs(minor), ledger.MINOR_PER_UNIT)
    assert ("." in text) == (cents != 0)
    assert text.startswith("-") == (minor < 0)
    assert f"{units}" in text


@given(st.integers(0, 10_000), st.data())
def test_a_whole_pledge_up_to_the_maximum_is_stored_in_minor_units(
    max_stake: int, data: st.DataObject
) -> None:
    stake = data.draw(st.integers(0, max_stake))
    as_float = data.draw(st.booleans())
    minor = ledger.stake_in_minor_units(float(stake) if as_float else stake, max_stake, CURRENCY)
    assert minor == stake * ledger.MINOR_PER_UNIT
    assert isinstance(minor, int)


@given(st.integers(0, 10_000), st.integers(1, 10**9))
def test_negative_pledges_are_refused(max_stake: int, below: int) -> None:
    with pytest.raises(UserError):
        ledger.stake_in_minor_units(-below, max_stake, CURRENCY)
    with pytest.raises(UserError):
        ledger.stake_in_minor_units(-below / 3, max_stake, CURRENCY)


@given(
    st.integers(1, 10_000),
    st.floats(min_value=0, max_value=10_000, allow_nan=False).filter(
        lambda stake: not stake.is_integer()
    ),
)
def test_fractional_pledges_are_refused(max_stake: int, stake: float) -> None:
    with pytest.raises(UserError):
        ledger.stake_in_minor_units(stake, max_stake, CURRENCY)


@pytest.mark.parametrize("stake", [math.nan, math.inf])
def test_pledges_that_are_not_numbers_are_refused(stake: float) -> None:
    with pytest.raises(UserError):
        ledger.stake_in_minor_units(stake, MAX_STAKE, CURRENCY)


@given(st.integers(0, 10_000), st.integers(1, 10**6), st.booleans())
def test_pledges_above_the_maximum_are_refused(max_stake: int, over: int, as_float: bool) -> None:
    stake = max_stake + over
    with pytest.raises(UserError):
        ledger.stake_in_minor_units(float(stake) if as_float else stake, max_stake, CURRENCY)


@given(
    st.integers(1, 10**9),
    st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        max_value=datetime(2100, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]),
)
def test_a_miss_key_names_the_instant_not_the_zone(
    milestone_id: int, deadline: datetime, zone: str
) -> None:
    key = ledger.miss_key(milestone_id, deadline)
    assert key == ledger.miss_key(milestone_id, deadline.astimezone(ZoneInfo(zone)))
    assert key != ledger.miss_key(milestone_id + 1, deadline)
    assert key != ledger.miss_key(milestone_id, deadline + timedelta(seconds=1))
    assert not key.startswith("settle:")
    assert ledger.settle_key(milestone_id) != ledger.settle_key(milestone_id + 1)
