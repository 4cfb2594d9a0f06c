"""What the reminders job owes a partnership at a given moment, and when to look again.

`plan` is pure: given what happened so far it lists every notice that is due, each
with a key (kind, episode, member) that identifies it for good. The store inserts
them idempotently, so planning the same moment twice, after a crash or a restart,
can never post anything twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.models import NoticeKind
from bot.pauses import Span, clock_reaches, paused_at
from bot.schedule import WeeklyTime, next_occurrence

HEADS_UP_BEFORE = timedelta(hours=24)
QUIET_NUDGE_AFTER = timedelta(days=14)
QUIET_OFFER_AFTER = timedelta(days=21)
TRIAL_AFTER = timedelta(days=14)
# After the trial, the pair is asked again every eight weeks whether it still helps.
REVIEW_EVERY = timedelta(weeks=8)
ONE_SIDED_WEEKS = 3
WEEK = timedelta(days=7)
WEEK_TOLERANCE = timedelta(days=3)


@dataclass(frozen=True)
class Notice:
    """One message the loop owes: `episode` is a unix time naming the occasion."""

    kind: str
    episode: int
    member_id: int = 0


@dataclass(frozen=True)
class PairState:
    partnership_id: int
    members: tuple[int, int]
    weekly: WeeklyTime
    created_at: datetime
    next_checkin_at: datetime
    last_checkin: dict[int, datetime | None]
    weeks: dict[int, frozenset[datetime]] = field(default_factory=dict)
    # Each member's planned pauses (`bot.pauses`): their quiet clock stands still meanwhile.
    pauses: dict[int, tuple[Span, ...]] = field(default_factory=dict)
    # The alarm as read: a plan is stored only while it still stands (see the store).
    alarm_at: datetime | None = None


@dataclass(frozen=True)
class Plan:
    notices: list[Notice]
    next_checkin_at: datetime
    alarm_at: datetime


def _stamp(instant: datetime) -> int:
    return int(instant.timestamp())


def plan(state: PairState, now: datetime) -> Plan:
    notices: list[Notice] = []
    upcoming = state.next_checkin_at
    if now >= upcoming:
        # After downtime, only the latest missed occurrence is posted: once, late.
        latest = upcoming
        while (following := next_occurrence(state.weekly, latest)) <= now:
            latest = following
        notices.append(Notice(NoticeKind.CHECKIN, _stamp(latest)))
        notices.extend(_one_sided(state, latest))
        upcoming = following
    if now >= upcoming - HEADS_UP_BEFORE:
        notices.append(Notice(NoticeKind.HEADS_UP, _stamp(upcoming)))
    if now >= state.created_at + TRIAL_AFTER:
        notices.append(Notice(NoticeKind.TRIAL, _stamp(state.created_at)))
    if (review := latest_review(state.created_at, now)) is not None:
        notices.append(Notice(NoticeKind.REVIEW, _stamp(review)))
    notices.extend(_quiet(state, now))
    return Plan(
        notices=notices, next_checkin_at=upcoming, alarm_at=_next_alarm(state, upcoming, now)
    )


def latest_review(created_at: datetime, now: datetime) -> datetime | None:
    """The latest review due by now, if any: after downtime only the latest is asked."""
    reviews = (now - created_at - TRIAL_AFTER) // REVIEW_EVERY
    return created_at + TRIAL_AFTER + reviews * REVIEW_EVERY if reviews >= 1 else None


def review_due(created_at: datetime, now: datetime) -> int | None:
    """The episode of the review a pair can answer now: the latest asked, if any."""
    latest = latest_review(created_at, now)
    return None if latest is None else _stamp(latest)


def _next_review(created_at: datetime, now: datetime) -> datetime:
    reviews = max((now - created_at - TRIAL_AFTER) // REVIEW_EVERY, 0) + 1
    return created_at + TRIAL_AFTER + reviews * REVIEW_EVERY


def _quiet_since(state: PairState, member: int) -> datetime:
    return state.last_checkin.get(member) or state.created_at


def _quiet_for(state: PairState, member: int, duration: timedelta) -> datetime:
    """When a member has been quiet for `duration`, not counting their planned pauses."""
    return clock_reaches(_quiet_since(state, member), duration, state.pauses.get(member, ()))


def _quiet(state: PairState, now: datetime) -> list[Notice]:
    """The nudge, then the offer to the partner; the quiet spell (episode) is its start."""
    notices = []
    for member in state.members:
        spell = _stamp(_quiet_since(state, member))
        if now >= _quiet_for(state, member, QUIET_NUDGE_AFTER):
            notices.append(Notice(NoticeKind.NUDGE, spell, member))
        if now >= _quiet_for(state, member, QUIET_OFFER_AFTER):
            other = state.members[1] if member == state.members[0] else state.members[0]
            notices.append(Notice(NoticeKind.REMATCH_OFFER, spell, other))
    return notices


def _checked_in(weeks: frozenset[datetime], week: datetime) -> bool:
    return any(abs(week - done) < WEEK_TOLERANCE for done in weeks)


def _one_sided(state: PairState, checkin_at: datetime) -> list[Notice]:
    """Three finished weeks in which one member checked in every week and the other never."""
    finished = [checkin_at - WEEK * back for back in range(1, ONE_SIDED_WEEKS + 1)]
    if finished[-1] < state.created_at - WEEK_TOLERANCE:
        return []
    done = {
        m: [_checked_in(state.weeks.get(m, frozenset()), w) for w in finished]
        for m in state.members
    }
    first, second = state.members
    for active, quiet in ((first, second), (second, first)):
        on_break = any(paused_at(state.pauses.get(quiet, ()), week) for week in finished)
        if all(done[active]) and not any(done[quiet]) and not on_break:
            return [Notice(NoticeKind.ONE_SIDED, _stamp(_quiet_since(state, quiet)), active)]
    return []


def _next_alarm(state: PairState, upcoming: datetime, now: datetime) -> datetime:
    candidates = [
        upcoming - HEADS_UP_BEFORE,
        upcoming,
        state.created_at + TRIAL_AFTER,
        _next_review(state.created_at, now),
    ]
    for member in state.members:
        candidates += [
            _quiet_for(state, member, after) for after in (QUIET_NUDGE_AFTER, QUIET_OFFER_AFTER)
        ]
    return min(moment for moment in candidates if moment > now)
