"""Unit tests for bot.mentors and what a mentorship changes in bot.reminders.plan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import UserError
from bot.mentors import (
    latest_question,
    next_question,
    refuse_checkin,
    refuse_goals,
    refuse_pause,
    refuse_settlement_proposal,
)
from bot.models import NoticeKind, Partnership, Role
from bot.reminders import PairState, plan
from bot.schedule import WeeklyTime

ALICE, BOB = 101, 202  # Alice the mentee, Bob her mentor
CREATED = datetime(2026, 1, 1, 12, tzinfo=UTC)
WEEKLY = WeeklyTime(0, 18 * 60, "UTC")
FOUR_WEEKS = timedelta(weeks=4)


def state(roles: tuple[Role, Role], weeks: frozenset[datetime] = frozenset()) -> PairState:
    return PairState(
        partnership_id=7,
        members=(ALICE, BOB),
        weekly=WEEKLY,
        created_at=CREATED,
        next_checkin_at=datetime(2026, 1, 5, 18, tzinfo=UTC),
        last_checkin={ALICE: max(weeks, default=None), BOB: None},
        weeks={ALICE: weeks, BOB: frozenset()},
        roles=roles,
    )


MENTORSHIP = (Role.MENTEE, Role.MENTOR)  # in the order of the members: Alice, then Bob
PEERS = (Role.PEER, Role.PEER)


def test_the_question_comes_every_four_weeks_and_only_the_latest_counts() -> None:
    assert latest_question(CREATED, CREATED + FOUR_WEEKS - timedelta(seconds=1)) is None
    assert latest_question(CREATED, CREATED + FOUR_WEEKS) == CREATED + FOUR_WEEKS
    assert latest_question(CREATED, CREATED + 3 * FOUR_WEEKS + timedelta(days=3)) == (
        CREATED + 3 * FOUR_WEEKS
    )
    assert next_question(CREATED, CREATED) == CREATED + FOUR_WEEKS
    assert next_question(CREATED, CREATED + FOUR_WEEKS) == CREATED + 2 * FOUR_WEEKS


def test_a_mentorship_plans_the_question_and_wakes_for_it() -> None:
    asked = CREATED + FOUR_WEEKS
    due = plan(state(MENTORSHIP), asked)
    questions = [n for n in due.notices if n.kind == NoticeKind.MENTOR_QUESTION]
    assert [(n.episode, n.member_id) for n in questions] == [(int(asked.timestamp()), 0)]
    assert all(n.kind != NoticeKind.MENTOR_QUESTION for n in plan(state(PEERS), asked).notices)
    early = plan(state(MENTORSHIP), asked - timedelta(hours=1))
    assert early.alarm_at <= asked


def test_only_the_mentee_can_be_quiet_and_a_mentorship_is_never_one_sided() -> None:
    quiet = plan(state(MENTORSHIP), CREATED + timedelta(days=22))
    nudged = {(n.kind, n.member_id) for n in quiet.notices if n.kind != NoticeKind.CHECKIN}
    assert (NoticeKind.NUDGE, ALICE) in nudged and (NoticeKind.NUDGE, BOB) not in nudged
    assert (NoticeKind.REMATCH_OFFER, BOB) in nudged  # the mentor is offered a rematch
    checked_in = frozenset(datetime(2026, 1, d, 18, tzinfo=UTC) for d in (5, 12, 19))
    week_four = datetime(2026, 1, 26, 18, 1, tzinfo=UTC)
    mentored = plan(state(MENTORSHIP, checked_in), week_four)
    assert all(n.kind not in (NoticeKind.ONE_SIDED, NoticeKind.NUDGE) for n in mentored.notices)
    peers = plan(state(PEERS, checked_in), week_four)
    assert any(n.kind == NoticeKind.ONE_SIDED for n in peers.notices)


def test_the_plan_reads_the_same_roles_as_a_partnership() -> None:
    mentored = state(MENTORSHIP)
    assert (mentored.mentor, mentored.mentee) == (BOB, ALICE)
    assert [m for m in mentored.members if mentored.checks_in(m)] == [ALICE]
    peers = state(PEERS)
    assert peers.mentor is None and all(peers.checks_in(m) for m in peers.members)


def test_a_mentor_is_refused_check_ins_goals_breaks_and_settling_a_mentee_is_not() -> None:
    pair = Partnership(
        id=7,
        guild_id=1,
        course="Art",
        members=(ALICE, BOB),
        weekly=WEEKLY,
        created_at=CREATED,
        thread_id=None,
        roles=(Role.MENTEE, Role.MENTOR),
    )
    assert (pair.mentor, pair.mentee) == (BOB, ALICE)
    refuse_checkin(pair, ALICE)
    refuse_goals(pair.role_of(ALICE))
    refuse_pause(pair, ALICE)
    refuse_settlement_proposal(pair, ALICE)
    refuse_goals(Role.PEER)
    with pytest.raises(UserError, match="you don't check in"):
        refuse_checkin(pair, BOB)
    with pytest.raises(UserError, match="you don't set goals"):
        refuse_goals(pair.role_of(BOB))
    with pytest.raises(UserError, match="there is nothing to pause"):
        refuse_pause(pair, BOB)
    with pytest.raises(UserError, match="you don't propose settling the pool"):
        refuse_settlement_proposal(pair, BOB)
