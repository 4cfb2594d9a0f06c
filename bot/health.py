"""What the moderators' health view (`/setup health:True`) shows, and why members waiting
in a course are not matched with each other.

Every figure is read from counts kept as things happen (`bot/store/health.py`), so the
view costs the same in a server of ten pairs and of 100,000. Days and weeks are UTC:
a week runs from Monday 00:00 UTC, and a check-in counts in the week of the reminder
it answers, so each week's share is "of the check-ins asked that week, how many were
made", settling as late answers come in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from itertools import combinations

from bot.matching import MAX_TIME_GAP_MINUTES, Seeker, languages_compatible, paces_compatible
from bot.models import NoticeKind
from bot.pauses import paused_at
from bot.reminders import PairState, Plan
from bot.schedule import MINUTES_PER_WEEK, utc_minute_of_week

DAY_SECONDS = 86400
WEEKS_SHOWN = 8
MILESTONE_DAYS = 30
# The courses with the most members waiting that the view shows, and how many of each
# one's longest-waiting members are compared with each other: the work stays bounded
# however long a queue grows.
COURSES_SHOWN = 3
COMPARED = 25
# Failed messages are counted up to this many; more reads as "1,000+".
UNDELIVERABLE_COUNTED = 1000


class DayCount(StrEnum):
    """What `health_days` counts per server and UTC day (its columns)."""

    CHECKINS_DUE = "checkins_due"
    CHECKINS_MADE = "checkins_made"
    MILESTONES_CONFIRMED = "milestones_confirmed"
    MILESTONES_MISSED = "milestones_missed"


class Blocker(StrEnum):
    """A rule of `bot.matching` that keeps two waiting members apart."""

    LANGUAGE = "language"
    PACE = "pace"
    TIME = "time"
    PARTNERED_BEFORE = "partnered_before"  # former partners find each other by invitation


class Problem(StrEnum):
    """What a moderator can fix or should know, worst first."""

    MISSING_PERMISSIONS = "missing_permissions"
    UNDELIVERABLE = "undeliverable"
    STUCK_COURSE = "stuck_course"
    QUIET_PAIRS = "quiet_pairs"


@dataclass(frozen=True)
class Day:
    """One server's counts of one UTC day (`day`: its first second)."""

    day: int
    checkins_due: int = 0
    checkins_made: int = 0
    milestones_confirmed: int = 0
    milestones_missed: int = 0


@dataclass(frozen=True)
class WeekShare:
    """The check-ins asked in one week and those made."""

    starts: datetime
    due: int
    made: int

    @property
    def share(self) -> float | None:
        """Made of those due, at most all of them (a member may answer on a break);
        None for a week nobody was asked."""
        return min(self.made, self.due) / self.due if self.due else None


@dataclass(frozen=True)
class CourseWait:
    """Members waiting in a course, the longest since when, and what keeps those compared
    apart (None: some of them could be matched, or only one waits)."""

    course: str
    waiting: int
    since: datetime
    blocker: Blocker | None


@dataclass(frozen=True)
class Health:
    active_pairs: int
    quiet_pairs: int  # active pairs with a partner quiet since the reminders job's nudge
    waiting: int
    weeks: tuple[WeekShare, ...]  # oldest first; the last is the week in progress
    confirmed: int  # milestones, in the last `MILESTONE_DAYS` days
    missed: int
    courses: tuple[CourseWait, ...]  # most waiting first
    undeliverable: int  # at most `UNDELIVERABLE_COUNTED`

    @property
    def last_week(self) -> WeekShare:
        """The last whole week: the one before the week in progress."""
        return self.weeks[-2]

    @property
    def stuck(self) -> CourseWait | None:
        """The course whose members, unable to be matched, have waited longest."""
        stuck = [course for course in self.courses if course.blocker is not None]
        return min(stuck, key=lambda course: course.since, default=None)


def day_of(instant: datetime) -> int:
    """The UTC day an instant falls on, as that day's first second."""
    stamp = int(instant.timestamp())
    return stamp - stamp % DAY_SECONDS


def week_of(instant: datetime) -> datetime:
    """Monday 00:00 UTC of the instant's week."""
    return datetime.fromtimestamp(_monday_of(day_of(instant)), UTC)


