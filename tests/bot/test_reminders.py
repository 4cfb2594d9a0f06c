"""Unit tests for bot.reminders.plan: which notices are due, and when to look again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from bot.models import Cadence, NoticeKind
from bot.reminders import Notice, PairState, Plan, heads_up_at, plan
from bot.schedule import WeeklyTime, next_occurrence

CHECKIN, HEADS_UP, NUDGE = NoticeKind.CHECKIN, NoticeKind.HEADS_UP, NoticeKind.NUDGE
ONE_SIDED, REMATCH_OFFER, TRIAL = NoticeKind.ONE_SIDED, NoticeKind.REMATCH_OFFER, NoticeKind.TRIAL

MONDAY, SUNDAY = 0, 6
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WEEK = timedelta(days=7)
SECOND = timedelta(seconds=1)

ALICE, BOB = 101, 202

# Monday 18:00 UTC: no DST, so a week is always exactly seven days.
MONDAY_UTC = WeeklyTime(MONDAY, 18 * 60, "UTC")
CREATED = datetime(2026, 1, 1, 12, tzinfo=UTC)  # a Thursday
NEXT = datetime(2026, 1, 5, 18, tzinfo=UTC)  # the first Monday 18:00 after CREATED
HALF_WEEK = timedelta(days=3, hours=12)  # a check-in week runs this long either side of it
PAIR = 7  # `make_state`'s pair


def heads_up(instant: datetime) -> datetime:
    """When `make_state`'s pair gets the heads-up for the check-in at `instant`."""
    return heads_up_at(PAIR, instant)


BERLIN_EVENING = WeeklyTime(SUNDAY, 18 * 60, "Europe/Berlin")
BERLIN_NIGHT = WeeklyTime(SUNDAY, 2 * 60 + 30, "Europe/Berlin")


def stamp(instant: datetime) -> int:
    return int(instant.timestamp())


def make_state(
    *,
    weekly: WeeklyTime = MONDAY_UTC,
    created_at: datetime = CREATED,
    next_checkin_at: datetime = NEXT,
    alice: datetime | None = None,
    bob: datetime | None = None,
    weeks: dict[int, frozenset[datetime]] | None = None,
) -> PairState:
    return PairState(
        partnership_id=PAIR,
        members=(ALICE, BOB),
        weekly=weekly,
        created_at=created_at,
        next_checkin_at=next_checkin_at,
        last_checkin={ALICE: alice, BOB: bob},
        weeks=weeks if weeks is not None else {},
    )


def of_kind(result: Plan, kind: str) -> list[Notice]:
    return [notice for notice in result.notices if notice.kind == kind]


def chain(weekly: WeeklyTime, start: datetime, end: datetime) -> list[datetime]:
    """Every scheduled instant in (start, end]."""
    found, instant = [], next_occurrence(weekly, start)
    while instant <= end:
        found.append(instant)
        instant = next_occurrence(weekly, instant)
    return found


def run_loop(state: PairState, start: datetime, end: datetime) -> Iterator[tuple[datetime, Plan]]:
    """What the reminder loop does: plan, sleep until alarm_at, feed next_checkin_at back."""
    now = start
    while now <= end:
        result = plan(state, now)
        yield now, result
        assert result.alarm_at > now, "the loop would spin"
        state = replace(state, next_checkin_at=result.next_checkin_at)
        now = result.alarm_at


def assert_alarm_sane(result: Plan, now: datetime) -> None:
    assert result.alarm_at > now
    assert result.alarm_at <= result.next_checkin_at
    assert result.next_checkin_at > now


def test_notice_key_fields() -> None:
    notice = Notice(CHECKIN, 123)
    assert (notice.kind, notice.episode, notice.member_id) == (CHECKIN, 123, 0)
    assert Notice(NUDGE, 5, ALICE) == Notice(NUDGE, 5, ALICE)
    assert len({Notice(NUDGE, 5, ALICE), Notice(NUDGE, 5, ALICE), Notice(NUDGE, 5, BOB)}) == 2


def test_next_occurrence_is_the_next_scheduled_instant() -> None:
    assert next_occurrence(MONDAY_UTC, CREATED) == NEXT
    assert next_occurrence(MONDAY_UTC, NEXT) == NEXT + WEEK


# --------------------------------------------------------------------------- heads-up and check-in


