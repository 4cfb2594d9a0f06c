"""The progress card's weeks and the recap's timing: plain rules, no Discord."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from bot.cadence import Rhythm
from bot.models import Cadence
from bot.pauses import Span
from bot.progress import GRID_WEEKS, Cell, History, grid_row, grid_weeks
from bot.recaps import DEFAULT_RECAP, covered_week, latest_occasion
from bot.schedule import WeeklyTime

BERLIN_MONDAY = WeeklyTime(0, 18 * 60, "Europe/Berlin")
WEEKLY = Rhythm(BERLIN_MONDAY)
WEEK = timedelta(days=7)


def test_grid_columns_are_twelve_weekly_check_in_times_across_dst() -> None:
    now = datetime(2026, 4, 8, 12, tzinfo=UTC)  # Berlin moved to summer time on 29 March
    weeks = grid_weeks(BERLIN_MONDAY, now)
    assert len(weeks) == GRID_WEEKS and weeks[-1] == datetime(2026, 4, 6, 16, tzinfo=UTC)
    assert weeks[0] == datetime(2026, 1, 19, 17, tzinfo=UTC)  # 18:00 in winter too
    gaps = {later - earlier for earlier, later in pairwise(weeks)}
    assert gaps == {WEEK, WEEK - timedelta(hours=1)}  # the spring week is an hour short


def test_the_grid_starts_at_the_pairs_first_week() -> None:
    """A pair made on Thursday 1 January: its first column is the week around Monday
    29 December, which holds that Thursday; an older pair keeps twelve columns."""
    now = datetime(2026, 1, 21, 12, tzinfo=UTC)
    weeks = grid_weeks(BERLIN_MONDAY, now, started=datetime(2026, 1, 1, tzinfo=UTC))
    assert weeks == tuple(datetime(2025, 12, 29, 17, tzinfo=UTC) + WEEK * n for n in range(4))
    assert grid_weeks(BERLIN_MONDAY, now, started=now - WEEK * 40) == grid_weeks(BERLIN_MONDAY, now)
    assert len(grid_weeks(BERLIN_MONDAY, now, started=now)) == 1


def test_no_week_before_the_first_check_in_asked_is_missed() -> None:
    """Made on Thursday 1 January, first asked on Monday 5 January: the week of pairing
    up is drawn as before the pair began, for a partner who did not check in early."""
    made, first = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 5, 17, tzinfo=UTC)
    now = datetime(2026, 1, 13, 9, tzinfo=UTC)
    weeks = grid_weeks(BERLIN_MONDAY, now, started=made)
    lasting = Span(made, now)
    early = History({made + timedelta(hours=1): Cadence.WEEKLY}, [], lasting, first_asked=first)
    late = History({}, [], lasting, asked=[first], first_asked=first)
    assert grid_row(weeks, early, WEEKLY, now) == (Cell.CHECKED, Cell.MISSED, Cell.DUE)
    assert grid_row(weeks, late, WEEKLY, now) == (Cell.BEFORE, Cell.MISSED, Cell.DUE)
    never_asked = History({}, [], lasting, first_asked=now)
    assert grid_row(weeks, never_asked, WEEKLY, now) == (Cell.BEFORE, Cell.BEFORE, Cell.DUE)


def test_each_cell_reads_answers_breaks_and_the_pairs_lifetime() -> None:
    weeks = grid_weeks(BERLIN_MONDAY, datetime(2026, 3, 3, 12, tzinfo=UTC))
    started = weeks[6] - timedelta(days=2)
    answered = [weeks[7] + timedelta(days=1), weeks[8] - timedelta(days=3)]  # late, early
    pause = Span(weeks[9] - timedelta(hours=1), weeks[10] - timedelta(hours=1))
    lasting = Span(started, weeks[-1] + WEEK)
    weekly = dict.fromkeys(answered, Cadence.WEEKLY)
    row = grid_row(weeks, History(weekly, [pause], lasting), WEEKLY, weeks[-1])
    assert row == (
        *[Cell.BEFORE] * 6,
        Cell.MISSED,
        Cell.CHECKED,
        Cell.CHECKED,
        Cell.PAUSED,
        Cell.MISSED,
        Cell.DUE,
    )
    ended = grid_row(weeks, History({}, [], Span(started, weeks[8])), WEEKLY, weeks[-1])
    assert ended[9:] == (Cell.BEFORE,) * 3


def test_off_weeks_of_a_pair_every_two_weeks_are_neither_missed_nor_due() -> None:
    weeks = grid_weeks(BERLIN_MONDAY, datetime(2026, 3, 3, 12, tzinfo=UTC))
    anchor = weeks[8].astimezone(ZoneInfo("Europe/Berlin")).date()  # from there, every other
    rhythm = Rhythm(BERLIN_MONDAY, Cadence.EVERY_TWO_WEEKS, anchor)
    lasting = Span(weeks[0] - WEEK, weeks[-1] + WEEK)
    history = History({weeks[10]: Cadence.EVERY_TWO_WEEKS}, [], lasting)
    row = grid_row(weeks, history, rhythm, weeks[-1])
    assert row[6:] == (
        Cell.MISSED,  # weeks before the change were weekly
        Cell.MISSED,
        Cell.MISSED,  # the first on-week, unanswered
        Cell.OFF,
        Cell.CHECKED,
        Cell.OFF,
    )


def test_past_off_weeks_stay_off_after_the_pair_goes_back_to_weekly() -> None:
    weeks = grid_weeks(BERLIN_MONDAY, datetime(2026, 3, 3, 12, tzinfo=UTC))
    fortnightly = {weeks[6]: Cadence.EVERY_TWO_WEEKS, weeks[8]: Cadence.EVERY_TWO_WEEKS}
    history = History({**fortnightly, weeks[10]: Cadence.WEEKLY}, [], Span(weeks[0], weeks[-1]))
    row = grid_row(weeks, history, WEEKLY, weeks[-1])
    assert row[6:] == (
        Cell.CHECKED,
        Cell.OFF,  # the week after a check-in every two weeks
        Cell.CHECKED,
        Cell.OFF,
        Cell.CHECKED,  # weekly again from here
        Cell.DUE,  # this week, not answered yet
    )


def test_a_week_a_check_in_was_asked_in_is_never_off() -> None:
    """Every two weeks until weeks[8], then weekly again: the check-ins asked at weeks[9]
    (unanswered) and weeks[11] (due now) are missed and due, not off-weeks."""
    weeks = grid_weeks(BERLIN_MONDAY, datetime(2026, 3, 3, 12, tzinfo=UTC))
    answered = {weeks[6]: Cadence.EVERY_TWO_WEEKS, weeks[8]: Cadence.EVERY_TWO_WEEKS}
    asked = [weeks[6], weeks[8], weeks[9], weeks[10], weeks[11]]
    lasting = Span(weeks[0], weeks[-1])
    history = History({**answered, weeks[10]: Cadence.WEEKLY}, [], lasting, asked=asked)
    row = grid_row(weeks, history, WEEKLY, weeks[-1])
    assert row[6:] == (
        Cell.CHECKED,
        Cell.OFF,  # nothing was asked the week after a check-in every two weeks
        Cell.CHECKED,
        Cell.MISSED,  # asked weekly again, not answered
        Cell.CHECKED,
        Cell.DUE,
    )


def test_the_recap_is_the_latest_occasion_and_covers_the_week_before_it() -> None:
    sunday = datetime(2026, 1, 4, 18, tzinfo=UTC)
    assert latest_occasion(DEFAULT_RECAP, sunday) == sunday
    assert latest_occasion(DEFAULT_RECAP, sunday - timedelta(seconds=1)) == sunday - WEEK
    assert (
        latest_occasion(DEFAULT_RECAP, sunday + WEEK * 3 + timedelta(days=2)) == sunday + WEEK * 3
    )
    assert covered_week(DEFAULT_RECAP, sunday) == (sunday - WEEK, sunday)
    # Across the change to summer time the week is an hour short, and weeks never overlap.
    berlin_sunday = WeeklyTime(6, 18 * 60, "Europe/Berlin")
    before, spring = datetime(2026, 3, 22, 17, tzinfo=UTC), datetime(2026, 3, 29, 16, tzinfo=UTC)
    assert covered_week(berlin_sunday, spring) == (before, spring)
    assert covered_week(berlin_sunday, before)[1] == before
    berlin = WeeklyTime(2, 9 * 60, "Europe/Berlin")
    assert latest_occasion(berlin, datetime(2026, 7, 9, tzinfo=UTC)) == datetime(
        2026, 7, 8, 7, tzinfo=UTC
    )
