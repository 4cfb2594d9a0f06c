"""Unit tests for bot.checkins: which week a check-in belongs to, answers, streaks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from bot.checkins import MAX_ANSWER_LENGTH, clean_answer, streak, week_of
from bot.errors import UserError
from bot.schedule import WeeklyTime, next_occurrence

MONDAY, SUNDAY = 0, 6
DAY = timedelta(days=1)
WEEK = timedelta(days=7)

# Monday 2026-01-05 18:00 UTC is a scheduled instant of MONDAY_UTC.
MONDAY_UTC = WeeklyTime(MONDAY, 18 * 60, "UTC")
JAN_5 = datetime(2026, 1, 5, 18, tzinfo=UTC)

BERLIN_EVENING = WeeklyTime(SUNDAY, 18 * 60, "Europe/Berlin")
BERLIN_NIGHT = WeeklyTime(SUNDAY, 2 * 60 + 30, "Europe/Berlin")


def chain(weekly: WeeklyTime, start: datetime, count: int) -> list[datetime]:
    found, instant = [], start
    for _ in range(count):
        instant = next_occurrence(weekly, instant)
        found.append(instant)
    return found


# --------------------------------------------------------------------------- week_of


def test_week_of_a_scheduled_instant_is_itself() -> None:
    assert week_of(MONDAY_UTC, JAN_5) == JAN_5


@pytest.mark.parametrize(
    "offset",
    [
        -DAY,  # a day early
        -timedelta(hours=1),
        timedelta(minutes=1),
        timedelta(hours=5),
        DAY,
        2 * DAY,  # two days late
        3 * DAY,
        -3 * DAY,
        -timedelta(days=3, hours=11),
        timedelta(days=3, hours=11, minutes=59),
    ],
)
def test_week_of_early_or_late_check_in_belongs_to_that_week(offset: timedelta) -> None:
    assert week_of(MONDAY_UTC, JAN_5 + offset) == JAN_5


def test_week_of_just_past_half_a_week_belongs_to_the_next_week() -> None:
    assert week_of(MONDAY_UTC, JAN_5 + timedelta(days=3, hours=12, minutes=1)) == JAN_5 + WEEK


def test_week_of_just_before_half_a_week_early_belongs_to_the_previous_week() -> None:
    early = JAN_5 - timedelta(days=3, hours=12, minutes=1)
    assert week_of(MONDAY_UTC, early) == JAN_5 - WEEK


def test_week_of_two_answers_in_one_window_share_the_week() -> None:
    first = JAN_5 - timedelta(hours=20)
    second = JAN_5 + timedelta(days=2, hours=3)
    assert week_of(MONDAY_UTC, first) == week_of(MONDAY_UTC, second) == JAN_5


def test_week_of_accepts_aware_non_utc_input() -> None:
    local = (JAN_5 + DAY).astimezone(ZoneInfo("America/New_York"))
    result = week_of(MONDAY_UTC, local)
    assert result == JAN_5
    assert result.utcoffset() == timedelta(0)


def test_week_of_returns_every_week_in_a_sweep() -> None:
    """Every moment of a sweep maps to one of the scheduled instants, nearest first."""
    occurrences = chain(MONDAY_UTC, JAN_5 - 2 * WEEK, 8)
    moment = JAN_5 - WEEK
    while moment < JAN_5 + 3 * WEEK:
        result = week_of(MONDAY_UTC, moment)
        assert result in occurrences
        assert abs(result - moment) <= timedelta(days=3, hours=12)
        moment += timedelta(hours=1, minutes=7)


@pytest.mark.parametrize(
    ("weekly", "scheduled", "local_time"),
    [
        # Spring forward on Sunday 2026-03-29 in Berlin.
        (BERLIN_EVENING, datetime(2026, 3, 29, 16, tzinfo=UTC), "18:00"),
        # 02:30 does not exist that night: moved forward by the gap to 03:30 CEST.
        (BERLIN_NIGHT, datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "03:30"),
        # Fall back on Sunday 2026-10-25: 02:30 happens twice, the first counts.
        (BERLIN_EVENING, datetime(2026, 10, 25, 17, tzinfo=UTC), "18:00"),
        (BERLIN_NIGHT, datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "02:30"),
    ],
)
def test_week_of_across_dst_returns_the_exact_scheduled_instant(
    weekly: WeeklyTime, scheduled: datetime, local_time: str
) -> None:
    # The instant really is what next_occurrence produces for that Sunday.
    assert next_occurrence(weekly, scheduled - 3 * DAY) == scheduled
    assert f"{scheduled.astimezone(ZoneInfo(weekly.zone)):%H:%M}" == local_time
    for offset in (-DAY, -timedelta(hours=2), timedelta(0), timedelta(hours=3), DAY, 2 * DAY):
        assert week_of(weekly, scheduled + offset) == scheduled, offset


@pytest.mark.parametrize(
    ("weekly", "start"),
    [
        (BERLIN_EVENING, datetime(2026, 3, 1, tzinfo=UTC)),
        (BERLIN_NIGHT, datetime(2026, 3, 1, tzinfo=UTC)),
        (BERLIN_EVENING, datetime(2026, 10, 1, tzinfo=UTC)),
        (BERLIN_NIGHT, datetime(2026, 10, 1, tzinfo=UTC)),
        (WeeklyTime(SUNDAY, 2 * 60 + 30, "America/New_York"), datetime(2026, 3, 1, tzinfo=UTC)),
    ],
)
def test_week_of_across_dst_maps_each_day_to_one_of_the_schedule_chain(
    weekly: WeeklyTime, start: datetime
) -> None:
    occurrences = chain(weekly, start - WEEK, 10)
    for scheduled in occurrences[1:-1]:
        # A day early, at the instant, and two days late: same week, exact instant.
        for offset in (-DAY, timedelta(0), 2 * DAY):
            assert week_of(weekly, scheduled + offset) == scheduled
    weeks = {week_of(weekly, start + timedelta(hours=h)) for h in range(0, 6 * 7 * 24, 5)}
    assert weeks <= set(occurrences)
    # No week is skipped or doubled: consecutive weeks are about seven days apart.
    ordered = sorted(weeks)
    for earlier, later in pairwise(ordered):
        assert WEEK - timedelta(hours=1) <= later - earlier <= WEEK + timedelta(hours=1)


# --------------------------------------------------------------------------- clean_answer


def test_clean_answer_strips_whitespace() -> None:
    assert clean_answer("  finished chapter 3 \n", "Done", required=True) == "finished chapter 3"


def test_clean_answer_keeps_inner_whitespace_and_newlines() -> None:
    assert clean_answer("\tline one\nline  two\t", "Done", required=True) == "line one\nline  two"


@pytest.mark.parametrize("text", ["", " ", "   \n\t  ", None])
def test_clean_answer_required_empty_is_a_user_error(text: str | None) -> None:
    with pytest.raises(UserError) as raised:
        clean_answer(text, "Next week", required=True)
    assert "Next week" in str(raised.value)


@pytest.mark.parametrize("text", ["", "  \n ", None])
def test_clean_answer_optional_empty_is_an_empty_string(text: str | None) -> None:
    assert clean_answer(text, "Blockers", required=False) == ""


def test_clean_answer_exactly_the_limit_is_accepted() -> None:
    text = "x" * MAX_ANSWER_LENGTH
    assert MAX_ANSWER_LENGTH == 1000
    assert clean_answer(text, "Done", required=True) == text


def test_clean_answer_limit_applies_after_stripping() -> None:
    text = "y" * MAX_ANSWER_LENGTH
    assert clean_answer(f"   {text}\n\n", "Done", required=True) == text


@pytest.mark.parametrize("required", [True, False])
def test_clean_answer_over_the_limit_is_a_user_error(required: bool) -> None:
    with pytest.raises(UserError) as raised:
        clean_answer("z" * (MAX_ANSWER_LENGTH + 1), "Blockers", required=required)
    assert "Blockers" in str(raised.value)
    assert "1000" in str(raised.value)


def test_clean_answer_much_longer_text_is_rejected_not_truncated() -> None:
    with pytest.raises(UserError):
        clean_answer("word " * 500, "Done", required=False)


# --------------------------------------------------------------------------- streak

NOW = datetime(2026, 2, 2, 19, tzinfo=UTC)  # an hour after Monday's check-in time
THIS_WEEK = datetime(2026, 2, 2, 18, tzinfo=UTC)


def weekly_back(count: int, latest: datetime = THIS_WEEK) -> list[datetime]:
    return [latest - WEEK * back for back in range(count)]


def test_streak_is_zero_without_check_ins() -> None:
    assert streak([], NOW) == 0
    assert streak(iter(()), NOW) == 0


def test_streak_single_recent_week_is_one() -> None:
    assert streak([THIS_WEEK], NOW) == 1


@pytest.mark.parametrize("count", [2, 3, 5, 12])
def test_streak_counts_consecutive_weeks(count: int) -> None:
    assert streak(weekly_back(count), NOW) == count


def test_streak_accepts_any_order_and_a_generator() -> None:
    weeks = weekly_back(4)
    assert streak(reversed(weeks), NOW) == 4
    assert streak((week for week in [weeks[2], weeks[0], weeks[3], weeks[1]]), NOW) == 4


def test_streak_zero_once_the_following_week_has_closed_unanswered() -> None:
    weeks = weekly_back(5)
    closed = THIS_WEEK + WEEK + timedelta(days=3, hours=12)
    assert streak(weeks, closed + timedelta(hours=1, minutes=1)) == 0
    assert streak(weeks, THIS_WEEK + timedelta(days=21)) == 0


def test_streak_survives_while_the_following_week_is_in_progress() -> None:
    weeks = weekly_back(5)
    assert streak(weeks, THIS_WEEK + timedelta(days=10)) == 5
    assert streak(weeks, THIS_WEEK + WEEK + timedelta(days=3, hours=12)) == 5


def test_streak_thursday_after_a_monday_check_in_time_keeps_the_weeks_before() -> None:
    """Checked in the last two Mondays; this Monday's week is open until Thursday night."""
    monday = JAN_5 + WEEK  # Monday 2026-01-12 18:00 UTC, not answered yet
    weeks = [JAN_5, JAN_5 - WEEK]
    thursday = monday + timedelta(days=3, hours=2)  # Thursday 20:00, the window still open
    assert streak(weeks, thursday) == 2
    assert streak(weeks, monday + timedelta(days=3, hours=13, minutes=31)) == 0


