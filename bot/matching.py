"""Who should partner whom: the compatibility rules and the ranking of candidates."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from bot.errors import UserError
from bot.i18n import _, ngettext
from bot.schedule import MINUTES_PER_WEEK, WeeklyTime, minutes_apart, utc_minute_of_week

MIN_PACE = 1
MAX_PACE = 80
MAX_PACE_RATIO = 2
MAX_TIME_GAP_MINUTES = 3 * 60
MAX_COURSE_LENGTH = 100
_SPACES = re.compile(r"\s+")
# Unicode categories of characters nobody can see: control and format characters.
_INVISIBLE = frozenset({"Cc", "Cf"})
# Unicode's Default_Ignorable_Code_Point characters outside those categories (fillers,
# combining grapheme joiner, variation selectors), and the blank Braille pattern.
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0"
    "\U000e0100-\U000e01ef]"
)


@dataclass(frozen=True)
class Seeker:
    """A member waiting for a partner in one course."""

    user_id: int
    pace: int
    weekly: WeeklyTime
    queued_at: datetime
    priority: bool = False
    # The languages the member stated (`/profile languages:`), as ISO 639-1 codes.
    languages: frozenset[str] = field(default_factory=frozenset)


def normalize_course(name: str) -> str:
    """One spelling per course name, whatever the keyboard sent.

    Compatibility forms become plain ones (NFKC: full-width letters, ligatures),
    invisible characters (zero-width spaces, joiners, control characters) go, and runs
    of whitespace become one space: `Art` and `Art` + a zero-width space are one course.
    """
    text = _IGNORABLE.sub("", unicodedata.normalize("NFKC", name))
    text = "".join(" " if ch.isspace() else ch for ch in text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def course_key(name: str) -> str:
    """Courses match regardless of case and spacing: `Intro  to ML` is `intro to ml`."""
    return unicodedata.normalize("NFKC", normalize_course(name).casefold())


def clean_course(name: str) -> str:
    cleaned = normalize_course(name)
    if not cleaned:
        raise UserError(_("Name the course, for example `Intro to Python`."))
    if len(cleaned) > MAX_COURSE_LENGTH:
        raise UserError(
            ngettext(
                "Course names can be at most {count} character.",
                "Course names can be at most {count} characters.",
                MAX_COURSE_LENGTH,
            )
        )
    return cleaned


def check_pace(pace: int) -> int:
    if not MIN_PACE <= pace <= MAX_PACE:
        raise UserError(
            _(
                "Pace is hours per week, from {lowest} to {highest}; you gave {pace}.",
                lowest=MIN_PACE,
                highest=MAX_PACE,
                pace=pace,
            )
        )
    return pace


def paces_compatible(first: int, second: int) -> bool:
    return max(first, second) <= MAX_PACE_RATIO * min(first, second)


def languages_compatible(first: Seeker, second: Seeker) -> bool:
    """Two members who both stated languages need one in common; one who stated none
    can partner anyone."""
    return not (first.languages and second.languages) or shares_language(first, second)


def shares_language(first: Seeker, second: Seeker) -> bool:
    return not first.languages.isdisjoint(second.languages)


def compatible(first: Seeker, second: Seeker, now: datetime) -> bool:
    return (
        first.user_id != second.user_id
        and languages_compatible(first, second)
        and paces_compatible(first.pace, second.pace)
        and minutes_apart(first.weekly, second.weekly, now) <= MAX_TIME_GAP_MINUTES
    )


def choose_partner(seeker: Seeker, waiting: Iterable[Seeker], now: datetime) -> Seeker | None:
    """Best compatible candidate: priority first, then a shared language, then closest pace,
    closest time, longest wait."""
    candidates = [other for other in waiting if compatible(seeker, other, now)]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda other: (
            not other.priority,
            not shares_language(seeker, other),
            abs(other.pace - seeker.pace),
            minutes_apart(seeker.weekly, other.weekly, now),
            other.queued_at,
            other.user_id,
        ),
    )


def pair_schedule(first: Seeker, second: Seeker) -> WeeklyTime:
    """The pair keeps the check-in time of whoever queued first."""
    return (
        first.weekly
        if (first.queued_at, first.user_id) <= (second.queued_at, second.user_id)
        else second.weekly
    )


def pace_range(pace: int) -> tuple[int, int]:
    """The paces compatible with `pace`: within a factor of two either way."""
    return -(-pace // MAX_PACE_RATIO), pace * MAX_PACE_RATIO


def minute_ranges(weekly: WeeklyTime, now: datetime) -> list[tuple[int, int]]:
    """The stretches of the UTC week where a compatible time lies as of `now`: the 3-hour
    rule around `weekly`'s minute, in two stretches when it wraps around the week's end.
    The queue keeps each waiting member's minute as of now (`utc_minute_until`)."""
    reach = MAX_TIME_GAP_MINUTES
    centre = utc_minute_of_week(weekly, now)
    low, high = centre - reach, centre + reach
    if low < 0:
        return [(0, high), (low + MINUTES_PER_WEEK, MINUTES_PER_WEEK - 1)]
    if high >= MINUTES_PER_WEEK:
        return [(low, MINUTES_PER_WEEK - 1), (0, high - MINUTES_PER_WEEK)]
    return [(low, high)]


def choose_among_nearby(seeker: Seeker, nearby: Iterable[Seeker], now: datetime) -> Seeker | None:
    """`choose_partner`, computing each candidate's time only where it can decide.

    Candidates are taken in groups of equal priority, shared language and pace distance,
    the ranking's first three keys; the first group holding a compatible member holds the
    best one.
    """
    first_keys = lambda other: (  # noqa: E731
        not other.priority,
        not shares_language(seeker, other),
        abs(other.pace - seeker.pace),
    )
    for _keys, group in groupby(sorted(nearby, key=first_keys), key=first_keys):
        chosen = choose_partner(seeker, group, now)
        if chosen is not None:
            return chosen
    return None
