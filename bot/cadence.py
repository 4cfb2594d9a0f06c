"""How often a pair checks in: every week, or every second week, at its weekly time.

Every two weeks, the weeks alternate between "on" (a check-in) and "off". Which are on
never depends on when anyone looks: the pair stores a local date (`anchor`, in the
pair's zone) that begins an on-week, and on-weeks are the seven-day spans 0, 2, 4, ...
weeks from it. Each such span holds exactly one local date of the check-in's weekday, so
an every-two-weeks pair has one check-in in each on-week and none in each off-week, at
the same local time and DST-safe like a weekly one (`bot.schedule.local_instant`).

Before the anchor, every week is on: those weeks were checked in weekly (the pair chose
every two weeks later), so an answer given late for the last weekly check-in still files
under it, and the progress grid shows them as weekly.

A confirmed change of cadence never doubles or skips a check-in: the pair's next
check-in at its time comes as it would have (`anchored`), and every two weeks counts
from its week. A confirmed change of time (`retimed`) moves an every-two-weeks pair's
next check-in to the new time's occurrence nearest it, from four days before to three
days after it (10 to 17 days after the last check-in), so it is neither in the period of
the last check-in (doubled) nor more than a period after it (skipped); only when that
occurrence has already passed is the first the new time's next one. The on-weeks then
count from the new time's first check-in, backwards too: the last check-in's period holds
an on-day at the new time, which may still be ahead when the change is confirmed (a new
Wednesday time the day after a Monday check-in); it was that period's check-in, so it is
never reminded: the pair's next check-in is the first (`upcoming`). A weekly pair's new
time starts at its next occurrence. Until the first check-in at the new time, an answer belongs to the nearer of
the pair's last check-in at the old time and that first one (`answer_week`): never to a
moment of the new time that was never scheduled.

The clocks that judge a pair count in check-in periods of its cadence: a streak counts
periods, the quiet-partner nudge and rematch offer come after two and three periods
without a check-in, the trial question after two periods (day 14, or day 28).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.models import Cadence, Partnership
from bot.schedule import WeeklyTime, local_instant, next_occurrence

DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)
WEEK = timedelta(days=7)
WEEKS = {Cadence.WEEKLY: 1, Cadence.EVERY_TWO_WEEKS: 2}
# The trial question comes after this many check-in periods; reviews follow its day.
TRIAL_PERIODS = 2


def period(cadence: Cadence) -> timedelta:
    """How long one check-in period lasts: a week, or two."""
    return WEEKS[cadence] * WEEK


@dataclass(frozen=True)
class Rhythm:
    """A pair's check-in times: its weekly time, on every week or every on-week."""

    weekly: WeeklyTime
    cadence: Cadence = Cadence.WEEKLY
    # A local date (in the weekly time's zone) that begins an on-week; only every two weeks.
    anchor: date | None = None

    @property
    def period(self) -> timedelta:
        return period(self.cadence)

    def on_day(self, day: date) -> bool:
        """Whether a local date lies in a week with a check-in: every week before the anchor."""
        if self.anchor is None or day < self.anchor:
            return True
        return (day - self.anchor).days // 7 % WEEKS[self.cadence] == 0

    def cadence_at(self, checkin_at: datetime) -> Cadence:
        """The cadence a check-in belongs to: weekly before the anchor, then the pair's."""
        if self.anchor is None or self._day(checkin_at) < self.anchor:
            return Cadence.WEEKLY
        return self.cadence

    def _day(self, instant: datetime) -> date:
        return instant.astimezone(ZoneInfo(self.weekly.zone)).date()

    def next_after(self, instant: datetime) -> datetime:
        """The first check-in strictly after `instant`."""
        if self.anchor is None or self.cadence is Cadence.WEEKLY:
            return next_occurrence(self.weekly, instant)
        start = instant.astimezone(ZoneInfo(self.weekly.zone)).date() - timedelta(days=1)
        for offset in range(7 * WEEKS[self.cadence] + 3):
            day = start + timedelta(days=offset)
            if day.weekday() != self.weekly.weekday or not self.on_day(day):
                continue
            candidate = local_instant(day, self.weekly.minute, self.weekly.zone)
            if candidate > instant:
                return candidate
        raise AssertionError("a check-in always recurs within one period and three days")

    def latest(self, instant: datetime) -> datetime:
        """The last check-in at or before `instant`."""
        found = self.next_after(instant - period(self.cadence) - 2 * DAY)
        while (following := self.next_after(found)) <= instant:
            found = following
        return found

    def week_of(self, instant: datetime) -> datetime:
        """The check-in a moment belongs to: the nearest one, before or after.

        Weekly, the one whose week (3½ days either side of it) holds the moment: a member
        who answers a day early or two days late still answers that week's questions,
        and a second answer in the same window replaces the first. Every two weeks, the
        nearer of the check-ins around it: answering in an off-week answers the nearest
        on-week's questions, and before the anchor the weeks are weekly ones.
        """
        if self.anchor is None or self.cadence is Cadence.WEEKLY:
            return self.next_after(instant - WEEK / 2)
        after, before = self.next_after(instant), self.latest(instant)
        return before if instant - before < (after - before) / 2 else after