def test_streak_current_week_not_yet_done_does_not_break_it() -> None:
    # The latest check-in was last week; this week's is due but not yet answered.
    last_week = THIS_WEEK - WEEK
    weeks = weekly_back(3, latest=last_week)
    assert streak(weeks, THIS_WEEK + timedelta(hours=2)) == 3
    assert streak(weeks, THIS_WEEK + timedelta(days=2)) == 3


def test_streak_counts_an_early_check_in_for_the_coming_week() -> None:
    # week_of can return a scheduled instant slightly in the future.
    weeks = [*weekly_back(3), THIS_WEEK + WEEK]
    assert streak(weeks, THIS_WEEK + timedelta(days=6)) == 4


@pytest.mark.parametrize(
    "apart",
    [timedelta(0), timedelta(hours=1), timedelta(days=2), timedelta(days=3, hours=23)],
)
def test_streak_check_ins_under_four_days_apart_count_once(apart: timedelta) -> None:
    assert streak([THIS_WEEK, THIS_WEEK - apart], NOW) == 1
    weeks = [*weekly_back(3), THIS_WEEK - WEEK - apart]
    assert streak(weeks, NOW) == 3


def test_streak_duplicate_weeks_count_once() -> None:
    weeks = weekly_back(3)
    assert streak(weeks + weeks, NOW) == 3