@pytest.mark.parametrize(
    "now",
    [CREATED, NEXT - 3 * DAY, heads_up(NEXT) - HOUR, heads_up(NEXT) - SECOND],
)
def test_before_the_heads_up_window_nothing_is_due(now: datetime) -> None:
    """The loop wakes when the check-in's week opens (its last reminder closes), then for
    the heads-up."""
    result = plan(make_state(), now)
    assert result.notices == []
    assert result.next_checkin_at == NEXT
    assert result.alarm_at == (NEXT - HALF_WEEK if now < NEXT - HALF_WEEK else heads_up(NEXT))


@pytest.mark.parametrize("now", [heads_up(NEXT), NEXT - 23 * HOUR, NEXT - HOUR, NEXT - SECOND])
def test_within_a_day_a_heads_up_keyed_by_the_check_in_instant(now: datetime) -> None:
    result = plan(make_state(), now)
    assert result.notices == [Notice(HEADS_UP, stamp(NEXT), 0)]
    assert result.next_checkin_at == NEXT
    assert result.alarm_at == NEXT


@pytest.mark.parametrize("late", [timedelta(0), SECOND, 3 * HOUR, 5 * DAY])
def test_at_or_after_the_check_in_instant_a_check_in_is_posted(late: timedelta) -> None:
    now = NEXT + late
    result = plan(make_state(alice=now - HOUR, bob=now - HOUR), now)
    assert result.notices == [Notice(CHECKIN, stamp(NEXT), 0)]
    assert result.next_checkin_at == NEXT + WEEK
    assert result.alarm_at == (NEXT + HALF_WEEK if late < HALF_WEEK else heads_up(NEXT + WEEK))
    assert not result.closes_last_reminder


def test_the_last_reminder_closes_once_when_the_next_check_in_week_opens() -> None:
    """Half a week after a reminder its **Check in** has nothing left to answer: the plan
    that wakes for it says so once, and so does the first plan after downtime over it."""
    opens = NEXT - HALF_WEEK
    rung = replace(make_state(), alarm_at=opens)
    assert plan(rung, opens).closes_last_reminder
    assert not plan(
        replace(make_state(), alarm_at=opens - HOUR), opens - SECOND
    ).closes_last_reminder
    assert not plan(replace(make_state(), alarm_at=opens + HOUR), opens + HOUR).closes_last_reminder
    after_downtime = replace(make_state(), alarm_at=opens - DAY)
    assert plan(after_downtime, NEXT - HOUR).closes_last_reminder
    every_two_weeks = replace(make_state(), cadence=Cadence.EVERY_TWO_WEEKS, alarm_at=NEXT - WEEK)
    assert plan(every_two_weeks, NEXT - WEEK).closes_last_reminder


def test_no_heads_up_for_the_instant_that_has_passed() -> None:
    for late in (timedelta(0), HOUR, DAY, 6 * DAY):
        result = plan(make_state(), NEXT + late)
        assert Notice(HEADS_UP, stamp(NEXT), 0) not in result.notices
        assert all(notice.episode != stamp(NEXT) for notice in of_kind(result, HEADS_UP))


def test_late_check_in_within_a_day_of_the_next_one_also_gives_its_heads_up() -> None:
    now = NEXT + 6 * DAY + HOUR
    result = plan(make_state(alice=now - HOUR, bob=now - HOUR), now)
    assert result.notices == [Notice(CHECKIN, stamp(NEXT)), Notice(HEADS_UP, stamp(NEXT + WEEK))]
    assert result.next_checkin_at == NEXT + WEEK
    assert result.alarm_at == NEXT + WEEK


def test_heads_up_and_check_in_keys_differ_for_the_same_instant() -> None:
    heads_up = plan(make_state(), NEXT - HOUR).notices
    checkin = plan(make_state(), NEXT).notices
    assert heads_up[0].episode == checkin[0].episode == stamp(NEXT)
    assert heads_up[0] != checkin[0]


# --------------------------------------------------------------------------- downtime


@pytest.mark.parametrize("weeks_down", [1, 2, 3, 5, 10])
@pytest.mark.parametrize("extra", [timedelta(0), SECOND, HOUR, 3 * DAY, WEEK - SECOND])
def test_after_downtime_only_the_latest_missed_check_in_is_posted(
    weeks_down: int, extra: timedelta
) -> None:
    now = NEXT + weeks_down * WEEK + extra
    result = plan(make_state(alice=now - DAY, bob=now - DAY), now)
    checkins = of_kind(result, CHECKIN)
    latest = NEXT + weeks_down * WEEK
    assert checkins == [Notice(CHECKIN, stamp(latest), 0)]
    assert result.next_checkin_at == latest + WEEK
    assert_alarm_sane(result, now)