def _monday_of(day: int) -> int:
    """The first second of the week (from Monday, UTC) of a day's first second: in
    whole seconds, so the view files up to eight weeks of days without dates."""
    # The epoch's first day, 1970-01-01, was a Thursday: weekday 3 counting from Monday.
    return day - (day // DAY_SECONDS + 3) % 7 * DAY_SECONDS


def first_day(now: datetime) -> int:
    """The first day the view reads: that of the oldest week shown."""
    return day_of(week_of(now) - timedelta(weeks=WEEKS_SHOWN - 1))


def weekly_shares(days: Iterable[Day], now: datetime) -> tuple[WeekShare, ...]:
    """The last `WEEKS_SHOWN` weeks' check-ins due and made, oldest first."""
    starts = [week_of(now) - timedelta(weeks=back) for back in range(WEEKS_SHOWN - 1, -1, -1)]
    due: Counter[int] = Counter()
    made: Counter[int] = Counter()
    for day in days:
        week = _monday_of(day.day)
        due[week] += day.checkins_due
        made[week] += day.checkins_made
    return tuple(
        WeekShare(start, due[int(start.timestamp())], made[int(start.timestamp())])
        for start in starts
    )


def recent_milestones(days: Iterable[Day], now: datetime) -> tuple[int, int]:
    """Milestones confirmed and missed in the last `MILESTONE_DAYS` days, today included."""
    since = day_of(now) - (MILESTONE_DAYS - 1) * DAY_SECONDS
    recent = [day for day in days if day.day >= since]
    return (
        sum(day.milestones_confirmed for day in recent),
        sum(day.milestones_missed for day in recent),
    )


def checkins_due(state: PairState, at: datetime) -> int:
    """How many partners the check-in at `at` asks: all but a mentor, and but one on a
    planned break then (their reminders are silent)."""
    return sum(
        1
        for member in state.members
        if state.checks_in(member) and not paused_at(state.pauses.get(member, ()), at)
    )


def is_quiet(plan: Plan) -> bool:
    """A pair is quiet while the reminders job owes one of its partners the quiet nudge:
    no check-in for two periods (14 days for a weekly pair), planned breaks aside."""
    return any(notice.kind == NoticeKind.NUDGE for notice in plan.notices)


def blocker(
    waiting: Sequence[Seeker], partnered: Iterable[frozenset[int]], now: datetime
) -> Blocker | None:
    """The rule that keeps the most of these waiting members apart, pair by pair (ties in
    `Blocker`'s order); None when two of them could be matched, or fewer than two wait.

    Each member's time is placed on the UTC week once, so comparing every two of them
    costs arithmetic, not time-zone conversions; each pair's rules are read once, and the
    first pair that fails none ends the count (members still waiting usually fit nobody,
    so most views read every pair).
    """
    minutes = {seeker.user_id: utc_minute_of_week(seeker.weekly, now) for seeker in waiting}
    former = set(partnered)
    failed: list[Blocker] = []  # every rule each pair fails, counted once all are read
    for first, second in combinations(waiting, 2):
        rules = _blockers(first, second, minutes, former)
        if not rules:
            return None
        failed += rules
    if not failed:
        return None
    kept_apart = Counter(failed)
    return max(Blocker, key=lambda rule: (kept_apart[rule], -list(Blocker).index(rule)))


def _blockers(
    first: Seeker, second: Seeker, minutes: Mapping[int, int], former: set[frozenset[int]]
) -> list[Blocker]:
    """Each rule of `bot.matching.compatible` these two fail, and a former partnership."""
    failed = []
    if not paces_compatible(first.pace, second.pace):
        failed.append(Blocker.PACE)
    gap = abs(minutes[first.user_id] - minutes[second.user_id])
    # As `bot.schedule.minutes_apart` measures it: the shorter way around the week.
    if min(gap, MINUTES_PER_WEEK - gap) > MAX_TIME_GAP_MINUTES:
        failed.append(Blocker.TIME)
    if not languages_compatible(first, second):
        failed.append(Blocker.LANGUAGE)
    if former and frozenset((first.user_id, second.user_id)) in former:
        failed.append(Blocker.PARTNERED_BEFORE)
    return failed


def worst_problem(health: Health, missing_permissions: int) -> Problem | None:
    """The one thing to name first: what stops Tandem working, then messages it could not
    deliver, members who cannot be matched, pairs gone quiet; None when all is well."""
    found = {
        Problem.MISSING_PERMISSIONS: missing_permissions > 0,
        Problem.UNDELIVERABLE: health.undeliverable > 0,
        Problem.STUCK_COURSE: health.stuck is not None,
        Problem.QUIET_PAIRS: health.quiet_pairs > 0,
    }
    return next((problem for problem in Problem if found[problem]), None)
