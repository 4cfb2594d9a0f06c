"""Every week or every two weeks: on-weeks, changes of cadence, streaks and the quiet clocks."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from bot.cadence import (
    Rhythm,
    anchored,
    answer_week,
    moved_trial,
    period,
    retimed,
    trial_due,
    upcoming,
)
from bot.checkins import streak, streak_ends, week_of
from bot.models import Cadence, NoticeKind, PartnerRequest, RequestKind, RequestStatus
from bot.pauses import Span
from bot.reminders import Notice, PairState, plan, review_due
from bot.schedule import WeeklyTime, next_occurrence
from bot.store import Store
from bot.store.database import from_timestamp, to_timestamp

DAY = timedelta(days=1)
WEEK = timedelta(days=7)
HOUR = timedelta(hours=1)
TWO = Cadence.EVERY_TWO_WEEKS
ALICE, BOB = 101, 202
MONDAY_UTC = WeeklyTime(0, 18 * 60, "UTC")
CREATED = datetime(2026, 1, 1, 12, tzinfo=UTC)  # a Thursday
FIRST = datetime(2026, 1, 5, 18, tzinfo=UTC)  # the first Monday 18:00 after CREATED
# Sunday 02:30 in Berlin: skipped on 2026-03-29 (03:30 CEST), repeated never at that hour.
BERLIN_NIGHT = WeeklyTime(6, 2 * 60 + 30, "Europe/Berlin")


def chain(rhythm: Rhythm, start: datetime, count: int) -> list[datetime]:
    found, instant = [], start
    for _ in range(count):
        instant = rhythm.next_after(instant)
        found.append(instant)
    return found


def local_days(instants: list[datetime], zone: str) -> list[date]:
    return [instant.astimezone(ZoneInfo(zone)).date() for instant in instants]


def test_weekly_rhythm_is_the_weekly_time() -> None:
    rhythm = Rhythm(MONDAY_UTC)
    moment = CREATED
    for _ in range(60):
        assert rhythm.next_after(moment) == next_occurrence(MONDAY_UTC, moment)
        moment += timedelta(hours=17)


def test_every_two_weeks_comes_every_second_week_from_the_anchor() -> None:
    rhythm = anchored(MONDAY_UTC, TWO, CREATED)
    assert rhythm.anchor == date(2026, 1, 5)
    times = chain(rhythm, CREATED, 6)
    assert times == [FIRST + 2 * WEEK * n for n in range(6)]


def test_every_two_weeks_is_dst_safe_at_the_local_time() -> None:
    rhythm = Rhythm(BERLIN_NIGHT, TWO, date(2026, 1, 4))
    times = chain(rhythm, datetime(2026, 1, 1, tzinfo=UTC), 30)
    days = local_days(times, "Europe/Berlin")
    assert all(later - earlier == timedelta(days=14) for earlier, later in pairwise(days))
    walls = {t.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M") for t in times}
    assert walls == {"02:30", "03:30"}  # 03:30 only on the day 02:30 does not exist
    skipped = [t for t in times if t.astimezone(ZoneInfo("Europe/Berlin")).hour == 3]
    assert skipped == [datetime(2026, 3, 29, 1, 30, tzinfo=UTC)]


def test_which_week_is_on_does_not_depend_on_when_anyone_looks() -> None:
    rhythm = anchored(MONDAY_UTC, TWO, CREATED)
    expected = set(chain(rhythm, CREATED, 10))
    moment = CREATED
    while moment < FIRST + 18 * WEEK:
        following = rhythm.next_after(moment)
        assert following in expected and following - moment <= 2 * WEEK
        moment += timedelta(hours=5, minutes=13)


@pytest.mark.parametrize("offset", [timedelta(), DAY, -DAY, 6 * DAY, -6 * DAY])
def test_an_answer_in_the_off_week_belongs_to_the_nearest_on_week(offset: timedelta) -> None:
    rhythm = anchored(MONDAY_UTC, TWO, CREATED)
    assert rhythm.week_of(FIRST + 2 * WEEK + offset) == FIRST + 2 * WEEK


def test_changing_the_cadence_never_doubles_or_skips_a_check_in() -> None:
    """Weekly, then every two weeks from a Wednesday, then weekly again from a Friday."""
    weekly = Rhythm(MONDAY_UTC)
    before = chain(weekly, CREATED, 3)  # 5, 12, 19 January
    change = datetime(2026, 1, 21, 9, tzinfo=UTC)
    two = anchored(MONDAY_UTC, TWO, change)
    during = chain(two, change, 3)
    assert during[0] == before[-1] + WEEK  # the next one comes as it would have
    back = datetime(2026, 2, 20, 9, tzinfo=UTC)  # a Friday of an off-week
    after = chain(anchored(MONDAY_UTC, Cadence.WEEKLY, back), back, 2)
    times = [*before, *[t for t in during if t < back], *after]
    gaps = [later - earlier for earlier, later in pairwise(times)]
    assert min(gaps) == WEEK and max(gaps) == 2 * WEEK
    assert times == sorted(set(times))


def test_the_trial_comes_after_two_check_ins_of_the_cadence() -> None:
    assert trial_due(CREATED, Cadence.WEEKLY) == CREATED + 14 * DAY
    assert trial_due(CREATED, TWO) == CREATED + 28 * DAY
    assert trial_due(CREATED, TWO, CREATED + 20 * DAY) == CREATED + 20 * DAY


def test_a_cadence_change_moves_only_a_trial_still_ahead() -> None:
    weekly_due = CREATED + 14 * DAY
    assert moved_trial(CREATED, weekly_due, TWO, CREATED + 10 * DAY) == CREATED + 28 * DAY
    # Asked already on day 14: it stays there, so the reviews keep their days.
    assert moved_trial(CREATED, weekly_due, TWO, CREATED + 20 * DAY) == weekly_due
    # Every two weeks, back to weekly on day 20: two weeks have passed, so it comes now.
    later = CREATED + 20 * DAY
    assert moved_trial(CREATED, CREATED + 28 * DAY, Cadence.WEEKLY, later) == later


def test_reviews_follow_the_trial_s_day() -> None:
    trial = trial_due(CREATED, TWO)
    assert review_due(trial, trial + 8 * WEEK - HOUR) is None
    assert review_due(trial, trial + 8 * WEEK) == int((trial + 8 * WEEK).timestamp())


def periods(start: datetime, count: int, every: timedelta) -> list[datetime]:
    return [start + every * n for n in range(count)]


def test_a_two_week_period_with_a_check_in_counts_once() -> None:
    weeks = periods(FIRST, 4, 2 * WEEK)
    cadences = dict.fromkeys(weeks, TWO)
    now = weeks[-1] + DAY
    assert streak(weeks, now, cadences=cadences) == 4
    # Read as weekly check-ins, two weeks apart each time breaks the run.
    assert streak(weeks, now) == 1


def test_missing_a_two_week_period_breaks_the_streak() -> None:
    weeks = [FIRST, FIRST + 2 * WEEK, FIRST + 6 * WEEK]  # the period at week 4 was missed
    assert streak(weeks, FIRST + 6 * WEEK + DAY, cadences=dict.fromkeys(weeks, TWO)) == 1


def test_the_next_two_week_period_stays_in_progress_for_three_weeks() -> None:
    weeks = [FIRST, FIRST + 2 * WEEK]
    cadences = dict.fromkeys(weeks, TWO)
    ends = streak_ends(weeks[-1], (), cadences)
    assert ends == weeks[-1] + 3 * WEEK + HOUR
    assert streak(weeks, ends, cadences=cadences) == 2
    assert streak(weeks, ends + timedelta(seconds=1), cadences=cadences) == 0
    assert streak_ends(weeks[-1]) == weeks[-1] + WEEK * 3 / 2 + HOUR  # weekly, as before


def test_paused_time_still_neither_counts_nor_breaks_a_two_week_streak() -> None:
    pause = Span(FIRST + 2 * WEEK + DAY, FIRST + 4 * WEEK + DAY)
    weeks = [FIRST, FIRST + 2 * WEEK, FIRST + 6 * WEEK]
    cadences = dict.fromkeys(weeks, TWO)
    assert streak(weeks, FIRST + 6 * WEEK + DAY, [pause], cadences) == 3


def test_weekly_check_ins_then_two_week_ones_make_one_run() -> None:
    weekly = periods(FIRST, 3, WEEK)
    two = periods(FIRST + 3 * WEEK, 3, 2 * WEEK)
    cadences = {**dict.fromkeys(weekly, Cadence.WEEKLY), **dict.fromkeys(two, TWO)}
    assert streak([*weekly, *two], two[-1] + DAY, cadences=cadences) == 6


def state(cadence: Cadence = TWO, **changes: object) -> PairState:
    rhythm = anchored(MONDAY_UTC, cadence, CREATED)
    values: dict[str, object] = {
        "partnership_id": 7,
        "members": (ALICE, BOB),
        "weekly": MONDAY_UTC,
        "created_at": CREATED,
        "next_checkin_at": FIRST,
        "last_checkin": {ALICE: None, BOB: None},
        "cadence": cadence,
        "anchor": rhythm.anchor,
    } | changes
    return PairState(**values)  # type: ignore[arg-type]


def run(start: PairState, until: datetime, step: timedelta = HOUR) -> dict[Notice, datetime]:
    """Plan every `step` like the job does; when each notice was first due."""
    current, now = start, start.created_at
    seen: dict[Notice, datetime] = {}
    while now <= until:
        if now >= (current.alarm_at or now):
            planned = plan(current, now)
            for notice in planned.notices:
                seen.setdefault(notice, now)
            current = replace(
                current, next_checkin_at=planned.next_checkin_at, alarm_at=planned.alarm_at
            )
        now += step
    return seen


def test_every_two_weeks_the_reminders_skip_the_off_weeks() -> None:
    seen = run(state(), FIRST + 9 * WEEK)
    checkins = sorted(at for n, at in seen.items() if n.kind == NoticeKind.CHECKIN)
    assert checkins == [FIRST + 2 * WEEK * n for n in range(5)]
    heads_up = sorted(at for n, at in seen.items() if n.kind == NoticeKind.HEADS_UP)
    assert heads_up == [FIRST - DAY + 2 * WEEK * n for n in range(5)]


def test_every_two_weeks_the_quiet_clocks_and_the_trial_take_twice_as_long() -> None:
    seen = run(state(), CREATED + 12 * WEEK)
    assert first(seen, NoticeKind.NUDGE) == CREATED + 28 * DAY
    assert first(seen, NoticeKind.REMATCH_OFFER) == CREATED + 42 * DAY
    assert first(seen, NoticeKind.TRIAL) == CREATED + 28 * DAY
    assert first(seen, NoticeKind.REVIEW) == CREATED + 28 * DAY + 8 * WEEK
    weekly = run(state(Cadence.WEEKLY, anchor=None), CREATED + 4 * WEEK)
    assert first(weekly, NoticeKind.NUDGE) == CREATED + 14 * DAY
    assert first(weekly, NoticeKind.REMATCH_OFFER) == CREATED + 21 * DAY
    assert first(weekly, NoticeKind.TRIAL) == CREATED + 14 * DAY


def first(seen: dict[Notice, datetime], kind: NoticeKind) -> datetime:
    return min(at for notice, at in seen.items() if notice.kind == kind)


def test_a_moved_trial_is_asked_once_at_its_new_moment() -> None:
    moved = CREATED + 20 * DAY
    seen = run(state(Cadence.WEEKLY, anchor=None, trial_at=moved), CREATED + 5 * WEEK)
    assert [at for n, at in seen.items() if n.kind == NoticeKind.TRIAL] == [moved]


def test_period_lengths() -> None:
    assert period(Cadence.WEEKLY) == WEEK
    assert period(TWO) == 2 * WEEK


def test_before_the_anchor_every_week_is_on() -> None:
    """Every two weeks confirmed on Tuesday 13 January, after Monday 12's check-in time:
    the on-weeks begin on the 19th, and the weeks before were weekly."""
    rhythm = anchored(MONDAY_UTC, TWO, FIRST + WEEK + DAY)
    assert rhythm.anchor == date(2026, 1, 19)
    assert rhythm.on_day(date(2026, 1, 12)) and rhythm.on_day(date(2026, 1, 13))
    assert not rhythm.on_day(date(2026, 1, 26))
    assert rhythm.next_after(FIRST + DAY) == FIRST + WEEK
    assert chain(rhythm, FIRST, 3) == [FIRST + WEEK, FIRST + 2 * WEEK, FIRST + 4 * WEEK]
    # A late answer for the 12th, given on the 14th, is for the 12th: not for the 19th.
    assert rhythm.week_of(FIRST + WEEK + 2 * DAY) == FIRST + WEEK
    assert rhythm.week_of(FIRST + 2 * WEEK - DAY) == FIRST + 2 * WEEK
    assert rhythm.week_of(FIRST + 3 * WEEK) == FIRST + 4 * WEEK  # the off-week's answer
    assert rhythm.cadence_at(FIRST + WEEK) is Cadence.WEEKLY
    assert rhythm.cadence_at(FIRST + 2 * WEEK) is TWO


def test_weekly_check_in_weeks_have_one_rule() -> None:
    rhythm, moment = Rhythm(BERLIN_NIGHT), datetime(2026, 3, 20, tzinfo=UTC)
    while moment < datetime(2026, 4, 20, tzinfo=UTC):
        assert week_of(BERLIN_NIGHT, moment) == rhythm.week_of(moment)
        assert abs(rhythm.week_of(moment) - moment) <= WEEK / 2 + HOUR
        moment += timedelta(hours=7, minutes=11)


def previous(rhythm: Rhythm, instant: datetime) -> datetime:
    latest = rhythm.next_after(instant - 3 * WEEK)
    while (following := rhythm.next_after(latest)) <= instant:
        latest = following
    return latest


@pytest.mark.parametrize("weekday", range(7))
@pytest.mark.parametrize("minute", [9 * 60, 18 * 60, 22 * 60])
def test_a_new_time_every_two_weeks_never_doubles_or_skips(weekday: int, minute: int) -> None:
    """From every moment of a period, the first check-in at the new time comes more than
    a week after the last one at the old time, and no more than 17 days after it (the
    streak's longest gap) unless the new time's occurrence near it had already passed."""
    old = anchored(MONDAY_UTC, TWO, CREATED)
    weekly = WeeklyTime(weekday, minute, "UTC")
    moment = FIRST
    while moment < FIRST + 2 * WEEK:
        last, planned = previous(old, moment), old.next_after(moment)
        new = retimed(old, weekly, moment, planned)
        first = new.first
        assert first.weekday() == weekday and first.hour * 60 == minute
        if planned - 4 * DAY > moment:
            assert 10 * DAY <= first - last <= 17 * DAY
        else:
            assert first - last > WEEK
        assert abs(first - planned) <= WEEK
        assert chain(new.rhythm, first, 2) == [first + 2 * WEEK, first + 4 * WEEK]
        assert new.rhythm.week_of(first - 3 * DAY) == first
        assert new.rhythm.cadence_at(last) is TWO
        moment += timedelta(hours=9, minutes=7)


def test_a_new_time_two_days_after_a_check_in_comes_in_the_next_period() -> None:
    """Checked in on Monday 5 January; on Tuesday the pair moves to Thursdays 20:00."""
    old = anchored(MONDAY_UTC, TWO, CREATED)
    thursday = WeeklyTime(3, 20 * 60, "UTC")
    new = retimed(old, thursday, FIRST + DAY, None)
    assert new.first == datetime(2026, 1, 15, 20, tzinfo=UTC)  # not the 8th
    # Right after the check-in, to Wednesdays: the week after next, 16 days on. Its
    # Wednesday two weeks earlier (the 7th) is the last check-in's at the new time,
    # still ahead, and never reminded: the next check-in is the 21st.
    wednesday = WeeklyTime(2, 18 * 60, "UTC")
    early = retimed(old, wednesday, FIRST + HOUR, None)
    assert early.first == datetime(2026, 1, 21, 18, tzinfo=UTC)
    assert chain(early.rhythm, early.first, 1) == [datetime(2026, 2, 4, 18, tzinfo=UTC)]
    stored = early.first
    assert upcoming(early.rhythm, stored, FIRST + HOUR) == early.first
    assert early.rhythm.next_after(FIRST + HOUR) == datetime(2026, 1, 7, 18, tzinfo=UTC)
    # Once the planned check-in has passed and before the job moved it, the rhythm's next.
    assert upcoming(early.rhythm, stored, stored) == datetime(2026, 2, 4, 18, tzinfo=UTC)
    assert upcoming(early.rhythm, None, FIRST + HOUR) == datetime(2026, 1, 7, 18, tzinfo=UTC)
    # Weekly pairs start the new time at its next occurrence, as before.
    weekly = retimed(Rhythm(MONDAY_UTC), thursday, FIRST + DAY, None)
    assert weekly.rhythm == Rhythm(thursday) and weekly.first == datetime(
        2026, 1, 8, 20, tzinfo=UTC
    )


def test_an_answer_right_after_a_new_time_belongs_to_the_last_check_in() -> None:
    """Every two weeks on Mondays from 5 January, answered on Monday 16 March; on Tuesday
    the pair moves to Thursdays. The new time's on-weeks run through Thursday 12 March,
    which was never scheduled: an answer given again on the 17th is for the 16th."""
    old = Rhythm(MONDAY_UTC, TWO, date(2026, 1, 5))
    last, moved = datetime(2026, 3, 16, 18, tzinfo=UTC), datetime(2026, 3, 17, 10, tzinfo=UTC)
    assert old.week_of(last + HOUR) == last
    changed = retimed(old, WeeklyTime(3, 18 * 60, "UTC"), moved, None)
    new, first = changed.rhythm, changed.first
    assert new.anchor == date(2026, 2, 26) and first == datetime(2026, 3, 26, 18, tzinfo=UTC)
    assert new.week_of(moved) == datetime(2026, 3, 12, 18, tzinfo=UTC)  # never scheduled
    assert answer_week(new, moved, last, first) == last
    # The nearer of the two real check-ins: the 16th until halfway to the 26th.
    assert answer_week(new, datetime(2026, 3, 21, 17, tzinfo=UTC), last, first) == last
    assert answer_week(new, datetime(2026, 3, 21, 19, tzinfo=UTC), last, first) == first
    assert answer_week(new, first + HOUR, first, first + 2 * WEEK) == first  # as before
    assert answer_week(new, first + HOUR, last, first) == first  # not yet posted: still it
    # Weekly, to Saturdays: the rhythm's Saturday 14 March was never scheduled either.
    saturday = retimed(Rhythm(MONDAY_UTC), WeeklyTime(5, 18 * 60, "UTC"), moved, None)
    assert saturday.rhythm.week_of(moved) == datetime(2026, 3, 14, 18, tzinfo=UTC)
    assert answer_week(saturday.rhythm, moved, last, saturday.first) == last
    # The two real check-ins stay the two periods they were, every two weeks or weekly.
    weeks = [datetime(2026, 3, 2, 18, tzinfo=UTC), last]
    cadences = dict.fromkeys(weeks, TWO)
    assert streak([*weeks, answer_week(new, moved, last, first)], moved, (), cadences) == 2
    assert streak(weeks, moved) == 1  # weekly, two weeks apart


def test_without_a_change_an_answer_s_week_is_the_rhythm_s() -> None:
    """While the rhythm's latest check-in is the last posted, `answer_week` is `week_of`,
    DST weeks included."""
    for rhythm in (Rhythm(BERLIN_NIGHT), anchored(BERLIN_NIGHT, TWO, CREATED)):
        moment = datetime(2026, 1, 20, tzinfo=UTC)
        while moment < datetime(2026, 5, 1, tzinfo=UTC):
            last = rhythm.latest(moment)
            assert last <= moment < rhythm.next_after(moment)
            upcoming = rhythm.next_after(moment)
            assert answer_week(rhythm, moment, last, upcoming) == rhythm.week_of(moment)
            moment += timedelta(hours=7, minutes=11)


def test_a_stored_check_in_less_than_a_week_from_a_two_week_one_is_its_period() -> None:
    """A check-in every two weeks and another 4 to 7 days later (filed before this was
    fixed) count as one period; weekly ones 4 days apart stay two weeks."""
    now = datetime(2026, 3, 17, tzinfo=UTC)
    weeks = [datetime(2026, 3, day, 18, tzinfo=UTC) for day in (2, 12, 16)]
    assert streak(weeks, now, (), dict.fromkeys(weeks, TWO)) == 2
    assert streak(weeks[1:], now) == 2
    assert streak([datetime(2026, 3, 13, 19, tzinfo=UTC), weeks[2]], now) == 1


def test_a_week_after_a_two_week_check_in_is_the_next_period_across_dst() -> None:
    """Every two weeks on Monday 23 March (Berlin, 18:00), then weekly: 30 March is 6 days
    23 hours later, as the clocks went forward, and still the next period."""
    berlin = [
        datetime(2026, 3, 23, 17, tzinfo=UTC),
        datetime(2026, 3, 30, 16, tzinfo=UTC),
        datetime(2026, 4, 6, 16, tzinfo=UTC),
    ]
    winter = [datetime(2026, 3, day, 17, tzinfo=UTC) for day in (2, 9, 16)]
    for weeks in (berlin, winter):
        cadences = {weeks[0]: TWO, weeks[1]: Cadence.WEEKLY, weeks[2]: Cadence.WEEKLY}
        assert streak(weeks, weeks[2] + timedelta(hours=1), (), cadences) == 3


async def seed_pair(store: Store) -> None:
    """A weekly Monday 18:00 UTC pair, with a pending proposal of every two weeks (id 1)
    and one of Thursdays 18:00 UTC (id 1)."""
    async with store.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO partnerships (id, guild_id, course_key, thread_id, timezone, weekday,"
            " minute, created_at, next_checkin_at, alarm_at)"
            " VALUES (1, 1, 'go', 10, 'UTC', 0, 1080, ?, ?, ?)",
            (to_timestamp(CREATED), to_timestamp(FIRST), to_timestamp(FIRST)),
        )
        await conn.execute(
            "INSERT INTO cadence_proposals (id, partnership_id, proposer_id, cadence, created_at)"
            " VALUES (1, 1, ?, 'every_two_weeks', ?)",
            (ALICE, to_timestamp(CREATED)),
        )
        await conn.execute(
            "INSERT INTO schedule_proposals (id, partnership_id, proposer_id, timezone, weekday,"
            " minute, created_at) VALUES (1, 1, ?, 'UTC', 3, 1080, ?)",
            (BOB, to_timestamp(CREATED)),
        )


async def schedule_row(store: Store) -> dict[str, object]:
    row = await store.db.fetch_one(
        "SELECT weekday, cadence, cadence_anchor, next_checkin_at FROM partnerships WHERE id = 1"
    )
    assert row is not None
    return {key: row[key] for key in ("weekday", "cadence", "cadence_anchor", "next_checkin_at")}


def request(kind: RequestKind, asker: int) -> PartnerRequest:
    return PartnerRequest(kind, 1, 1, asker, RequestStatus.PENDING)


@pytest.mark.parametrize("first_kind", [RequestKind.SCHEDULE, RequestKind.CADENCE])
async def test_a_time_and_a_cadence_confirmed_at_once_stay_consistent(
    postgres: str, first_kind: RequestKind
) -> None:
    """Two processes: one confirms a change and holds its transaction open while the
    other confirms the other change; the second waits and computes from the first."""
    now = CREATED + HOUR
    one, two = await Store.open(postgres, now), await Store.open(postgres, now)
    try:
        await seed_pair(one)
        second_kind = (
            RequestKind.CADENCE if first_kind is RequestKind.SCHEDULE else RequestKind.SCHEDULE
        )
        effect = {
            RequestKind.SCHEDULE: "schedule_proposals",
            RequestKind.CADENCE: "cadence_proposals",
        }
        async with one.db.transaction() as conn:
            await conn.execute(f"UPDATE {effect[first_kind]} SET status = 'accepted' WHERE id = 1")
            adopt = one.requests._effects[first_kind]
            await adopt(conn, request(first_kind, BOB), True, now)
            racing = asyncio.create_task(
                two.requests.answer(request(second_kind, ALICE), True, now)
            )
            await asyncio.sleep(0.5)
            assert not racing.done()  # waiting on the pair's row
        await racing
        stored = await schedule_row(one)
        thursday = WeeklyTime(3, 18 * 60, "UTC")
        rhythm = Rhythm(thursday, TWO, date.fromisoformat(str(stored["cadence_anchor"])))
        assert stored["weekday"] == 3 and stored["cadence"] == TWO
        assert rhythm.anchor is not None and rhythm.anchor.weekday() == 3
        next_at = from_timestamp(int(str(stored["next_checkin_at"])))
        assert next_at == rhythm.next_after(now)
    finally:
        await one.close()
        await two.close()


def test_a_second_new_time_replaces_the_first_ones_check_in() -> None:
    """Every two weeks on Mondays 10:00 in Berlin, checked in on Monday 5 January. On
    Tuesday 6 the pair moves to Wednesdays (the next check-in becomes the 21st), an hour
    later to Thursdays: that one replaces the 21st, not the 7th, a Wednesday of the first
    new rhythm that is no check-in, so nothing comes three days after the 5th."""
    berlin = ZoneInfo("Europe/Berlin")
    old = Rhythm(WeeklyTime(0, 10 * 60, "Europe/Berlin"), TWO, date(2026, 1, 5))
    confirmed = datetime(2026, 1, 6, 12, tzinfo=berlin)
    wednesday = retimed(old, WeeklyTime(2, 10 * 60, "Europe/Berlin"), confirmed, None)
    assert wednesday.first == datetime(2026, 1, 21, 10, tzinfo=berlin)
    thursday = retimed(
        wednesday.rhythm, WeeklyTime(3, 10 * 60, "Europe/Berlin"), confirmed + HOUR, wednesday.first
    )
    assert thursday.first == datetime(2026, 1, 22, 10, tzinfo=berlin)  # not the 8th
    assert chain(thursday.rhythm, thursday.first, 1) == [datetime(2026, 2, 5, 10, tzinfo=berlin)]


@pytest.mark.parametrize("weekday", [1, 2])
def test_a_new_tuesday_or_wednesday_time_comes_in_the_next_on_week(weekday: int) -> None:
    """Every two weeks on Mondays, checked in on Monday 5 January; on Tuesday 6 the pair
    moves to Tuesdays (or Wednesdays) 10:00. The next check-in was Monday 19: it becomes
    the 20th (or 21st), 15 or 16 days on, never the off-week's 13th (or 14th)."""
    old = anchored(MONDAY_UTC, TWO, CREATED)
    moved = datetime(2026, 1, 6, 9, tzinfo=UTC)
    new = retimed(old, WeeklyTime(weekday, 10 * 60, "UTC"), moved, None)
    first = datetime(2026, 1, 19 + weekday, 10, tzinfo=UTC)
    assert new.first == first
    assert chain(new.rhythm, first, 2) == [first + 2 * WEEK, first + 4 * WEEK]
    assert new.rhythm.cadence_at(FIRST) is TWO  # an answer still filed under the 5th