def test_three_weeks_down_posts_exactly_one_check_in_for_the_latest() -> None:
    now = NEXT + 3 * WEEK
    result = plan(make_state(alice=now - DAY, bob=now - DAY), now)
    checkins = of_kind(result, CHECKIN)
    assert len(checkins) == 1
    assert checkins[0].episode == stamp(now)
    for older in (NEXT, NEXT + WEEK, NEXT + 2 * WEEK):
        assert all(notice.episode != stamp(older) for notice in result.notices)
    assert of_kind(result, HEADS_UP) == []
    assert result.next_checkin_at == now + WEEK
    assert_alarm_sane(result, now)


def test_downtime_in_a_zone_outside_dst_posts_the_latest() -> None:
    weekly = WeeklyTime(MONDAY, 9 * 60 + 15, "Europe/Berlin")
    created = datetime(2026, 1, 1, tzinfo=UTC)
    first = next_occurrence(weekly, created)  # Monday 2026-01-05 09:15 CET
    assert first == datetime(2026, 1, 5, 8, 15, tzinfo=UTC)
    now = first + 3 * WEEK + 2 * HOUR
    result = plan(
        make_state(weekly=weekly, created_at=created, next_checkin_at=first, alice=now, bob=now),
        now,
    )
    assert of_kind(result, CHECKIN) == [Notice(CHECKIN, stamp(first + 3 * WEEK))]
    assert result.next_checkin_at == first + 4 * WEEK


def test_after_downtime_the_next_plan_does_not_repost() -> None:
    now = NEXT + 3 * WEEK + 2 * HOUR
    state = make_state(alice=now, bob=now)
    result = plan(state, now)
    again = plan(replace(state, next_checkin_at=result.next_checkin_at), now + HOUR)
    assert of_kind(again, CHECKIN) == []


# --------------------------------------------------------------------------- trial


def test_no_trial_notice_before_two_weeks() -> None:
    now = CREATED + 14 * DAY - SECOND
    result = plan(make_state(next_checkin_at=NEXT + 2 * WEEK, alice=now, bob=now), now)
    assert of_kind(result, TRIAL) == []
    assert result.alarm_at == CREATED + 14 * DAY


@pytest.mark.parametrize("after", [timedelta(0), HOUR, 5 * DAY, 10 * WEEK])
def test_trial_notice_from_two_weeks_keyed_by_created_at(after: timedelta) -> None:
    now = CREATED + 14 * DAY + after
    upcoming = next_occurrence(MONDAY_UTC, now)
    result = plan(make_state(next_checkin_at=upcoming, alice=now, bob=now), now)
    assert of_kind(result, TRIAL) == [Notice(TRIAL, stamp(CREATED), 0)]


def test_trial_key_is_the_same_whenever_it_is_planned() -> None:
    first = CREATED + 14 * DAY
    keys = {
        notice
        for late in (timedelta(0), HOUR, DAY, 3 * WEEK)
        for notice in of_kind(plan(make_state(alice=first, bob=first), first + late), TRIAL)
    }
    assert keys == {Notice(TRIAL, stamp(CREATED), 0)}


# --------------------------------------------------------------------------- quiet partner


def test_no_nudge_just_before_fourteen_quiet_days() -> None:
    last = datetime(2026, 1, 20, 19, tzinfo=UTC)
    now = last + 14 * DAY - SECOND
    result = plan(make_state(next_checkin_at=NEXT + 5 * WEEK, alice=last, bob=now), now)
    assert of_kind(result, NUDGE) == []
    assert of_kind(result, REMATCH_OFFER) == []
    assert result.alarm_at <= last + 14 * DAY


@pytest.mark.parametrize("quiet_for", [14 * DAY, 14 * DAY + HOUR, 20 * DAY])
def test_nudge_after_fourteen_days_since_the_last_check_in(quiet_for: timedelta) -> None:
    last = datetime(2026, 1, 20, 19, tzinfo=UTC)
    now = last + quiet_for
    upcoming = next_occurrence(MONDAY_UTC, now)
    result = plan(make_state(next_checkin_at=upcoming, alice=last, bob=now - HOUR), now)
    assert of_kind(result, NUDGE) == [Notice(NUDGE, stamp(last), ALICE)]
    assert of_kind(result, REMATCH_OFFER) == []


