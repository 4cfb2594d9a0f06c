"""Check-in weeks, answer limits and streaks."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

from bot.errors import UserError
from bot.pauses import Span, clock_reaches, unpaused
from bot.schedule import WeeklyTime, next_occurrence

MAX_ANSWER_LENGTH = 1000
HALF_WEEK = timedelta(days=3, hours=12)
# Check-ins this close together belong to one week even if schedules differ a little.
SAME_WEEK = timedelta(days=4)
# A gap up to this long still counts as consecutive weeks (DST and schedule changes).
NEXT_WEEK = timedelta(days=10)
# The week after the latest check-in stays in progress until its window closes: half a
# week after its check-in time, and an hour more when the clocks fall back meanwhile.
IN_PROGRESS = timedelta(days=7) + HALF_WEEK + timedelta(hours=1)


def week_of(weekly: WeeklyTime, instant: datetime) -> datetime:
    """The scheduled check-in a moment belongs to: the nearest one, before or after.

    A member who answers a day early or two days late still answers that week's
    questions, and a second answer in the same window replaces the first.
    """
    return next_occurrence(weekly, instant - HALF_WEEK)


def clean_answer(text: str | None, field: str, *, required: bool) -> str:
    cleaned = (text or "").strip()
    if required and not cleaned:
        raise UserError(f"Please answer “{field}”.")
    if len(cleaned) > MAX_ANSWER_LENGTH:
        raise UserError(f"“{field}” can be at most {MAX_ANSWER_LENGTH} characters.")
    return cleaned


def streak(weeks: Iterable[datetime], now: datetime, pauses: Collection[Span] = ()) -> int:
    """Consecutive check-in weeks up to now; the week in progress does not break it.

    On the Thursday after a Monday check-in time, a member who has not answered yet
    still has the weeks before: that week is only missed once its window has closed.
    Paused time (`bot.pauses`) does not pass: a planned break neither counts as
    weeks nor breaks the run.
    """
    ordered = sorted(weeks, reverse=True)
    if not ordered or now > streak_ends(ordered[0], pauses):
        return 0
    count, latest = 1, ordered[0]
    for week in ordered[1:]:
        if latest - week < SAME_WEEK:
            continue
        if unpaused(pauses, week, latest) > NEXT_WEEK:
            break
        count, latest = count + 1, week
    return count


def streak_ends(latest_week: datetime, pauses: Collection[Span] = ()) -> datetime:
    """When a streak ends unless another check-in comes: its week in progress has closed."""
    return clock_reaches(latest_week, IN_PROGRESS, pauses)
