"""Unit tests for bot.health: the weeks and days the health view counts in, who a check-in
asks, when a pair is quiet, why waiting members are not matched, and what is worst."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.health import (
    DAY_SECONDS,
    WEEKS_SHOWN,
    Blocker,
    CourseWait,
    Day,
    Health,
    Problem,
    WeekShare,
    blocker,
    checkins_due,
    day_of,
    first_day,
    is_quiet,
    recent_milestones,
    week_of,
    weekly_shares,
    worst_problem,
)
from bot.matching import Seeker
from bot.models import NoticeKind, Role
from bot.pauses import Span
from bot.reminders import Notice, PairState, Plan
from bot.schedule import WeeklyTime
from bot.store import Store, open_database
from bot.store import database as database_module

NOW = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)  # a Wednesday
MONDAY = datetime(2026, 3, 2, tzinfo=UTC)
ALICE, BOB = 1, 2
EVENING = WeeklyTime(0, 18 * 60, "UTC")


def stamp(instant: datetime) -> int:
    return int(instant.timestamp())


def test_days_and_weeks_are_utc_and_weeks_begin_on_monday() -> None:
    assert day_of(NOW) == stamp(datetime(2026, 3, 4, tzinfo=UTC))
    assert week_of(NOW) == MONDAY
    assert week_of(MONDAY) == MONDAY
    assert week_of(MONDAY - timedelta(seconds=1)) == MONDAY - timedelta(weeks=1)
    assert first_day(NOW) == stamp(MONDAY - timedelta(weeks=WEEKS_SHOWN - 1))


def test_each_week_counts_the_checkins_asked_in_it_and_those_made() -> None:
    days = [
        Day(stamp(MONDAY), checkins_due=4, checkins_made=3),
        Day(stamp(MONDAY + timedelta(days=2)), checkins_due=2, checkins_made=0),
        Day(stamp(MONDAY - timedelta(days=1)), checkins_due=2, checkins_made=3),  # a Sunday
    ]
    weeks = weekly_shares(days, NOW)
    assert len(weeks) == WEEKS_SHOWN
    assert [week.starts for week in weeks][-2:] == [MONDAY - timedelta(weeks=1), MONDAY]
    assert weeks[-1] == WeekShare(MONDAY, due=6, made=3)
    assert weeks[-1].share == 0.5
    # More made than asked (a member answered on a break) is all of them, never more.
    assert weeks[-2].share == 1.0
    assert weeks[0].share is None  # nobody was asked


def test_milestones_count_for_thirty_days_today_included() -> None:
    today = day_of(NOW)
    days = [
        Day(today, milestones_confirmed=2),
        Day(today - 29 * DAY_SECONDS, milestones_confirmed=1, milestones_missed=1),
        Day(today - 30 * DAY_SECONDS, milestones_confirmed=5, milestones_missed=5),
    ]
    assert recent_milestones(days, NOW) == (3, 1)


def pair_state(**changes: Any) -> PairState:
    return replace(
        PairState(
            partnership_id=7,
            members=(ALICE, BOB),
            weekly=EVENING,
            created_at=NOW - timedelta(weeks=4),
            next_checkin_at=NOW + timedelta(days=5),
            last_checkin={ALICE: None, BOB: None},
        ),
        **changes,
    )


def test_a_checkin_asks_every_partner_but_a_mentor_and_one_on_a_break() -> None:
    assert checkins_due(pair_state(), NOW) == 2
    assert checkins_due(pair_state(roles=(Role.MENTOR, Role.MENTEE)), NOW) == 1
    on_break = {BOB: (Span(NOW - timedelta(days=1), NOW + timedelta(days=6)),)}
    assert checkins_due(pair_state(pauses=on_break), NOW) == 1
    # A break that ended before the check-in, or begins with it ending, asks again.
    over = {BOB: (Span(NOW - timedelta(days=8), NOW),)}
    assert checkins_due(pair_state(pauses=over), NOW) == 2


def test_a_pair_is_quiet_while_a_partner_is_owed_the_nudge() -> None:
    later = NOW + timedelta(days=1)
    assert is_quiet(Plan([Notice(NoticeKind.NUDGE, 1, BOB)], later, later))
    assert not is_quiet(Plan([Notice(NoticeKind.CHECKIN, 1)], later, later))


def seeker(user_id: int, pace: int = 10, hour: int = 18, languages: str = "") -> Seeker:
    return Seeker(
        user_id,
        pace,
        WeeklyTime(0, hour * 60, "UTC"),
        NOW - timedelta(days=user_id),
        languages=frozenset(filter(None, languages.split(","))),
    )


def test_the_rule_keeping_most_waiting_members_apart_is_named() -> None:
    assert blocker([seeker(1, pace=4), seeker(2, pace=40)], [], NOW) is Blocker.PACE
    assert blocker([seeker(1, hour=6), seeker(2, hour=18)], [], NOW) is Blocker.TIME
    assert blocker([seeker(1, languages="de"), seeker(2, languages="fr")], [], NOW) is (
        Blocker.LANGUAGE
    )
    assert blocker([seeker(1), seeker(2)], [frozenset((1, 2))], NOW) is Blocker.PARTNERED_BEFORE
    # Three paces and three times: the pace keeps all three pairs apart, the time two.
    three = [seeker(1, pace=2, hour=6), seeker(2, pace=10, hour=6), seeker(3, pace=40, hour=18)]
    assert blocker(three, [], NOW) is Blocker.PACE
    # A tie goes to the first rule in `Blocker`'s order.
    both = [seeker(1, pace=4, hour=6, languages="de"), seeker(2, pace=40, hour=18, languages="fr")]
    assert blocker(both, [], NOW) is Blocker.LANGUAGE


def test_nothing_is_blamed_when_two_could_be_matched_or_one_waits() -> None:
    assert blocker([seeker(1, pace=4), seeker(2, pace=40), seeker(3, pace=6)], [], NOW) is None
    assert blocker([seeker(1)], [], NOW) is None
    # Times across the end of the week are close: Sunday 23:00 and Monday 01:00 UTC.
    sunday = Seeker(1, 10, WeeklyTime(6, 23 * 60, "UTC"), NOW)
    monday = Seeker(2, 10, WeeklyTime(0, 60, "UTC"), NOW)
    assert blocker([sunday, monday], [], NOW) is None


def health(**changes: Any) -> Health:
    return replace(
        Health(
            active_pairs=3,
            quiet_pairs=0,
            waiting=0,
            weeks=tuple(WeekShare(MONDAY - timedelta(weeks=n), 0, 0) for n in range(7, -1, -1)),
            confirmed=0,
            missed=0,
            courses=(),
            undeliverable=0,
        ),
        **changes,
    )


def test_the_worst_problem_is_what_stops_tandem_then_what_members_miss() -> None:
    stuck = CourseWait("Chemistry", 2, NOW - timedelta(days=9), Blocker.PACE)
    everything = health(undeliverable=2, quiet_pairs=1, courses=(stuck,))
    assert worst_problem(everything, missing_permissions=1) is Problem.MISSING_PERMISSIONS
    assert worst_problem(everything, 0) is Problem.UNDELIVERABLE
    assert worst_problem(health(quiet_pairs=1, courses=(stuck,)), 0) is Problem.STUCK_COURSE
    assert worst_problem(health(quiet_pairs=1), 0) is Problem.QUIET_PAIRS
    assert worst_problem(health(), 0) is None


def test_the_stuck_course_is_the_one_waiting_longest_among_those_blocked() -> None:
    matched = CourseWait("Art", 5, NOW - timedelta(days=40), None)
    newer = CourseWait("Biology", 9, NOW - timedelta(days=3), Blocker.TIME)
    older = CourseWait("Chemistry", 2, NOW - timedelta(days=9), Blocker.PACE)
    assert health(courses=(matched, newer, older)).stuck == older
    assert health(courses=(matched,)).stuck is None
    assert health().last_week.starts == MONDAY - timedelta(weeks=1)


UPGRADED = datetime(2026, 3, 4, 12, tzinfo=UTC)
# A server's history as release 18 left it: pair 7 never checked in (quiet), pair 8 did
# a week ago, pair 9 ended; in mentorship 10 only the mentee checks in, as asked.
HISTORY = (
    "INSERT INTO guild_settings (guild_id, leaderboard_channel_id, partner_channel_id)"
    " VALUES (1, 10, 11)",
    "INSERT INTO courses VALUES (1, 'art', 'Art')",
    "INSERT INTO partnerships (id, guild_id, course_key, timezone, weekday, minute, created_at,"
    " ended_at) VALUES (7, 1, 'art', 'UTC', 0, 600, :old, NULL), (8, 1, 'art', 'UTC', 0, 600,"
    " :old, NULL), (9, 1, 'art', 'UTC', 0, 600, :old, :week_ago),"
    " (10, 1, 'art', 'UTC', 0, 600, :old, NULL)",
    "INSERT INTO partnership_members (partnership_id, guild_id, course_key, user_id, seat, role,"
    " active) VALUES (7, 1, 'art', 100, 0, 'peer', 1), (7, 1, 'art', 200, 1, 'peer', 1),"
    " (8, 1, 'art', 300, 0, 'peer', 1), (8, 1, 'art', 400, 1, 'peer', 1),"
    " (9, 1, 'art', 500, 0, 'peer', 0), (9, 1, 'art', 600, 1, 'peer', 0),"
    " (10, 1, 'art', 700, 0, 'mentor', 1), (10, 1, 'art', 800, 1, 'mentee', 1)",
    "INSERT INTO outbox (key, guild_id, partnership_id, kind, episode, status, due_at,"
    " created_at) VALUES ('checkin:7', 1, 7, 'checkin', :week_ago, 'sent', :week_ago,"
    " :week_ago), ('checkin:8', 1, 8, 'checkin', :week_ago, 'sent', :week_ago, :week_ago),"
    " ('checkin:10', 1, 10, 'checkin', :week_ago, 'sent', :week_ago, :week_ago)",
    "INSERT INTO checkins (partnership_id, guild_id, user_id, week_at, completed, next_goal,"
    " created_at) VALUES (8, 1, 300, :week_ago, 'a', 'b', :week_ago),"
    " (8, 1, 400, :week_ago, 'a', 'b', :week_ago), (10, 1, 800, :week_ago, 'a', 'b', :week_ago)",
    "INSERT INTO goals (id, guild_id, partnership_id, user_id, text, done_when, created_at)"
    " VALUES (1, 1, 8, 300, 'Draw', 'Done', :old)",
    "INSERT INTO milestones (id, goal_id, partnership_id, guild_id, owner_id, title, due_date,"
    " deadline_at, stake, status, created_at, confirmed_at, missed_at) VALUES"
    " (1, 1, 8, 1, 300, 'Hands', '2026-03-01', :week_ago, 0, 'confirmed', :old, :week_ago,"
    " NULL), (2, 1, 8, 1, 300, 'Feet', '2026-03-01', :week_ago, 0, 'missed', :old, NULL,"
    " :week_ago)",
    "INSERT INTO queue_entries (guild_id, user_id, course_key, pace, timezone, weekday, minute,"
    " queued_at) VALUES (1, 901, 'art', 4, 'UTC', 0, 600, :old), (1, 902, 'art', 40, 'UTC', 0,"
    " 600, :week_ago)",
)


async def test_an_upgraded_server_sees_its_history(
    database: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migration 0019 derives the figures from what release 18 stored, and marks the pairs
    already quiet for the reminders job to look at at once."""
    everything = database_module._migrations
    monkeypatch.setattr(
        database_module,
        "_migrations",
        lambda package: [found for found in everything(package) if found[0] < 19],
    )
    db = await open_database(database, UPGRADED)
    week_ago = stamp(UPGRADED - timedelta(days=7))
    async with db.transaction() as conn:
        for statement in HISTORY:
            await conn.execute(
                statement, {"old": stamp(UPGRADED - timedelta(days=40)), "week_ago": week_ago}
            )
    await db.close()
    monkeypatch.setattr(database_module, "_migrations", everything)

    store = await Store.open(database, UPGRADED)
    try:
        figures = await store.health.health(1, UPGRADED)
        assert (figures.active_pairs, figures.quiet_pairs, figures.waiting) == (3, 1, 2)
        assert figures.weeks[-2] == WeekShare(week_of(UPGRADED) - timedelta(weeks=1), 5, 3)
        assert (figures.confirmed, figures.missed) == (1, 1)
        [art] = figures.courses
        assert (art.course, art.waiting, art.blocker) == ("Art", 2, Blocker.PACE)
        assert art.since == UPGRADED - timedelta(days=40)
        marked = await store.db.fetch_all(
            "SELECT id, quiet_since, alarm_at FROM partnerships WHERE quiet_since IS NOT NULL"
        )
        assert [tuple(row) for row in marked] == [(7, stamp(UPGRADED), stamp(UPGRADED))]
    finally:
        await store.close()
