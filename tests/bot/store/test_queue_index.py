"""The queue's ranked index search picks exactly whom ranking the whole queue would pick.

Members join at moments spread over two years, so their stored UTC minutes were taken
on either side of daylight-saving changes in zones that shift by half an hour, an hour
and two hours; newcomers are then matched at later moments, each after the one before
(the clock only moves forward). Whoever `QueueStore.best_candidate` returns, from the
few rows SQL ranked first, must be `bot.matching.choose_partner`'s choice among every
waiting member (former partners left out), on both engines.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.matching import Seeker, choose_partner, course_key
from bot.models import EndCause
from bot.schedule import WeeklyTime
from bot.store import Store
from bot.store.database import from_timestamp
from bot.store.queue import _SEEKER_COLUMNS, _seeker
from tests.helpers import on_sqlite

GUILD = 77
COURSE = "Big Course"
KEY = course_key(COURSE)
ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Antarctica/Troll",
    "Asia/Kathmandu",
]
FIRST_JOIN = datetime(2025, 1, 1, tzinfo=UTC)
TWO_YEARS = timedelta(days=730)
LANGUAGES = [(), (), ("es",), ("de",), ("es", "pt"), ("de", "es")]


def random_seeker(rng: random.Random, user_id: int) -> Seeker:
    return Seeker(
        user_id=user_id,
        # Paces near each other and times in a few hours of one evening, so most
        # candidates are close calls between the rules and the tie-breaks.
        pace=rng.choice([4, 5, 6, 8, 9, 10, 11, 12, 15, 20, 21]),
        weekly=WeeklyTime(
            weekday=rng.choice([0, 0, 0, 1, 6]),
            minute=rng.randrange(15 * 60, 23 * 60, 15),
            zone=rng.choice(ZONES),
        ),
        # Whole seconds, as the store keeps them.
        queued_at=FIRST_JOIN + timedelta(seconds=rng.randrange(int(TWO_YEARS.total_seconds()))),
        priority=rng.random() < 0.1,
        languages=frozenset(rng.choice(LANGUAGES)),
    )


async def join(store: Store, seeker: Seeker) -> None:
    """Queue `seeker` as `/partner find` would, with the languages of their profile."""
    await store.profiles.update_profile(
        GUILD, seeker.user_id, zone=None, hidden=None, languages=tuple(sorted(seeker.languages))
    )
    await store.queue.queue(GUILD, COURSE, KEY, seeker, seeker.queued_at)


@pytest.mark.parametrize("seed", range(6))
async def test_best_candidate_is_the_whole_queue_ranking(database: Path | str, seed: int) -> None:
    rng = random.Random(seed)
    store = await Store.open(database, FIRST_JOIN)
    try:
        waiting = sorted(
            (random_seeker(rng, user_id) for user_id in range(1, 150)),
            key=lambda seeker: seeker.queued_at,
        )
        for seeker in waiting:
            await join(store, seeker)
        # Two pairs that ended: each member is left out of the other's search, and the
        # one who ended it waits again, first in line, at the pair's time.
        ended_at = waiting[-1].queued_at
        for first in (waiting[0], waiting[5]):
            second = choose_partner(first, waiting, ended_at)
            assert second is not None
            made = await store.queue.pair(GUILD, KEY, first.user_id, second.user_id, ended_at)
            assert made is not None
            await store.queue.end_and_requeue(made.value, first.user_id, EndCause.ENDED, ended_at)
            await join(store, replace(second, queued_at=ended_at))
            waiting = await everyone_waiting(store)
        former = await former_pairs(store)
        former = await former_pairs(store)
        matched = 0
        moments = sorted(FIRST_JOIN + TWO_YEARS + rng.random() * TWO_YEARS for _ in range(25))
        for now in moments:
            me = rng.choice(waiting)
            others = [other for other in waiting if (me.user_id, other.user_id) not in former]
            expected = choose_partner(me, others, now)
            found = await store.queue.best_candidate(GUILD, KEY, me.user_id, now)
            assert found == expected, (me, now)
            matched += expected is not None
        assert matched >= 12  # most newcomers have a match: the comparison is not vacuous
    finally:
        await store.close()


async def everyone_waiting(store: Store) -> list[Seeker]:
    rows = await store.db.fetch_all(f"SELECT {_SEEKER_COLUMNS} FROM queue_entries")
    return [_seeker(row) for row in rows]


async def former_pairs(store: Store) -> set[tuple[int, int]]:
    rows = await store.db.fetch_all(
        "SELECT a.user_id AS one, b.user_id AS other FROM partnership_members a"
        " JOIN partnership_members b ON b.partnership_id = a.partnership_id"
        " AND b.user_id != a.user_id"
    )
    return {(row["one"], row["other"]) for row in rows}


async def test_a_time_moved_by_daylight_saving_since_joining_still_matches(
    database: Path | str,
) -> None:
    """Berlin's 18:00 is 17:00 UTC in winter and 16:00 UTC in summer: a member who joined
    in winter is found in summer by one who joined at 19:00 UTC (three hours from 16:00
    but two from 17:00), and not by one at 13:30 UTC (3.5 hours from 17:00 but 2.5 from 16:00)."""
    winter = datetime(2026, 1, 5, tzinfo=UTC)
    summer = datetime(2026, 6, 1, tzinfo=UTC)
    store = await Store.open(database, winter)
    try:
        berlin = Seeker(1, 10, WeeklyTime(0, 18 * 60, "Europe/Berlin"), winter)
        late = Seeker(2, 10, WeeklyTime(0, 19 * 60, "UTC"), summer)
        early = Seeker(3, 10, WeeklyTime(0, 13 * 60 + 30, "UTC"), summer)
        for seeker in (berlin, late, early):
            await join(store, seeker)
        assert await store.queue.best_candidate(GUILD, KEY, early.user_id, winter) is None
        assert await store.queue.best_candidate(GUILD, KEY, late.user_id, summer) == berlin
        assert await store.queue.best_candidate(GUILD, KEY, early.user_id, summer) == berlin
        assert await store.queue.best_candidate(GUILD, KEY, berlin.user_id, summer) == early
        [row] = await store.db.fetch_all(
            "SELECT utc_minute, utc_until FROM queue_entries WHERE user_id = ?", (1,)
        )
        assert row["utc_minute"] == 16 * 60  # Monday 16:00 UTC, kept until the autumn
        assert from_timestamp(row["utc_until"]) == datetime(2026, 10, 19, 16, 0, tzinfo=UTC)
    finally:
        await store.close()


@on_sqlite
async def test_the_search_reads_the_time_index(database: Path | str) -> None:
    """The waiting members are narrowed by index, pace included, not scanned."""
    store = await Store.open(database, FIRST_JOIN)
    try:
        plan = await store.db.fetch_all(
            "EXPLAIN QUERY PLAN SELECT user_id, languages FROM queue_entries"
            " WHERE guild_id = 1 AND course_key = 'x' AND utc_minute BETWEEN 10 AND 20"
            " AND pace BETWEEN 5 AND 20 ORDER BY priority DESC LIMIT 3"
        )
        details = " ".join(str(row["detail"]) for row in plan)
        assert "queue_by_time" in details and "utc_minute>? AND utc_minute<?" in details
        stale = await store.db.fetch_all(
            "EXPLAIN QUERY PLAN SELECT user_id FROM queue_entries"
            " WHERE guild_id = 1 AND course_key = 'x' AND utc_until <= 5"
        )
        assert "queue_by_time_end" in " ".join(str(row["detail"]) for row in stale)
    finally:
        await store.close()
