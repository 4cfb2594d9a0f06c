"""Voice rooms and calls: when a pair's room closes, and when a call counts as a check-in.

A pair's room is a private voice channel that lives only as long as the pair uses it:
it closes a few minutes after the last partner leaves, sooner when nobody ever joins,
and never lasts more than a couple of hours, so a server's rooms are always few. A call
counts as the week's check-in once both partners were in the room together long enough
to have really talked; a short hello counts nothing. Time in a room is kept as stays
(join to leave), so a restart in the middle of a call loses none of it, and a partner who
drops and rejoins keeps the minutes already spoken.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# Both partners in the room together this long: the call is the week's check-in.
COUNTS_AFTER = timedelta(minutes=10)
# A room nobody joined closes this long after it opened.
UNUSED_ROOM_CLOSES = timedelta(minutes=30)
# A room closes this long after the last partner left it.
CLOSES_AFTER_LEAVING = timedelta(minutes=5)
# A room never stays open longer than this, even with partners still in it.
LONGEST_ROOM = timedelta(hours=2)


@dataclass(frozen=True)
class Stay:
    """One partner's time in a room, from joining to leaving (None while still there)."""

    user_id: int
    joined_at: datetime
    left_at: datetime | None = None

    def until(self, now: datetime) -> datetime:
        return now if self.left_at is None else self.left_at


def _merged(spans: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Overlapping or touching spans as one: a member's time in the room, counted once."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def time_together(stays: Sequence[Stay], members: tuple[int, int], now: datetime) -> timedelta:
    """How long both `members` were in the room at the same time, as of `now`."""
    first, second = (
        _merged((s.joined_at, s.until(now)) for s in stays if s.user_id == member)
        for member in members
    )
    together = timedelta()
    for start, end in first:
        for other_start, other_end in second:
            overlap = min(end, other_end) - max(start, other_start)
            together += max(overlap, timedelta())
    return together


def counts(together: timedelta) -> bool:
    """Whether a call this long is the week's check-in."""
    return together >= COUNTS_AFTER


def whole_minutes(together: timedelta) -> int:
    return int(together.total_seconds() // 60)


def closes_at(opened_at: datetime, stays: Sequence[Stay]) -> datetime:
    """When a room closes, given who has been in it.

    Unused, it closes `UNUSED_ROOM_CLOSES` after opening; once the last partner left,
    `CLOSES_AFTER_LEAVING` later; with someone still inside, at the latest `LONGEST_ROOM`
    after it opened, which caps the other two as well.
    """
    latest = opened_at + LONGEST_ROOM
    if not stays:
        return min(opened_at + UNUSED_ROOM_CLOSES, latest)
    if any(stay.left_at is None for stay in stays):
        return latest
    last_left = max(stay.left_at for stay in stays if stay.left_at is not None)
    return min(last_left + CLOSES_AFTER_LEAVING, latest)