def test_nudge_counts_from_created_at_when_a_member_never_checked_in() -> None:
    now = CREATED + 14 * DAY
    upcoming = next_occurrence(MONDAY_UTC, now)
    result = plan(make_state(next_checkin_at=upcoming, alice=None, bob=now - DAY), now)
    assert of_kind(result, NUDGE) == [Notice(NUDGE, stamp(CREATED), ALICE)]
    earlier = plan(make_state(next_checkin_at=upcoming, bob=now), now - SECOND)
    assert of_kind(earlier, NUDGE) == []


@pytest.mark.parametrize("quiet_for", [21 * DAY, 21 * DAY + HOUR, 40 * DAY])
def test_rematch_offer_for_the_other_member_after_twenty_one_days(quiet_for: timedelta) -> None:
    last = datetime(2026, 1, 20, 19, tzinfo=UTC)
    now = last + quiet_for
    upcoming = next_occurrence(MONDAY_UTC, now)
    result = plan(make_state(next_checkin_at=upcoming, alice=last, bob=now - HOUR), now)
    assert of_kind(result, NUDGE) == [Notice(NUDGE, stamp(last), ALICE)]
    assert of_kind(result, REMATCH_OFFER) == [Notice(REMATCH_OFFER, stamp(last), BOB)]


def test_rematch_offer_not_before_twenty_one_days() -> None:
    last = datetime(2026, 1, 20, 19, tzinfo=UTC)
    now = last + 21 * DAY - SECOND
    upcoming = next_occurrence(MONDAY_UTC, now)
    result = plan(make_state(next_checkin_at=upcoming, alice=now, bob=last), now)
    assert of_kind(result, NUDGE) == [Notice(NUDGE, stamp(last), BOB)]
    assert of_kind(result, REMATCH_OFFER) == []
    assert result.alarm_at <= last + 21 * DAY


def test_rematch_offer_when_quiet_since_created_at() -> None:
    now = CREATED + 21 * DAY
    upcoming = next_occurrence(MONDAY_UTC, now)
    result = plan(make_state(next_checkin_at=upcoming, alice=now - DAY, bob=None), now)
    assert of_kind(result, NUDGE) == [Notice(NUDGE, stamp(CREATED), BOB)]
    assert of_kind(result, REMATCH_OFFER) == [Notice(REMATCH_OFFER, stamp(CREATED), ALICE)]


def test_both_quiet_each_is_nudged_and_each_gets_an_offer() -> None:
    alice_last = datetime(2026, 1, 10, tzinfo=UTC)
    bob_last = datetime(2026, 1, 12, tzinfo=UTC)
    now = bob_last + 21 * DAY
    upcoming = next_occurrence(MONDAY_UTC, now)
    result = plan(make_state(next_checkin_at=upcoming, alice=alice_last, bob=bob_last), now)
    assert set(of_kind(result, NUDGE)) == {
        Notice(NUDGE, stamp(alice_last), ALICE),
        Notice(NUDGE, stamp(bob_last), BOB),
    }
    assert set(of_kind(result, REMATCH_OFFER)) == {
        Notice(REMATCH_OFFER, stamp(alice_last), BOB),
        Notice(REMATCH_OFFER, stamp(bob_last), ALICE),
    }


def test_a_new_check_in_starts_a_new_quiet_episode() -> None:
    first = datetime(2026, 1, 20, 19, tzinfo=UTC)
    now = first + 15 * DAY
    upcoming = next_occurrence(MONDAY_UTC, now)
    old = plan(make_state(next_checkin_at=upcoming, alice=first, bob=now), now)
    assert of_kind(old, NUDGE) == [Notice(NUDGE, stamp(first), ALICE)]

    # Alice checks in again: nothing is due until she is quiet for 14 more days.
    again = now + HOUR
    fresh = plan(make_state(next_checkin_at=upcoming, alice=again, bob=now), now + 2 * HOUR)
    assert of_kind(fresh, NUDGE) == []

    later = again + 14 * DAY
    upcoming = next_occurrence(MONDAY_UTC, later)
    result = plan(make_state(next_checkin_at=upcoming, alice=again, bob=later), later)
    assert of_kind(result, NUDGE) == [Notice(NUDGE, stamp(again), ALICE)]
    assert of_kind(result, NUDGE)[0] != of_kind(old, NUDGE)[0]


