"""Unit tests for bot.pauses and the clocks it stops: quiet spells, streaks, the allowance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.checkins import streak, streak_ends
from bot.errors import UserError
from bot.models import NoticeKind
from bot.pauses import (
    Span,
    check_new_pause,
    clock_reaches,
    earliest_start,
    paused_between,
    planned_end,
    unpaused,
)
from bot.reminders import PairState, plan
from bot.schedule import WeeklyTime

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
WEEK = timedelta(days=7)
T0 = datetime(2026, 3, 2, 18, tzinfo=UTC)  # a Monday
ALICE, BOB = 101, 202
UTC_ZONES = ("UTC", "UTC")  # the pair's zone, the member's


def span(start_day: float, days: float) -> Span:
    return Span(T0 + start_day * DAY, T0 + (start_day + days) * DAY)


def test_paused_time_counts_overlapping_breaks_once() -> None:
    breaks = [span(2, 7), span(5, 7), span(20, 3)]
    assert paused_between(breaks, T0, T0 + 30 * DAY) == 13 * DAY
    assert paused_between(breaks, T0 + 6 * DAY, T0 + 21 * DAY) == 7 * DAY
    assert unpaused(breaks, T0, T0 + 10 * DAY) == 2 * DAY


def test_a_clock_stands_still_for_each_break_that_begins_before_it_rings() -> None:
    assert clock_reaches(T0, 14 * DAY, []) == T0 + 14 * DAY
    assert clock_reaches(T0, 14 * DAY, [span(3, 14)]) == T0 + 28 * DAY
    # A break the spell had not reached yet when it ended does not move it.
    assert clock_reaches(T0, 14 * DAY, [span(15, 7)]) == T0 + 14 * DAY
    # A break that began before the spell counts only from the spell's start.
    assert clock_reaches(T0, 14 * DAY, [span(-5, 7)]) == T0 + 16 * DAY
    # The first break pushes the ring past the start of a second, which counts too.
    assert clock_reaches(T0, 10 * DAY, [span(1, 7), span(12, 7)]) == T0 + 24 * DAY


def test_two_weeks_paused_in_any_eight_and_one_break_at_a_time() -> None:
    assert check_new_pause([], False, 2, T0, UTC_ZONES) == span(0, 14)
    with pytest.raises(UserError, match="already on a break"):
        check_new_pause([span(-1, 7)], True, 1, T0, UTC_ZONES)
    with pytest.raises(UserError, match="1 or 2 weeks"):
        check_new_pause([], False, 3, T0, UTC_ZONES)
    used = [span(-20, 14)]  # ended six days ago
    # A week fits once the window of 8 weeks ending with it holds 7 days of the old break.
    with pytest.raises(UserError, match="A 1-week pause fits from Tuesday 7 April, 18:00"):
        check_new_pause(used, False, 1, T0, UTC_ZONES)
    assert earliest_start(used, 1, T0, "UTC") == T0 + 36 * DAY
    with pytest.raises(UserError):
        check_new_pause(used, False, 1, T0 + 36 * DAY - MINUTE, UTC_ZONES)
    assert check_new_pause(used, False, 1, T0 + 36 * DAY, UTC_ZONES) == span(36, 7)


def test_breaks_ended_early_leave_the_rest_of_the_allowance() -> None:
    ended_early = [span(-10, 3)]
    assert check_new_pause(ended_early, False, 1, T0, UTC_ZONES) == span(0, 7)
    with pytest.raises(UserError, match="At most 2 weeks in any 8"):
        check_new_pause(ended_early, False, 2, T0, UTC_ZONES)


def test_breaks_in_turn_in_two_courses_share_one_allowance_and_one_holiday_joins() -> None:
    python = span(-14, 14)  # just ended, in one course
    with pytest.raises(UserError, match="At most 2 weeks in any 8"):
        check_new_pause([python], False, 1, T0, UTC_ZONES)  # the other course, right after
    running = span(-1, 14)  # begun yesterday in one course
    joined = check_new_pause([running], False, 2, T0, UTC_ZONES)
    assert joined == Span(T0, running.end)  # ends with it: nothing more is paused


def test_a_break_ends_at_the_same_wall_clock_time_across_a_dst_change() -> None:
    """Berlin springs forward on 29 March 2026: that week lasts 167 hours."""
    before = datetime(2026, 3, 23, 16, 30, tzinfo=UTC)  # Monday 17:30 in Berlin
    assert planned_end(before, 1, "Europe/Berlin") == datetime(2026, 3, 30, 15, 30, tzinfo=UTC)
    # A check-in on Mondays at 18:00 Berlin time: the break holds one of them, not two.
    first, next_week = datetime(2026, 3, 23, 17, tzinfo=UTC), datetime(2026, 3, 30, 16, tzinfo=UTC)
    pause = Span(before, planned_end(before, 1, "Europe/Berlin"))
    assert pause.covers(first) and not pause.covers(next_week)
    # A week with the clocks falling back lasts 169 hours and still fits the allowance.
    autumn = datetime(2026, 10, 19, 16, tzinfo=UTC)
    assert (
        check_new_pause([], False, 2, autumn, ("Europe/Berlin", "UTC")).end
        == autumn + 2 * WEEK + HOUR
    )


def test_paused_weeks_neither_count_nor_break_a_streak() -> None:
    weeks = [T0, T0 + WEEK, T0 + 4 * WEEK]
    assert streak(weeks, T0 + 4 * WEEK) == 1
    assert streak(weeks, T0 + 4 * WEEK, [span(8, 14)]) == 3
    # A check-in made during a break still counts as its week.
    assert streak([T0, T0 + WEEK, T0 + 2 * WEEK], T0 + 2 * WEEK, [span(8, 14)]) == 3


def test_a_break_keeps_a_streak_alive_for_as_long_as_it_lasts() -> None:
    latest = T0 + WEEK
    ends = streak_ends(latest)
    assert streak([T0, latest], ends + DAY) == 0
    assert streak_ends(latest, [span(8, 14)]) == ends + 2 * WEEK
    assert streak([T0, latest], ends + DAY, [span(8, 14)]) == 2


def pair_state(pauses: dict[int, tuple[Span, ...]], last: dict[int, datetime | None]) -> PairState:
    return PairState(
        partnership_id=7,
        members=(ALICE, BOB),
        weekly=WeeklyTime(0, 18 * 60, "UTC"),
        created_at=T0,
        next_checkin_at=T0 + WEEK,
        last_checkin=last,
        pauses=pauses,
    )


def test_no_nudge_or_offer_while_the_quiet_member_is_on_a_break() -> None:
    state = pair_state({BOB: (span(1, 14),)}, {ALICE: T0 + 20 * DAY, BOB: None})
    kinds = {n.kind for n in plan(state, T0 + 27 * DAY).notices}
    assert NoticeKind.NUDGE not in kinds and NoticeKind.REMATCH_OFFER not in kinds
    nudged = plan(state, T0 + 28 * DAY).notices
    assert [n.member_id for n in nudged if n.kind == NoticeKind.NUDGE] == [BOB]
    # The spell is still the one that began at pairing: the same notice, never a second.
    assert [n.episode for n in nudged if n.kind == NoticeKind.NUDGE] == [int(T0.timestamp())]
    assert plan(state, T0 + 27 * DAY).alarm_at == T0 + 28 * DAY


def test_no_one_sided_note_about_weeks_the_quiet_member_was_on_a_break() -> None:
    weeks = {ALICE: frozenset(T0 + n * WEEK for n in range(1, 4)), BOB: frozenset()}
    base = PairState(
        partnership_id=7,
        members=(ALICE, BOB),
        weekly=WeeklyTime(0, 18 * 60, "UTC"),
        created_at=T0,
        next_checkin_at=T0 + 4 * WEEK,
        last_checkin={ALICE: T0 + 3 * WEEK, BOB: None},
        weeks=weeks,
    )
    assert any(n.kind == NoticeKind.ONE_SIDED for n in plan(base, T0 + 4 * WEEK).notices)
    paused = PairState(**{**base.__dict__, "pauses": {BOB: (span(6, 7),)}})
    assert not any(n.kind == NoticeKind.ONE_SIDED for n in plan(paused, T0 + 4 * WEEK).notices)