@pytest.mark.parametrize(
    "gap",
    [
        timedelta(days=4),
        timedelta(days=6, hours=23),  # a DST spring-forward week
        WEEK,
        timedelta(days=7, hours=1),  # a DST fall-back week
        timedelta(days=9),
        timedelta(days=10),
    ],
)
def test_streak_gaps_up_to_ten_days_are_consecutive(gap: timedelta) -> None:
    assert streak([THIS_WEEK, THIS_WEEK - gap], NOW) == 2


@pytest.mark.parametrize(
    "gap", [timedelta(days=10, minutes=1), timedelta(days=14), timedelta(days=21)]
)
def test_streak_longer_gaps_break_it(gap: timedelta) -> None:
    assert streak([THIS_WEEK, THIS_WEEK - gap], NOW) == 1


def test_streak_missed_two_weeks_breaks_it_and_older_weeks_do_not_count() -> None:
    recent = weekly_back(2)  # this week and last week
    older = weekly_back(6, latest=THIS_WEEK - 4 * WEEK)  # weeks 4..9 back
    assert streak(recent + older, NOW) == 2


def test_streak_missed_a_single_week_also_breaks_it() -> None:
    # Two weeks between check-ins is a 14-day gap, more than 10 days.
    weeks = [THIS_WEEK, THIS_WEEK - 2 * WEEK, THIS_WEEK - 3 * WEEK]
    assert streak(weeks, NOW) == 1


def test_streak_across_dst_weeks_uses_scheduled_instants() -> None:
    weekly = BERLIN_EVENING
    weeks = chain(weekly, datetime(2026, 3, 1, tzinfo=UTC), 6)  # spans 2026-03-29
    now = weeks[-1] + timedelta(hours=3)
    assert streak(weeks, now) == 6
    weeks = chain(weekly, datetime(2026, 10, 1, tzinfo=UTC), 6)  # spans 2026-10-25
    assert streak(weeks, weeks[-1] + DAY) == 6
