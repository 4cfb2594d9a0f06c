"""The weekly recap: when each server's is due, which week it covers, who tops that week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.cadence import WEEK
from bot.schedule import WeeklyTime, next_occurrence

# Sunday evening, before most courses' new week, until a moderator picks another time.
DEFAULT_RECAP = WeeklyTime(weekday=6, minute=18 * 60, zone="UTC")


@dataclass(frozen=True)
class RecapChange:
    """The parts of a recap time a moderator named; the others stay as they are."""

    weekday: int | None = None
    minute: int | None = None
    zone: str | None = None

    def __bool__(self) -> bool:
        return any(part is not None for part in (self.weekday, self.minute, self.zone))

    def applied_to(self, current: WeeklyTime) -> WeeklyTime:
        return WeeklyTime(
            current.weekday if self.weekday is None else self.weekday,
            current.minute if self.minute is None else self.minute,
            current.zone if self.zone is None else self.zone,
        )


UNCHANGED = RecapChange()


def latest_occasion(weekly: WeeklyTime, now: datetime) -> datetime:
    """The most recent recap time at or before `now`: after downtime only it is posted."""
    occasion = next_occurrence(weekly, now - WEEK - timedelta(days=1))
    while (following := next_occurrence(weekly, occasion)) <= now:
        occasion = following
    return occasion


def covered_week(weekly: WeeklyTime, occasion: datetime) -> tuple[datetime, datetime]:
    """The week a recap looks back on: since the recap time before it, to its own.

    Counted on the zone's clocks, so in the week the clocks change it lasts an hour
    more or less, and consecutive recaps never count a milestone twice or not at all.
    """
    return latest_occasion(weekly, occasion - timedelta(seconds=1)), occasion
