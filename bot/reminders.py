"""What the reminders job owes a partnership at a given moment, and when to look again.

`plan` is pure: given what happened so far it lists every notice that is due, each
with a key (kind, episode, member) that identifies it for good. The store inserts
them idempotently, so planning the same moment twice, after a crash or a restart,
can never post anything twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.cadence import Rhythm, period, trial_due
from bot.mentors import latest_question, next_question
from bot.models import Cadence, NoticeKind, Role, Seats
from bot.pauses import Span, clock_reaches, paused_at
from bot.schedule import WeeklyTime

HEADS_UP_BEFORE = timedelta(hours=24)
# Heads-ups are spread over the hour before their nominal time, each pair at its own
# minute (`heads_up_at`): check-in times cluster (Monday 19:00), and the next day's
# heads-ups must not compete with the reminders due that same minute.
HEADS_UP_SPREAD = timedelta(hours=1)
_SPREADING_PRIME = 7919
# The quiet clock's nudge and rematch offer, in check-in periods of the pair's cadence:
# 14 and 21 days weekly, 28 and 42 every two weeks (`quiet_after`).
QUIET_NUDGE_PERIODS = 2
QUIET_OFFER_PERIODS = 3
# After the trial, the pair is asked again every eight weeks whether it still helps.
REVIEW_EVERY = timedelta(weeks=8)
ONE_SIDED_WEEKS = 3
WEEK_TOLERANCE = timedelta(days=3)


@dataclass(frozen=True)
class Notice:
    """One message the loop owes: `episode` is a unix time naming the occasion."""

    kind: str
    episode: int
    member_id: int = 0


@dataclass(frozen=True)
class PairState(Seats):
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
    # How often the pair checks in (`bot.cadence`), and the trial as a change moved it.
    cadence: Cadence = Cadence.WEEKLY
    anchor: date | None = None
    trial_at: datetime | None = None
    # Each member's role, in the order of `members` (`bot.models.Seats`, `bot.mentors`): a
    # mentor is never quiet, a mentorship is never one-sided.
    roles: tuple[Role, Role] = (Role.PEER, Role.PEER)

    @property
    def rhythm(self) -> Rhythm:
        return Rhythm(self.weekly, self.cadence, self.anchor)

    @property
    def trial(self) -> datetime:
        """When the trial question is due: two check-in periods in, unless a change moved it."""
        return trial_due(self.created_at, self.cadence, self.trial_at)


@dataclass(frozen=True)
class Plan:
    notices: list[Notice]
    next_checkin_at: datetime
    alarm_at: datetime
    # The last check-in's week has just closed: its reminder loses its **Check in** button.
    closes_last_reminder: bool = False


def _stamp(instant: datetime) -> int:
    return int(instant.timestamp())


def plan(state: PairState, now: datetime) -> Plan:
    notices: list[Notice] = []
    upcoming = state.next_checkin_at
    if now >= upcoming:
        # After downtime, only the latest missed occurrence is posted: once, late.
        latest = upcoming
        while (following := state.rhythm.next_after(latest)) <= now:
            latest = following
        notices.append(Notice(NoticeKind.CHECKIN, _stamp(latest)))
        notices.extend(_one_sided(state, latest))
        upcoming = following
    if now >= heads_up_at(state.partnership_id, upcoming):
        notices.append(Notice(NoticeKind.HEADS_UP, _stamp(upcoming)))
    if now >= state.trial:
        notices.append(Notice(NoticeKind.TRIAL, _stamp(state.created_at)))
    if (review := latest_review(state.trial, now)) is not None:
        notices.append(Notice(NoticeKind.REVIEW, _stamp(review)))
    if (
        state.mentor is not None
        and (question := latest_question(state.created_at, now)) is not None
    ):
        notices.append(Notice(NoticeKind.MENTOR_QUESTION, _stamp(question)))
    notices.extend(_quiet(state, now))
    closing = next_week_opens(upcoming, state.cadence)
    return Plan(
        notices=notices,
        next_checkin_at=upcoming,
        alarm_at=_next_alarm(state, upcoming, now),
        closes_last_reminder=state.alarm_at is not None and state.alarm_at <= closing <= now,
    )


def heads_up_at(partnership_id: int, checkin_at: datetime) -> datetime:
    """When a pair's heads-up for the check-in at `checkin_at` is due: 24 hours before,
    less the pair's own share of `HEADS_UP_SPREAD` (the same every week)."""
    spread = int(HEADS_UP_SPREAD.total_seconds())
    return (
        checkin_at - HEADS_UP_BEFORE - timedelta(seconds=partnership_id * _SPREADING_PRIME % spread)
    )