def test_quiet_notices_keep_their_key_while_the_member_stays_quiet() -> None:
    last = datetime(2026, 1, 20, 19, tzinfo=UTC)
    keys: set[Notice] = set()
    for quiet_for in (22 * DAY, 23 * DAY, 30 * DAY):
        now = last + quiet_for
        upcoming = next_occurrence(MONDAY_UTC, now)
        result = plan(make_state(next_checkin_at=upcoming, alice=last, bob=now), now)
        keys.update(of_kind(result, NUDGE) + of_kind(result, REMATCH_OFFER))
    assert keys == {Notice(NUDGE, stamp(last), ALICE), Notice(REMATCH_OFFER, stamp(last), BOB)}


# --------------------------------------------------------------------------- one-sided

CHECKIN_AT = datetime(2026, 1, 26, 18, tzinfo=UTC)  # the fourth Monday after CREATED
THREE_WEEKS = frozenset(CHECKIN_AT - WEEK * back for back in (1, 2, 3))


def one_sided_state(alice_weeks: frozenset[datetime], bob_weeks: frozenset[datetime]) -> PairState:
    alice_last = max(alice_weeks) + HOUR if alice_weeks else None
    bob_last = max(bob_weeks) + HOUR if bob_weeks else None
    return make_state(
        next_checkin_at=CHECKIN_AT,
        alice=alice_last,
        bob=bob_last,
        weeks={ALICE: alice_weeks, BOB: bob_weeks},
    )


def test_one_sided_weeks_are_the_three_before_the_check_in() -> None:
    assert sorted(THREE_WEEKS) == [NEXT, NEXT + WEEK, NEXT + 2 * WEEK]


def test_one_sided_when_one_member_checked_in_three_weeks_and_the_other_never() -> None:
    result = plan(one_sided_state(THREE_WEEKS, frozenset()), CHECKIN_AT)
    notices = of_kind(result, ONE_SIDED)
    assert len(notices) == 1
    assert notices[0].member_id == ALICE
    assert of_kind(result, CHECKIN) == [Notice(CHECKIN, stamp(CHECKIN_AT))]


def test_one_sided_for_the_second_member_too() -> None:
    result = plan(one_sided_state(frozenset(), THREE_WEEKS), CHECKIN_AT)
    notices = of_kind(result, ONE_SIDED)
    assert len(notices) == 1
    assert notices[0].member_id == BOB


def test_one_sided_missing_weeks_key_counts_as_never() -> None:
    state = replace(one_sided_state(THREE_WEEKS, frozenset()), weeks={ALICE: THREE_WEEKS})
    notices = of_kind(plan(state, CHECKIN_AT), ONE_SIDED)
    assert [notice.member_id for notice in notices] == [ALICE]


def test_one_sided_also_when_the_check_in_is_planned_late() -> None:
    result = plan(one_sided_state(THREE_WEEKS, frozenset()), CHECKIN_AT + 2 * HOUR)
    assert [notice.member_id for notice in of_kind(result, ONE_SIDED)] == [ALICE]


@pytest.mark.parametrize("bob_week", sorted(THREE_WEEKS))
def test_not_one_sided_when_the_other_checked_in_once(bob_week: datetime) -> None:
    result = plan(one_sided_state(THREE_WEEKS, frozenset({bob_week})), CHECKIN_AT)
    assert of_kind(result, ONE_SIDED) == []


@pytest.mark.parametrize("skipped", sorted(THREE_WEEKS))
def test_not_one_sided_when_the_active_member_skipped_a_week(skipped: datetime) -> None:
    result = plan(one_sided_state(THREE_WEEKS - {skipped}, frozenset()), CHECKIN_AT)
    assert of_kind(result, ONE_SIDED) == []


def test_not_one_sided_when_both_checked_in_or_neither() -> None:
    assert of_kind(plan(one_sided_state(THREE_WEEKS, THREE_WEEKS), CHECKIN_AT), ONE_SIDED) == []
    assert of_kind(plan(one_sided_state(frozenset(), frozenset()), CHECKIN_AT), ONE_SIDED) == []


