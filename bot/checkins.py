"""Check-in weeks, answer limits and streaks."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, timedelta

from bot.cadence import DAY, WEEK, Rhythm, period
from bot.errors import UserError
from bot.i18n import _, ngettext
from bot.models import Cadence
from bot.pauses import Span, clock_reaches, unpaused
from bot.schedule import WeeklyTime

MAX_ANSWER_LENGTH = 1000
HALF_WEEK = WEEK / 2
# Check-ins this close together belong to one week even if schedules differ a little;
# after a check-in every two weeks, half its period (`same_period`).
SAME_WEEK = timedelta(days=4)
# A gap up to this long still counts as consecutive weeks (DST and schedule changes);
# after a check-in every two weeks, a week longer (`next_period`).
NEXT_WEEK = timedelta(days=10)
# The week after the latest check-in stays in progress until its window closes: half a
# week after its check-in time, and an hour more when the clocks fall back meanwhile.
IN_PROGRESS = WEEK + HALF_WEEK + timedelta(hours=1)


def week_of(weekly: WeeklyTime, instant: datetime) -> datetime:
    """The weekly check-in a moment belongs to (`bot.cadence.Rhythm.week_of`)."""
    return Rhythm(weekly).week_of(instant)


def clean_answer(text: str | None, field: str, *, required: bool) -> str:
    """The answer, trimmed; `field` is the question as the member read it."""
    cleaned = (text or "").strip()
    if required and not cleaned:
        raise UserError(_("Please answer “{question}”.", question=field))
    if len(cleaned) > MAX_ANSWER_LENGTH:
        raise UserError(
            ngettext(
                "“{question}” can be at most {count} character.",
                "“{question}” can be at most {count} characters.",
                MAX_ANSWER_LENGTH,
                question=field,
            )
        )
    return cleaned


def streak(
    weeks: Iterable[datetime],
    now: datetime,
    pauses: Collection[Span] = (),
    cadences: Mapping[datetime, Cadence] | None = None,
) -> int:
    """Consecutive check-in periods up to now; the period in progress does not break it.

    On the Thursday after a Monday check-in time, a member who has not answered yet
    still has the weeks before: that week is only missed once its window has closed.
    Paused time (`bot.pauses`) does not pass: a planned break neither counts as
    weeks nor breaks the run. `cadences` gives each check-in's cadence (weekly when
    absent): one every two weeks counts once (with any other less than a week after it),
    and the run goes on when the next check-in comes within the two weeks after it.
    """
    every = cadences or {}
    ordered = sorted(weeks, reverse=True)
    if not ordered or now > streak_ends(ordered[0], pauses, every, ordered):
        return 0
    count, latest = 1, ordered[0]
    for week in ordered[1:]:
        if latest - week < same_period(every.get(week, Cadence.WEEKLY)):
            continue
        if unpaused(pauses, week, latest) > next_period(every.get(week, Cadence.WEEKLY)):
            break
        count, latest = count + 1, week
    return count


def same_period(cadence: Cadence) -> timedelta:
    """The gap after a check-in below which the next one is in the same period.

    Every two weeks, that is less than a week on the local clock, so half a day short of
    seven: a week later is 6 days 23 hours when the clocks go forward, and still the next.
    """
    return max(SAME_WEEK, period(cadence) / 2 - DAY / 2)


def next_period(cadence: Cadence) -> timedelta:
    """The longest gap after a check-in that still counts as the next period."""
    return NEXT_WEEK + period(cadence) - period(Cadence.WEEKLY)


def in_progress(cadence: Cadence) -> timedelta:
    """How long after a check-in the following period stays in progress (`IN_PROGRESS`)."""
    return period(cadence) * 3 / 2 + timedelta(hours=1)


def streak_ends(
    latest_week: datetime,
    pauses: Collection[Span] = (),
    cadences: Mapping[datetime, Cadence] | None = None,
    weeks: Iterable[datetime] = (),
) -> datetime:
    """When a streak ends unless another check-in comes: its period in progress has closed.

    The latest check-in's period decides, or an earlier one's of a longer cadence whose
    following period is still open (`weeks`, when given, are the member's others).
    """
    every = cadences or {}
    recent = [w for w in weeks if latest_week - w < period(Cadence.EVERY_TWO_WEEKS)]
    return max(
        clock_reaches(week, in_progress(every.get(week, Cadence.WEEKLY)), pauses)
        for week in (latest_week, *recent)
    )
