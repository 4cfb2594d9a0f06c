"""When a member may be pinged for something that can wait: not at night in their zone.

A notice that is not time-critical (a missed deadline, a milestone added) still posts at
once, so the thread never disagrees with the store, but it pings nobody who is asleep:
between 22:00 and 08:00 in a member's own zone. Check-in reminders keep their agreed
times and always ping; they are not judged here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, time
from zoneinfo import ZoneInfo

NIGHT_STARTS = time(22, 0)
NIGHT_ENDS = time(8, 0)


def is_night(instant: datetime, zone: str) -> bool:
    """Whether `instant` falls between 22:00 and 08:00 on the member's wall clock."""
    local = instant.astimezone(ZoneInfo(zone)).time()
    return local >= NIGHT_STARTS or local < NIGHT_ENDS


def awake(members: Iterable[int], zones: Mapping[int, str], now: datetime) -> tuple[int, ...]:
    """The members who may be pinged now for a notice that can wait (unknown zone: awake)."""
    return tuple(m for m in members if m not in zones or not is_night(now, zones[m]))
