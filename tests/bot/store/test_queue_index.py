"""The queue's index search picks exactly whom ranking the whole queue would pick.

Members join at moments spread over two years, so their stored UTC minutes were taken
on either side of daylight-saving changes in zones that shift by half an hour, an hour
and two hours; each newcomer is then matched at yet another moment. Whoever
`QueueStore.best_candidate` returns must be `bot.matching.choose_partner`'s choice
among every waiting member (former partners left out).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.matching import Seeker, choose_partner, course_key
from bot.schedule import WeeklyTime
from bot.store import Store

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
    )


@pytest.mark.parametrize("seed", range(6))
async def test_best_candidate_is_the_whole_queue_ranking(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    store = await Store.open(tmp_path / "queue.db", FIRST_JOIN)
    try:
        waiting = [random_seeker(rng, user_id) for user_id in range(1, 150)]
        for seeker in waiting:
            await store.queue.queue(GUILD, COURSE, KEY, seeker, seeker.queued_at)
        matched = 0
        for _ in range(25):
            me = rng.choice(waiting)
            now = FIRST_JOIN + TWO_YEARS + rng.random() * TWO_YEARS
            expected = choose_partner(me, waiting, now)
            found = await store.queue.best_candidate(GUILD, KEY, me.user_id, now)
            assert found == expected, (me, now)
            matched += expected is not None
        assert matched >= 15  # most newcomers have a match: the comparison is not vacuous
    finally:
        await store.close()


async def test_the_search_reads_the_time_index(tmp_path: Path) -> None:
    """The waiting members are narrowed by index, not scanned."""
    store = await Store.open(tmp_path / "queue.db", FIRST_JOIN)
    try:
        plan = await store.db.fetch_all(
            "EXPLAIN QUERY PLAN SELECT user_id FROM queue_entries WHERE guild_id = 1"
            " AND course_key = 'x' AND utc_minute BETWEEN 10 AND 20 AND pace BETWEEN 5 AND 20"
        )
        details = " ".join(str(row["detail"]) for row in plan)
        assert "queue_by_time" in details and "utc_minute>? AND utc_minute<?" in details
    finally:
        await store.close()
