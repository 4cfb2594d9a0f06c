"""Weekly check-in times: parsing, the next instant, and display in a member's zone.

A weekly time is a weekday and a wall-clock minute in an IANA zone. Each local date
yields exactly one UTC instant: a wall time skipped by a DST jump moves forward by
the gap, and a wall time that happens twice resolves to its first occurrence, so a
reminder is never lost or doubled when the clocks change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_datetime

from bot.errors import UserError
from bot.i18n import _, babel_locale

# The days as the slash commands offer them (translated at sync, like every choice); a
# member reads them in their language through `weekday_name`.
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MINUTES_PER_WEEK = 7 * 24 * 60
_TIME = re.compile(r"^\s*([01]?[0-9]|2[0-3]):([0-5][0-9])\s*$")
# Files some hosts keep beside the zones that are not zones a member can live in.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@dataclass(frozen=True)
class WeeklyTime:
    """A weekday (0 = Monday) and minute of day in one IANA zone."""

    weekday: int
    minute: int
    zone: str

    def next_after(self, instant: datetime) -> datetime:
        return next_occurrence(self, instant)

    def label(self) -> str:
        return f"{weekday_name(self.weekday)} {format_minute(self.minute)} ({self.zone})"


def weekday_name(weekday: int) -> str:
    """The day (0 = Monday) in the current language: `Monday`, `lundi`, `Montag`."""
    return str(babel_locale().days["format"]["wide"][weekday])


@cache
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones()) - _NOT_ZONES


def parse_zone(name: str) -> str:
    """Accept only names from the IANA database, so typos never silently mean UTC."""
    cleaned = name.strip()
    if cleaned not in known_zones():
        raise UserError(
            _(
                "`{zone}` is not a time zone I know. Pick one from the list, "
                "for example `Europe/Berlin` or `America/New_York`.",
                zone=cleaned[:60],
            )
        )
    return cleaned


def parse_minute(text: str) -> int:
    """`HH:MM` on a 24-hour clock to minutes after midnight."""
    match = _TIME.match(text)
    if match is None:
        raise UserError(
            _(
                "`{typed}` is not a time. Use 24-hour `HH:MM`, for example `18:30`.",
                typed=text.strip()[:20],
            )
        )
    return int(match.group(1)) * 60 + int(match.group(2))


def parse_weekday(value: int) -> int:
    if not 0 <= value <= 6:
        raise UserError(_("Choose a check-in day from Monday to Sunday."))
    return value


def parse_weekday_name(text: str) -> int:
    """A day typed into a form: `Monday`, `monday` or `Mon`, in English or in the current
    language (`lundi`); 0 is Monday."""
    typed = text.strip().casefold()
    for index, english in enumerate(WEEKDAYS):
        names = (english, weekday_name(index))
        if len(typed) >= 3 and any(name.casefold().startswith(typed) for name in names):
            return index
    raise UserError(
        _("`{typed}` is not a day. Write one from Monday to Sunday.", typed=text.strip()[:20])
    )


def format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def local_instant(day: date, minute: int, zone: str) -> datetime:
    """The UTC instant at which `day` reaches `minute` on the zone's clocks."""
    wall = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=ZoneInfo(zone))
    return wall.astimezone(UTC)


def next_occurrence(weekly: WeeklyTime, after: datetime) -> datetime:
    """The first instant strictly after `after` at which the weekly time falls."""
    zone = ZoneInfo(weekly.zone)
    start = after.astimezone(zone).date() - timedelta(days=1)
    for offset in range(9):
        day = start + timedelta(days=offset)
        if day.weekday() != weekly.weekday:
            continue
        candidate = local_instant(day, weekly.minute, weekly.zone)
        if candidate > after:
            return candidate
    raise AssertionError("a weekly time always recurs within nine days")


def utc_minute_of_week(weekly: WeeklyTime, reference: datetime) -> int:
    """Where the next occurrence falls in the UTC week; used to compare members' times."""
    instant = next_occurrence(weekly, reference)
    return instant.weekday() * 1440 + instant.hour * 60 + instant.minute


# Farther than any change of a zone's UTC offset moves a wall-clock time: while a zone
# keeps one offset this long on both sides of a weekly time's instant, it falls at the
# same UTC minute of the week.
_UNMOVED = timedelta(days=2)
_WEEK = timedelta(days=7)
# How far a zone's offset changes are searched by stepping before bisecting: less than any
# zone keeps a temporary offset.
_OFFSET_STEP = 6 * 3600


def utc_minute_until(weekly: WeeklyTime, reference: datetime) -> tuple[int, datetime]:
    """`utc_minute_of_week(weekly, reference)`, and the instant until which it stays so.

    The minute holds for every later reference before that instant, so it can be stored
    and searched by index; a change of the zone's UTC offset (daylight saving) ends it at
    the last occurrence before the change, at most about a year ahead.
    """
    occurrence = next_occurrence(weekly, reference)
    minute = occurrence.weekday() * 1440 + occurrence.hour * 60 + occurrence.minute
    change = _next_offset_change(weekly.zone, occurrence - _UNMOVED)
    last = (change or occurrence + 50 * _WEEK) - _UNMOVED
    return minute, occurrence + max(0, (last - occurrence) // _WEEK) * _WEEK


def _next_offset_change(zone: str, after: datetime) -> datetime | None:
    """The first change of the zone's UTC offset after `after`, within the next full year."""
    for year in (after.year, after.year + 1):
        for change in _offset_changes(zone, year):
            if change > after:
                return change
    return None


@cache
def _offset_changes(zone: str, year: int) -> tuple[datetime, ...]:
    """The instants of `year` (UTC) at which the zone's UTC offset changes, to the second:
    zoneinfo does not list them, so they are found by stepping and bisecting (once per
    zone and year)."""
    tz = ZoneInfo(zone)

    def offset(second: int) -> timedelta | None:
        return datetime.fromtimestamp(second, tz).utcoffset()

    start = int(datetime(year, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(year + 1, 1, 1, tzinfo=UTC).timestamp())
    changes = []
    for step in range(start, end, _OFFSET_STEP):
        low, high = step, min(step + _OFFSET_STEP, end)
        before = offset(low)
        if before == offset(high):
            continue
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if offset(middle) == before else (low, middle)
        changes.append(datetime.fromtimestamp(high, UTC))
    return tuple(changes)


def minutes_apart(first: WeeklyTime, second: WeeklyTime, reference: datetime) -> int:
    """Distance between two weekly times around the week, in minutes."""
    gap = abs(utc_minute_of_week(first, reference) - utc_minute_of_week(second, reference))
    return min(gap, MINUTES_PER_WEEK - gap)


def describe_in_zone(instant: datetime, zone: str) -> str:
    """`Monday 18:00 (Europe/Berlin)`: how a member reads an instant."""
    local = instant.astimezone(ZoneInfo(zone))
    return f"{weekday_name(local.weekday())} {local:%H:%M} ({zone})"


def describe_date_in_zone(instant: datetime, zone: str) -> str:
    """`Friday 4 December, 18:00 (Europe/Berlin)`: an instant a week or more away, its day
    and month in the current language."""
    local = format_datetime(instant, "EEEE d MMMM, HH:mm", ZoneInfo(zone), babel_locale())
    return f"{local} ({zone})"
