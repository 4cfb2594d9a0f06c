"""What a progress card shows: a pair's check-in weeks since it began (twelve at most), each
partner's streak and milestones done, and the pool.

The card is drawn from these values alone, so it can never show a check-in answer: no
answer text reaches this module.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.cadence import WEEK, Rhythm
from bot.checkins import HALF_WEEK, week_of
from bot.models import Cadence, CheckinVia
from bot.pauses import Span
from bot.schedule import WeeklyTime

GRID_WEEKS = 12


class Cell(StrEnum):
    """One week of the grid, for one partner."""

    CHECKED = "checked"  # answered that week's questions
    CALL = "call"  # checked in by talking with the partner in their voice room
    VOICE_MESSAGE = "voice_message"  # checked in with a voice message in the pair's thread
    PAUSED = "paused"  # on a planned break at that week's check-in time
    MISSED = "missed"  # the week closed without an answer
    OFF = "off"  # an off-week of a pair checking in every two weeks
    DUE = "due"  # the week in progress, not answered yet
    BEFORE = "before"  # no check-in asked yet (or the pair had ended)
    NOT_ASKED = "not_asked"  # a mentor, who is never asked to check in


# A week checked in is drawn by how: a call or a voice message counts like the form
# (streak, off-weeks after it), only its colour differs.
CHECKED_VIA = {
    CheckinVia.FORM: Cell.CHECKED,
    CheckinVia.CALL: Cell.CALL,
    CheckinVia.VOICE_MESSAGE: Cell.VOICE_MESSAGE,
}


@dataclass(frozen=True)
class MemberProgress:
    user_id: int
    cells: tuple[Cell, ...]
    streak: int
    confirmed: int  # milestones done (confirmed by the partner) in this partnership
    checks_in: bool = True  # False for a mentor: no weeks to miss, no streak to show


@dataclass(frozen=True)
class ProgressCard:
    """Everything a card draws about one partnership, as of `now`."""

    partnership_id: int
    course: str
    weeks: tuple[datetime, ...]  # each column's check-in time, the pair's first week first
    members: tuple[MemberProgress, MemberProgress]
    pool: int  # minor units
    currency: str
    started: datetime
    now: datetime
    cadence: Cadence = Cadence.WEEKLY
    zone: str = "UTC"  # whose clocks the columns' dates are shown on: the viewer's

    @property
    def weekly(self) -> bool:
        return self.cadence is Cadence.WEEKLY

    @property
    def age_days(self) -> int:
        return max(0, (self.now - self.started).days)

    def focused_on(self, user_id: int) -> ProgressCard:
        """The same card with `user_id` drawn first: whose card it is. A mentor's card is
        their mentee's, the one of the two who checks in and has milestones."""
        first, second = self.members
        wanted = second if second.user_id == user_id else first
        if not wanted.checks_in:
            wanted = first if wanted is second else second
        return self if wanted is first else replace(self, members=(second, first))


def grid_weeks(
    weekly: WeeklyTime, now: datetime, started: datetime | None = None, count: int = GRID_WEEKS
) -> tuple[datetime, ...]:
    """The check-in times of the weeks since the pair's first (`started`), the last `count`
    at most, oldest first, the week in progress last.

    Each column is the week around its check-in time (half a week either side), as
    `week_of` files a check-in; DST moves a column's time, never skips or doubles one. A
    young pair's card has a column per week it has lived, not weeks before it existed.
    """
    latest = week_of(weekly, now)
    weeks = tuple(week_of(weekly, latest - WEEK * back) for back in reversed(range(count)))
    if started is None:
        return weeks
    first = week_of(weekly, started)
    return tuple(week for week in weeks if week >= first) or weeks[-1:]


@dataclass(frozen=True)
class History:
    """What one partner's row is drawn from."""

    # The weeks they checked in, whatever the schedule was, and the cadence of each.
    answered: Mapping[datetime, Cadence]
    pauses: Collection[Span]  # their breaks in this partnership
    active: Span  # when the pair lasted
    checks_in: bool = True  # False for a mentor
    # The pair's check-ins really asked (posted, and the next one due): a week holding
    # one is never an off-week, whatever the pair's rhythm was or became.
    asked: Collection[datetime] = ()
    # The pair's first check-in asked: no week before it can have been missed. None when
    # unknown, and then every closed week of the pair's life counts.
    first_asked: datetime | None = None
    # How each of `answered` was made, by its week; a week not here was the form.
    via: Mapping[datetime, CheckinVia] = field(default_factory=dict)


def grid_row(
    weeks: Sequence[datetime], history: History, rhythm: Rhythm, now: datetime
) -> tuple[Cell, ...]:
    """One partner's cells: a check-in files under the column whose window holds it, drawn
    by how it was made (the form, a call, a voice message).

    A week in which a check-in was asked (or is due) is due or missed. Otherwise it is
    off when the pair's current rhythm skips it, or when the check-in before it was made
    every two weeks: a later change of time or cadence does not turn the off-weeks of
    the past into missed ones, nor a check-in asked after the change into an off-week.
    """
    cells: list[Cell] = []
    follows_fortnightly = False
    for week in weeks:
        at = _answered_in(week, history)
        if at is None:
            cells.append(_cell(week, history, rhythm, now, follows_fortnightly))
        else:
            cells.append(CHECKED_VIA[history.via.get(at, CheckinVia.FORM)])
        follows_fortnightly = at is not None and history.answered[at] is Cadence.EVERY_TWO_WEEKS
    return tuple(cells)


def _answered_in(week: datetime, history: History) -> datetime | None:
    """The week of the check-in filed under this column, if there is one."""
    opens, closes = week - HALF_WEEK, week + HALF_WEEK
    return next((at for at in history.answered if opens <= at < closes), None)


def _cell(
    week: datetime, history: History, rhythm: Rhythm, now: datetime, follows_fortnightly: bool
) -> Cell:
    opens, closes = week - HALF_WEEK, week + HALF_WEEK
    if closes <= history.active.start or opens >= history.active.end:
        return Cell.BEFORE
    if history.first_asked is not None and closes <= history.first_asked:
        return Cell.BEFORE  # nothing was asked yet: the week of pairing up, say
    if not history.checks_in:
        return Cell.NOT_ASKED
    if any(span.covers(week) for span in history.pauses):
        return Cell.PAUSED
    asked = any(opens <= at < closes for at in history.asked)
    if not asked and (follows_fortnightly or _off_week(week, rhythm)):
        return Cell.OFF
    return Cell.DUE if closes > now else Cell.MISSED


def _off_week(week: datetime, rhythm: Rhythm) -> bool:
    """An off-week of the pair's current every-two-weeks rhythm (weeks before it began
    were checked in weekly)."""
    if rhythm.anchor is None:
        return False
    day = week.astimezone(ZoneInfo(rhythm.weekly.zone)).date()
    return not rhythm.on_day(day)
