"""Planned pauses: a member's announced break, told apart from a partner drifting away.

A pause stops the clocks that judge a member: while it lasts their reminders stay
silent, their quiet-partner clock stands still and their streak neither grows nor
breaks. Each rule here reads paused time as time that did not pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.i18n import _, ngettext
from bot.schedule import describe_date_in_zone

WEEK = timedelta(days=7)
PAUSE_WEEKS = (1, 2)
# At most this much paused time in any window of this length.
MOST_PAUSED = 2 * WEEK
WINDOW = 8 * WEEK
MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Span:
    """Paused from `start` until `end` (the planned end, or an early one)."""

    start: datetime
    end: datetime

    def covers(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


def paused_between(spans: Iterable[Span], start: datetime, end: datetime) -> timedelta:
    """How much of [start, end) was paused; overlapping pauses (two courses) count once."""
    total = timedelta()
    reached = start
    for span in sorted(spans, key=lambda s: s.start):
        begin, finish = max(span.start, reached), min(span.end, end)
        if finish > begin:
            total += finish - begin
            reached = finish
    return total


def unpaused(spans: Iterable[Span], start: datetime, end: datetime) -> timedelta:
    """The time from start to end that counts: what was not paused."""
    return end - start - paused_between(spans, start, end)


def clock_reaches(since: datetime, duration: timedelta, spans: Iterable[Span]) -> datetime:
    """When `duration` of unpaused time has passed since `since`.

    Each pause that begins before the moment reached so far pushes it later by the
    part of the pause after `since`.
    """
    reached = since + duration
    counted = since
    for span in sorted(spans, key=lambda s: s.start):
        if span.start >= reached:
            break
        begin = max(span.start, counted)
        if span.end > begin:
            reached += span.end - begin
            counted = span.end
    return reached


def paused_at(spans: Iterable[Span], instant: datetime) -> bool:
    return any(span.covers(instant) for span in spans)


def planned_end(start: datetime, weeks: int, zone: str) -> datetime:
    """`weeks` later at the same wall-clock time in the pair's zone.

    So a pause covers as many check-ins as it has weeks even across a DST change, when
    a week lasts 167 or 169 hours.
    """
    local = start.astimezone(ZoneInfo(zone)).replace(tzinfo=None) + weeks * WEEK
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def check_new_pause(
    spans: list[Span], paused_here: bool, weeks: int, now: datetime, zones: tuple[str, str]
) -> Span:
    """The pause a member asked for, or a UserError naming the rule it breaks.

    `spans` are the member's pauses in the whole server; `zones` the pair's zone (for
    the end) and the member's own (for the message). One pause at a time per
    partnership, and at most two paused weeks in any eight, counted over every course,
    so breaks taken one after another in two courses cannot stretch the allowance.
    A break begun while another course's break runs joins it: it ends no later, so it
    costs nothing more, and one holiday can pause every course.
    """
    if weeks not in PAUSE_WEEKS:
        raise UserError(_("A pause lasts 1 or 2 weeks."))
    if paused_here:
        raise UserError(
            _(
                "You are already on a break; use `/pause end` to come back early, "
                "then start a new one if you need it."
            )
        )
    pair_zone, member_zone = zones
    wanted = Span(now, planned_end(now, weeks, pair_zone))
    running = [span.end for span in spans if span.covers(now)]
    if running:
        return Span(now, min(wanted.end, max(running)))
    if not _fits(spans, wanted, weeks):
        fits_from = describe_date_in_zone(earliest_start(spans, weeks, now, pair_zone), member_zone)
        allowance = ngettext(
            "At most {most} weeks in any {window} can be paused, and your recent breaks "
            "leave too little for {count} more.",
            "At most {most} weeks in any {window} can be paused, and your recent breaks "
            "leave too little for {count} more.",
            weeks,
            most=MOST_PAUSED // WEEK,
            window=WINDOW // WEEK,
        )
        fits = ngettext(
            "A {count}-week pause fits from {when}.",
            "A {count}-week pause fits from {when}.",
            weeks,
            when=fits_from,
        )
        raise UserError(f"{allowance} {fits}")
    return wanted


def _fits(spans: list[Span], wanted: Span, weeks: int) -> bool:
    """Every eight-week window that ends with a pause still running holds two weeks at most.

    The fullest window containing the new pause ends where a pause ends, since none
    starts later than this one. A pause over a DST change that makes its weeks longer
    (`planned_end`) may use the extra hour or two.
    """
    every = [*spans, wanted]
    ends = [span.end for span in every if span.end > wanted.start]
    longer = max(wanted.end - wanted.start - weeks * WEEK, timedelta())
    return all(paused_between(every, end - WINDOW, end) <= MOST_PAUSED + longer for end in ends)


def earliest_start(spans: list[Span], weeks: int, now: datetime, zone: str) -> datetime:
    """The first whole minute from now on at which a pause of `weeks` fits the allowance.

    Pauses only lie behind `now`, so as the start moves later the window in front of
    it holds less of them: whether it fits changes once, and a binary search finds where.
    """
    start = now if now == _whole_minute(now) else _whole_minute(now) + MINUTE
    too_soon, fits = -1, (WINDOW + weeks * WEEK) // MINUTE
    while fits - too_soon > 1:
        middle = (too_soon + fits) // 2
        moment = start + middle * MINUTE
        if _fits(spans, Span(moment, planned_end(moment, weeks, zone)), weeks):
            fits = middle
        else:
            too_soon = middle
    return start + fits * MINUTE


def _whole_minute(instant: datetime) -> datetime:
    return instant.replace(second=0, microsecond=0)