def next_week_opens(upcoming: datetime, cadence: Cadence) -> datetime:
    """When the check-in week of `upcoming` begins, and so the one before it closes.

    Check-in weeks tile time: each runs from half a period before its check-in to half a
    period after it (3½ days weekly, 7 days every two weeks), so an answer after this
    moment counts for `upcoming`, and the last reminder's **Check in** has nothing left
    to answer.
    """
    return upcoming - period(cadence) / 2


def reminder_open(checkin_at: datetime, cadence: Cadence, now: datetime) -> bool:
    """Whether the reminder of the check-in at `checkin_at` can still be answered."""
    return now < checkin_at + period(cadence) / 2


def latest_review(trial: datetime, now: datetime) -> datetime | None:
    """The latest review due by now, if any: after downtime only the latest is asked.

    Reviews follow the trial's day: `trial` is when it was due (`bot.cadence.trial_due`).
    """
    reviews = (now - trial) // REVIEW_EVERY
    return trial + reviews * REVIEW_EVERY if reviews >= 1 else None


def review_due(trial: datetime, now: datetime) -> int | None:
    """The episode of the review a pair can answer now: the latest asked, if any."""
    latest = latest_review(trial, now)
    return None if latest is None else _stamp(latest)


def _next_review(trial: datetime, now: datetime) -> datetime:
    reviews = max((now - trial) // REVIEW_EVERY, 0) + 1
    return trial + reviews * REVIEW_EVERY


def quiet_after(rhythm: Rhythm) -> tuple[timedelta, timedelta]:
    """How long a member is quiet before the nudge, and before their partner's offer."""
    return QUIET_NUDGE_PERIODS * rhythm.period, QUIET_OFFER_PERIODS * rhythm.period


def _quiet_since(state: PairState, member: int) -> datetime:
    return state.last_checkin.get(member) or state.created_at


def _quiet_for(state: PairState, member: int, duration: timedelta) -> datetime:
    """When a member has been quiet for `duration`, not counting their planned pauses."""
    return clock_reaches(_quiet_since(state, member), duration, state.pauses.get(member, ()))


def _quiet(state: PairState, now: datetime) -> list[Notice]:
    """The nudge, then the offer to the partner; the quiet spell (episode) is its start."""
    notices = []
    nudge_after, offer_after = quiet_after(state.rhythm)
    for member in filter(state.checks_in, state.members):  # a mentor's silence never counts
        spell = _stamp(_quiet_since(state, member))
        if now >= _quiet_for(state, member, nudge_after):
            notices.append(Notice(NoticeKind.NUDGE, spell, member))
        if now >= _quiet_for(state, member, offer_after):
            other = state.members[1] if member == state.members[0] else state.members[0]
            notices.append(Notice(NoticeKind.REMATCH_OFFER, spell, other))
    return notices


def _checked_in(weeks: frozenset[datetime], week: datetime) -> bool:
    return any(abs(week - done) < WEEK_TOLERANCE for done in weeks)


def _one_sided(state: PairState, checkin_at: datetime) -> list[Notice]:
    """Three finished periods in which one member checked in each time and the other never."""
    every = state.rhythm.period
    finished = [checkin_at - every * back for back in range(1, ONE_SIDED_WEEKS + 1)]
    if finished[-1] < state.created_at - WEEK_TOLERANCE or state.mentor is not None:
        return []  # too early, or a mentorship: the mentor is meant not to check in
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
        heads_up_at(state.partnership_id, upcoming),
        next_week_opens(upcoming, state.cadence),
        upcoming,
        state.trial,
        _next_review(state.trial, now),
    ]
    if state.mentor is not None:
        candidates.append(next_question(state.created_at, now))
    for member in filter(state.checks_in, state.members):
        candidates += [_quiet_for(state, member, after) for after in quiet_after(state.rhythm)]
    return min(moment for moment in candidates if moment > now)