def test_one_sided_is_only_judged_at_a_check_in() -> None:
    state = one_sided_state(THREE_WEEKS, frozenset())
    for before in (DAY, HOUR, SECOND):
        assert of_kind(plan(state, CHECKIN_AT - before), ONE_SIDED) == []


def test_one_sided_is_keyed_stably_for_the_same_situation() -> None:
    state = one_sided_state(THREE_WEEKS, frozenset())
    first = of_kind(plan(state, CHECKIN_AT), ONE_SIDED)
    second = of_kind(plan(state, CHECKIN_AT + HOUR), ONE_SIDED)
    assert first == second


# --------------------------------------------------------------------------- idempotence and alarms


def busy_state() -> PairState:
    """Downtime, a quiet member, a due trial and a one-sided pattern all at once."""
    return one_sided_state(THREE_WEEKS, frozenset())


@pytest.mark.parametrize(
    "now",
    [
        CREATED,
        NEXT - HOUR,
        NEXT,
        CHECKIN_AT,
        CHECKIN_AT + 3 * HOUR,
        CHECKIN_AT + 2 * WEEK + DAY,
    ],
)
def test_planning_twice_yields_identical_notices(now: datetime) -> None:
    state = busy_state()
    first = plan(state, now)
    second = plan(state, now)
    assert first == second
    assert first.notices == second.notices
    keys = [(n.kind, n.episode, n.member_id) for n in first.notices]
    assert len(keys) == len(set(keys)), "one plan never lists the same key twice"


def test_planning_does_not_mutate_the_state() -> None:
    state = busy_state()
    snapshot = (dict(state.last_checkin), {k: set(v) for k, v in state.weeks.items()})
    plan(state, CHECKIN_AT + DAY)
    assert (dict(state.last_checkin), {k: set(v) for k, v in state.weeks.items()}) == snapshot


def test_busy_moment_lists_every_kind_once() -> None:
    result = plan(busy_state(), CHECKIN_AT)
    kinds = sorted(notice.kind for notice in result.notices)
    # Bob never checked in: quiet since CREATED, 25 days ago.
    assert kinds == sorted([CHECKIN, ONE_SIDED, TRIAL, NUDGE, REMATCH_OFFER])
    assert Notice(NUDGE, stamp(CREATED), BOB) in result.notices
    assert Notice(REMATCH_OFFER, stamp(CREATED), ALICE) in result.notices


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "Pacific/Chatham"])
@pytest.mark.parametrize("quiet", [False, True])
def test_alarm_is_after_now_and_not_after_the_next_check_in(zone: str, quiet: bool) -> None:
    weekly = WeeklyTime(MONDAY, 18 * 60, zone)
    created = datetime(2026, 6, 1, 3, tzinfo=UTC)
    first = next_occurrence(weekly, created)
    now = created
    while now < created + 8 * WEEK:
        last = None if quiet else now - 2 * DAY
        upcoming = next_occurrence(weekly, now - 2 * HOUR)  # sometimes already due
        state = make_state(
            weekly=weekly,
            created_at=created,
            next_checkin_at=max(upcoming, first),
            alice=last,
            bob=last,
        )
        assert_alarm_sane(plan(state, now), now)
        now += timedelta(hours=2, minutes=13)


def test_loop_wakes_exactly_when_each_notice_becomes_due() -> None:
    alice_last = datetime(2026, 1, 2, 9, tzinfo=UTC)
    state = make_state(alice=alice_last, bob=None)
    first_seen: dict[Notice, datetime] = {}
    for now, result in run_loop(state, CREATED, CREATED + 6 * WEEK):
        assert_alarm_sane(result, now)
        for notice in result.notices:
            first_seen.setdefault(notice, now)
    for week in range(5):
        instant = NEXT + week * WEEK
        assert first_seen[Notice(HEADS_UP, stamp(instant))] == heads_up(instant)
        assert first_seen[Notice(CHECKIN, stamp(instant))] == instant
    assert first_seen[Notice(TRIAL, stamp(CREATED))] == CREATED + 14 * DAY
    assert first_seen[Notice(NUDGE, stamp(alice_last), ALICE)] == alice_last + 14 * DAY
    assert first_seen[Notice(NUDGE, stamp(CREATED), BOB)] == CREATED + 14 * DAY
    assert first_seen[Notice(REMATCH_OFFER, stamp(alice_last), BOB)] == alice_last + 21 * DAY
    assert first_seen[Notice(REMATCH_OFFER, stamp(CREATED), ALICE)] == CREATED + 21 * DAY