def answer_week(
    rhythm: Rhythm, instant: datetime, last: datetime | None, upcoming: datetime
) -> datetime:
    """The check-in an answer given at `instant` is filed under: always one posted or due.

    `last` is the pair's latest check-in posted by `instant` (None before its first) and
    `upcoming` its next one still to come (`next_checkin_at`). Normally that is
    `Rhythm.week_of`. After a change of time (or of cadence) and before the first
    check-in it brings, the rhythm's latest check-in was never scheduled (the new time's
    past, or an off-week's day): the answer belongs to the nearer of the last real
    check-in and that first one, so an answer given again right after the change updates
    the last check-in instead of starting another.
    """
    if last is None or upcoming <= instant or rhythm.latest(instant) == last:
        return rhythm.week_of(instant)
    return last if instant - last < (upcoming - last) / 2 else upcoming


def rhythm_of(partnership: Partnership) -> Rhythm:
    return Rhythm(partnership.weekly, partnership.cadence, partnership.cadence_anchor)


def pair_trial(partnership: Partnership) -> datetime:
    """When the pair's trial question is (or was) due; the reviews follow its day."""
    return trial_due(partnership.created_at, partnership.cadence, partnership.trial_at)


def anchored(weekly: WeeklyTime, cadence: Cadence, now: datetime) -> Rhythm:
    """The rhythm a change confirmed at `now` starts: from the next check-in at `weekly`.

    That check-in comes as it would have every week, so nothing is doubled or skipped;
    every two weeks, its week is the first on-week.
    """
    if cadence is Cadence.WEEKLY:
        return Rhythm(weekly)
    first = next_occurrence(weekly, now)
    return Rhythm(weekly, cadence, first.astimezone(ZoneInfo(weekly.zone)).date())


# How far a new time may move an every-two-weeks pair's next check-in (`retimed`): a
# gap of at least 10 days after the last check-in (not doubled), at most 17 (the
# streak's `bot.checkins.next_period`, not skipped).
EARLIEST_MOVE = timedelta(days=4)


@dataclass(frozen=True)
class Retimed:
    """A confirmed new time: the rhythm it starts, and its first check-in."""

    rhythm: Rhythm
    first: datetime


def retimed(rhythm: Rhythm, weekly: WeeklyTime, now: datetime, planned: datetime | None) -> Retimed:
    """The rhythm a new weekly time confirmed at `now` starts (see the module's docstring).

    Every two weeks, its first check-in replaces the pair's next one at the old time:
    the new time's occurrence nearest it. That next one is the check-in its reminders
    planned (`planned`, the stored `next_checkin_at`, via `upcoming`), not the rhythm's
    next on-day, which after an earlier new time may be a day that is no check-in.
    The anchor is the first check-in's date two periods earlier, so the on-weeks run
    through the recent past at the new time too, the last check-in's period and the one
    before it included (an answer still filed under the last check-in keeps its cadence).
    The last period's day at the new time may lie between now and the first check-in: it
    is not one (`upcoming`).
    """
    if rhythm.anchor is None or rhythm.cadence is Cadence.WEEKLY:
        return Retimed(Rhythm(weekly), next_occurrence(weekly, now))
    replaced = upcoming(rhythm, planned, now)
    # From four days before it, that moment included (a minute is the times' grain).
    first = next_occurrence(weekly, max(now, replaced - EARLIEST_MOVE - MINUTE))
    day = first.astimezone(ZoneInfo(weekly.zone)).date()
    return Retimed(Rhythm(weekly, rhythm.cadence, day - 2 * period(rhythm.cadence)), first)


def upcoming(rhythm: Rhythm, planned: datetime | None, now: datetime) -> datetime:
    """The pair's next check-in: the one its reminders planned (`next_checkin_at`) while
    it is still ahead, since a new time's first check-in may pass over an on-day of its
    rhythm (`retimed`); otherwise the rhythm's next."""
    return planned if planned is not None and planned > now else rhythm.next_after(now)


def trial_due(created_at: datetime, cadence: Cadence, trial_at: datetime | None = None) -> datetime:
    """When the trial question is due: as moved by a cadence change, or two periods in."""
    return trial_at if trial_at is not None else created_at + TRIAL_PERIODS * period(cadence)


def moved_trial(created_at: datetime, due: datetime, cadence: Cadence, now: datetime) -> datetime:
    """The trial's moment once `cadence` is confirmed at `now`; `due` is when it was due.

    A trial already due stays where it was (it was asked, or is about to be, and the
    reviews follow its day). One still ahead comes after two periods of the new cadence,
    or at once when those have already passed.
    """
    if now >= due:
        return due
    return max(created_at + TRIAL_PERIODS * period(cadence), now)