def test_loop_posts_each_check_in_exactly_once() -> None:
    checkins = [
        notice
        for _, result in run_loop(make_state(), CREATED, CREATED + 10 * WEEK)
        for notice in of_kind(result, CHECKIN)
    ]
    assert checkins == [Notice(CHECKIN, stamp(NEXT + week * WEEK)) for week in range(10)]


# --------------------------------------------------------------------------- DST


@pytest.mark.parametrize(
    ("created", "transition", "local_on_transition"),
    [
        # Spring forward: 02:30 does not exist, moved forward by the gap to 03:30.
        (datetime(2026, 3, 8, 12, tzinfo=UTC), datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "03:30"),
        # Fall back: 02:30 happens twice, only the first one counts.
        (datetime(2026, 10, 4, 12, tzinfo=UTC), datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "02:30"),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_dst_loop_posts_exactly_one_check_in_per_week(
    created: datetime, transition: datetime, local_on_transition: str
) -> None:
    zone = ZoneInfo(BERLIN_NIGHT.zone)
    state = make_state(
        weekly=BERLIN_NIGHT,
        created_at=created,
        next_checkin_at=next_occurrence(BERLIN_NIGHT, created),
    )
    end = created + 6 * WEEK
    episodes: list[int] = []
    for now, result in run_loop(state, created, end):
        assert_alarm_sane(result, now)
        for notice in of_kind(result, CHECKIN):
            assert notice.episode == stamp(now), "posted at its instant, not late"
            episodes.append(notice.episode)

    assert len(episodes) == 6
    assert len(set(episodes)) == len(episodes)
    assert stamp(transition) in episodes
    instants = [datetime.fromtimestamp(episode, UTC) for episode in episodes]
    assert instants == chain(BERLIN_NIGHT, created, end)
    local = [instant.astimezone(zone) for instant in instants]
    first_sunday = local[0].date()
    assert [day.date() for day in local] == [first_sunday + week * WEEK for week in range(6)]
    for day, instant in zip(local, instants, strict=True):
        expected = local_on_transition if instant == transition else "02:30"
        assert f"{day:%H:%M}" == expected
    for earlier, later in pairwise(instants):
        assert later - earlier in {WEEK - HOUR, WEEK, WEEK + HOUR}


@pytest.mark.parametrize(
    "start", [datetime(2026, 3, 8, tzinfo=UTC), datetime(2026, 10, 4, tzinfo=UTC)]
)
def test_dst_polling_every_ten_minutes_posts_each_week_once(start: datetime) -> None:
    state = make_state(
        weekly=BERLIN_NIGHT, created_at=start, next_checkin_at=next_occurrence(BERLIN_NIGHT, start)
    )
    end = start + 6 * WEEK
    episodes: list[int] = []
    now = start
    while now <= end:
        result = plan(state, now)
        episodes += [notice.episode for notice in of_kind(result, CHECKIN)]
        state = replace(state, next_checkin_at=result.next_checkin_at)
        now += timedelta(minutes=10)
    assert episodes == [stamp(instant) for instant in chain(BERLIN_NIGHT, start, end)]
    assert len(episodes) == 6


# Downtime that ends just after a DST change. The latest missed occurrence is what
# must be posted; `plan` steps back exactly 7 * 24 hours, which is not a week there.


def test_downtime_ending_just_after_spring_forward_posts_the_latest_occurrence() -> None:
    # Sunday 18:00 Berlin: 2026-03-22 17:00 UTC (CET), then 2026-03-29 16:00 UTC (CEST).
    missed_since = datetime(2026, 3, 15, 17, tzinfo=UTC)
    latest = datetime(2026, 3, 29, 16, tzinfo=UTC)
    now = datetime(2026, 3, 29, 16, 30, tzinfo=UTC)
    # Two weeks missed: 03-22 and 03-29 are due, and 03-29 is the latest.
    assert chain(BERLIN_EVENING, missed_since, now) == [
        datetime(2026, 3, 22, 17, tzinfo=UTC),
        latest,
    ]
    state = make_state(
        weekly=BERLIN_EVENING,
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
        next_checkin_at=missed_since,
        alice=now - DAY,
        bob=now - DAY,
    )
    result = plan(state, now)
    assert of_kind(result, CHECKIN) == [Notice(CHECKIN, stamp(latest))]
    assert of_kind(result, HEADS_UP) == []
    assert result.next_checkin_at == datetime(2026, 4, 5, 16, tzinfo=UTC)
    assert_alarm_sane(result, now)


def test_downtime_ending_just_after_fall_back_posts_the_latest_occurrence() -> None:
    # Sunday 02:30 Berlin: 10-11, 10-18, 10-25 at 00:30 UTC (CEST), 11-01 at 01:30 UTC (CET).
    missed_since = datetime(2026, 10, 11, 0, 30, tzinfo=UTC)
    latest = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    now = datetime(2026, 11, 1, 1, tzinfo=UTC)
    assert chain(BERLIN_NIGHT, missed_since - SECOND, now)[-1] == latest
    state = make_state(
        weekly=BERLIN_NIGHT,
        created_at=datetime(2026, 9, 1, tzinfo=UTC),
        next_checkin_at=missed_since,
        alice=now - DAY,
        bob=now - DAY,
    )
    result = plan(state, now)
    assert of_kind(result, CHECKIN) == [Notice(CHECKIN, stamp(latest))]
    assert result.next_checkin_at == datetime(2026, 11, 1, 1, 30, tzinfo=UTC)
    assert_alarm_sane(result, now)


def test_downtime_ending_just_after_spring_forward_with_nothing_else_pending() -> None:
    """Every other alarm candidate is already past, so only the next check-in is left."""
    now = datetime(2026, 3, 29, 16, 30, tzinfo=UTC)
    state = make_state(
        weekly=BERLIN_EVENING,
        created_at=datetime(2026, 2, 1, tzinfo=UTC),
        next_checkin_at=datetime(2026, 3, 15, 17, tzinfo=UTC),
    )
    result = plan(state, now)
    assert of_kind(result, CHECKIN) == [
        Notice(CHECKIN, stamp(datetime(2026, 3, 29, 16, tzinfo=UTC)))
    ]
    assert_alarm_sane(result, now)


@pytest.mark.parametrize(
    "zone", ["UTC", "Asia/Kolkata", "Europe/Berlin", "America/New_York", "Australia/Sydney"]
)
def test_downtime_sweep_always_posts_the_latest_missed_occurrence(zone: str) -> None:
    weekly = WeeklyTime(SUNDAY, 18 * 60, zone)
    created = datetime(2026, 1, 1, tzinfo=UTC)
    down_since = next_occurrence(weekly, created)
    failures: list[str] = []
    for start, stop in (
        (datetime(2026, 2, 20, tzinfo=UTC), datetime(2026, 4, 20, tzinfo=UTC)),
        (datetime(2026, 9, 20, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC)),
    ):
        now = start
        while now < stop:
            state = make_state(
                weekly=weekly, created_at=created, next_checkin_at=down_since, alice=now, bob=now
            )
            result = plan(state, now)
            latest = chain(weekly, now - 2 * WEEK, now)[-1]
            checkins = of_kind(result, CHECKIN)
            if checkins != [Notice(CHECKIN, stamp(latest))] or not (
                now < result.alarm_at <= result.next_checkin_at
            ):
                got = [datetime.fromtimestamp(n.episode, UTC).isoformat() for n in checkins]
                failures.append(f"now={now.isoformat()} latest={latest.isoformat()} got={got}")
            now += timedelta(minutes=20)
    assert failures == [], f"{len(failures)} bad moments, first: {failures[:3]}"


def test_a_review_every_eight_weeks_after_the_trial_only_the_latest_after_downtime() -> None:
    first = CREATED + 14 * DAY + 8 * WEEK
    state = make_state(next_checkin_at=NEXT + 20 * WEEK)
    assert of_kind(plan(state, first - SECOND), NoticeKind.REVIEW) == []
    assert plan(state, first - SECOND).alarm_at == first
    assert of_kind(plan(state, first), NoticeKind.REVIEW) == [
        Notice(NoticeKind.REVIEW, stamp(first))
    ]
    # Back after 17 weeks away: the second review, once; never the first one late.
    late = first + 17 * WEEK
    assert of_kind(plan(state, late), NoticeKind.REVIEW) == [
        Notice(NoticeKind.REVIEW, stamp(first + 16 * WEEK))
    ]
