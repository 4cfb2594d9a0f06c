"""Unit tests for bot.matching: input cleaning, compatibility and partner ranking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import permutations
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import UserError
from bot.matching import (
    MAX_COURSE_LENGTH,
    MAX_PACE,
    MAX_TIME_GAP_MINUTES,
    MIN_PACE,
    Seeker,
    check_pace,
    choose_among_nearby,
    choose_partner,
    clean_course,
    compatible,
    course_key,
    minute_ranges,
    minutes_apart,
    pace_range,
    paces_compatible,
    pair_schedule,
)
from bot.schedule import MINUTES_PER_WEEK, WeeklyTime, utc_minute_of_week

NOW = datetime(2026, 6, 1, tzinfo=UTC)  # Monday 00:00 UTC; Berlin and New York on summer time
MONDAY, TUESDAY, SUNDAY = 0, 1, 6
BERLIN_MONDAY_18 = WeeklyTime(MONDAY, 18 * 60, "Europe/Berlin")  # 16:00 UTC in June
NEW_YORK_MONDAY_12 = WeeklyTime(MONDAY, 12 * 60, "America/New_York")  # 16:00 UTC in June


def utc(weekday: int, hour: int, minute: int = 0) -> WeeklyTime:
    return WeeklyTime(weekday, hour * 60 + minute, "UTC")


def seeker(
    user_id: int,
    pace: int = 10,
    weekly: WeeklyTime | None = None,
    queued_minutes_ago: int = 60,
    priority: bool = False,
) -> Seeker:
    return Seeker(
        user_id=user_id,
        pace=pace,
        weekly=weekly if weekly is not None else utc(MONDAY, 18),
        queued_at=NOW - timedelta(minutes=queued_minutes_ago),
        priority=priority,
    )


# --------------------------------------------------------------------------- course names


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Intro to ML", "intro to ml"),
        ("Intro  to ML", "intro to ml"),
        ("  Intro to ML  ", "INTRO TO ML"),
        ("Intro\tto\nML", "intro to ml"),
        ("Intro\u00a0to ML", "intro to ml"),  # non-breaking space is whitespace too
        ("Straße", "STRASSE"),  # casefold, not just lower
        ("CS50", "cs50"),
    ],
)
def test_course_key_ignores_case_and_spacing(first: str, second: str) -> None:
    assert course_key(first) == course_key(second)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Intro  to ML", "intro to ml"),
        ("  Linear   Algebra\n", "linear algebra"),
        ("python", "python"),
        ("", ""),
    ],
)
def test_course_key_normal_form(name: str, expected: str) -> None:
    assert course_key(name) == expected


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Intro to ML", "Intro to AI"),
        ("Intro to ML", "IntrotoML"),
        ("Calculus 1", "Calculus 2"),
    ],
)
def test_course_key_keeps_different_courses_apart(first: str, second: str) -> None:
    assert course_key(first) != course_key(second)


def test_course_key_is_idempotent() -> None:
    once = course_key("  Data   Structures\tAND Algorithms ")
    assert course_key(once) == once


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Intro to Python", "Intro to Python"),
        ("  Intro   to\tPython \n", "Intro to Python"),
        ("x", "x"),
        ("Organic Chemistry II", "Organic Chemistry II"),
    ],
)
def test_clean_course_collapses_spacing_and_keeps_case(name: str, expected: str) -> None:
    assert clean_course(name) == expected


@pytest.mark.parametrize("name", ["", " ", "   \t\n  ", "\u00a0"])
def test_clean_course_rejects_empty(name: str) -> None:
    with pytest.raises(UserError):
        clean_course(name)


def test_clean_course_length_limit_is_inclusive() -> None:
    assert MAX_COURSE_LENGTH == 100
    at_limit = "a" * MAX_COURSE_LENGTH
    assert clean_course(at_limit) == at_limit
    with pytest.raises(UserError) as caught:
        clean_course("a" * (MAX_COURSE_LENGTH + 1))
    assert str(MAX_COURSE_LENGTH) in str(caught.value)


def test_clean_course_measures_length_after_collapsing_spaces() -> None:
    # 202 raw characters, but only "a b" after cleaning.
    assert clean_course("a" + " " * 200 + "b") == "a b"
    padded = "  " + "c" * MAX_COURSE_LENGTH + "  "
    assert clean_course(padded) == "c" * MAX_COURSE_LENGTH


def test_clean_course_and_course_key_agree() -> None:
    raw = "  Intro   TO  Machine\tLearning "
    assert course_key(clean_course(raw)) == course_key(raw)


# --------------------------------------------------------------------------- pace


@pytest.mark.parametrize("pace", [MIN_PACE, 2, 10, 40, 79, MAX_PACE])
def test_check_pace_accepts_range(pace: int) -> None:
    assert check_pace(pace) == pace


@pytest.mark.parametrize("pace", [0, -1, -80, 81, 1000])
def test_check_pace_rejects_out_of_range(pace: int) -> None:
    with pytest.raises(UserError) as caught:
        check_pace(pace)
    assert str(pace) in str(caught.value)


def test_pace_bounds() -> None:
    assert (MIN_PACE, MAX_PACE) == (1, 80)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (10, 20, True),
        (20, 10, True),
        (10, 21, False),
        (21, 10, False),
        (10, 10, True),
        (1, 2, True),
        (1, 3, False),
        (40, 80, True),
        (39, 80, False),
        (15, 30, True),
        (15, 31, False),
        (7, 13, True),
    ],
)
def test_paces_compatible_within_factor_of_two(first: int, second: int, expected: bool) -> None:
    assert paces_compatible(first, second) is expected


def test_paces_compatible_is_symmetric() -> None:
    for first in range(MIN_PACE, MAX_PACE + 1):
        for second in range(MIN_PACE, MAX_PACE + 1):
            assert paces_compatible(first, second) == paces_compatible(second, first)
            assert paces_compatible(first, second) == (max(first, second) <= 2 * min(first, second))


# --------------------------------------------------------------------------- compatible


def test_compatible_same_utc_instant_across_zones() -> None:
    berlin = seeker(1, weekly=BERLIN_MONDAY_18)
    new_york = seeker(2, weekly=NEW_YORK_MONDAY_12)
    assert compatible(berlin, new_york, NOW)
    assert compatible(new_york, berlin, NOW)


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        # Berlin Monday 18:00 is Monday 16:00 UTC in June.
        (utc(MONDAY, 16), True),
        (utc(MONDAY, 19), True),  # exactly 3h later
        (utc(MONDAY, 13), True),  # exactly 3h earlier
        (utc(MONDAY, 19, 1), False),  # 3h01m later
        (utc(MONDAY, 12, 59), False),  # 3h01m earlier
        (WeeklyTime(MONDAY, 15 * 60, "America/New_York"), True),  # 19:00 UTC, 3h
        (WeeklyTime(MONDAY, 15 * 60 + 1, "America/New_York"), False),  # 19:01 UTC
        (WeeklyTime(MONDAY, 21 * 60 + 30, "Asia/Kolkata"), True),  # 16:00 UTC
        (WeeklyTime(TUESDAY, 0, "Asia/Kolkata"), True),  # Monday 18:30 UTC
        (WeeklyTime(TUESDAY, 18 * 60, "Europe/Berlin"), False),  # a day later
    ],
)
def test_compatible_time_gap_limit(other: WeeklyTime, expected: bool) -> None:
    assert MAX_TIME_GAP_MINUTES == 180
    first = seeker(1, weekly=BERLIN_MONDAY_18)
    second = seeker(2, weekly=other)
    assert compatible(first, second, NOW) is expected
    assert compatible(second, first, NOW) is expected


def test_compatible_time_gap_wraps_around_the_week() -> None:
    sunday_night = seeker(1, weekly=utc(SUNDAY, 23))
    monday_early = seeker(2, weekly=utc(MONDAY, 1, 30))
    monday_late = seeker(3, weekly=utc(MONDAY, 2, 1))
    assert compatible(sunday_night, monday_early, NOW)
    assert not compatible(sunday_night, monday_late, NOW)


def test_compatible_wrap_across_zones() -> None:
    # Sunday 21:00 in New York (EDT) is Monday 01:00 UTC.
    new_york_sunday = seeker(1, weekly=WeeklyTime(SUNDAY, 21 * 60, "America/New_York"))
    utc_sunday = seeker(2, weekly=utc(SUNDAY, 22, 0))
    assert compatible(new_york_sunday, utc_sunday, NOW)
    utc_sunday_early = seeker(3, weekly=utc(SUNDAY, 21, 59))
    assert not compatible(new_york_sunday, utc_sunday_early, NOW)


def test_same_user_is_never_compatible_with_self() -> None:
    member = seeker(7)
    assert not compatible(member, member, NOW)
    # Even if a second queue entry for the same user looks ideal.
    duplicate = seeker(7, queued_minutes_ago=5, priority=True)
    assert not compatible(member, duplicate, NOW)


@pytest.mark.parametrize(("pace", "expected"), [(5, True), (20, True), (4, False), (21, False)])
def test_compatible_requires_compatible_pace(pace: int, expected: bool) -> None:
    first = seeker(1, pace=10)
    second = seeker(2, pace=pace)
    assert compatible(first, second, NOW) is expected


def test_compatible_needs_both_pace_and_time() -> None:
    first = seeker(1, pace=10, weekly=utc(MONDAY, 18))
    assert not compatible(first, seeker(2, pace=30, weekly=utc(MONDAY, 18)), NOW)
    assert not compatible(first, seeker(3, pace=10, weekly=utc(MONDAY, 22)), NOW)
    assert not compatible(first, seeker(4, pace=30, weekly=utc(MONDAY, 22)), NOW)
    assert compatible(first, seeker(5, pace=12, weekly=utc(MONDAY, 20)), NOW)


def test_compatible_ignores_priority_and_queue_time() -> None:
    first = seeker(1, priority=True, queued_minutes_ago=10_000)
    second = seeker(2, priority=False, queued_minutes_ago=0)
    assert compatible(first, second, NOW)


# --------------------------------------------------------------------------- choose_partner


def test_choose_partner_none_when_nobody_waiting() -> None:
    assert choose_partner(seeker(1), [], NOW) is None


def test_choose_partner_none_when_nobody_compatible() -> None:
    waiting = [
        seeker(2, pace=30),  # pace too fast
        seeker(3, pace=4),  # pace too slow
        seeker(4, weekly=utc(MONDAY, 22)),  # 4h later
        seeker(5, weekly=utc(3, 18)),  # another day
        seeker(6, pace=40, priority=True),  # priority does not excuse incompatibility
    ]
    assert choose_partner(seeker(1, pace=10), waiting, NOW) is None


def test_choose_partner_skips_the_seeker_itself() -> None:
    me = seeker(1)
    assert choose_partner(me, [me], NOW) is None
    other = seeker(2, pace=19, weekly=utc(MONDAY, 20, 30))
    assert choose_partner(me, [me, other], NOW) == other


def test_choose_partner_single_compatible_candidate() -> None:
    match = seeker(3, pace=15)
    waiting = [seeker(2, pace=30), match, seeker(4, weekly=utc(2, 18))]
    assert choose_partner(seeker(1, pace=10), waiting, NOW) == match


def test_choose_partner_priority_beats_everything_else() -> None:
    me = seeker(1, pace=10, weekly=utc(MONDAY, 18))
    perfect = seeker(2, pace=10, weekly=utc(MONDAY, 18), queued_minutes_ago=10_000)
    priority = seeker(3, pace=20, weekly=utc(MONDAY, 21), queued_minutes_ago=1, priority=True)
    assert choose_partner(me, [perfect, priority], NOW) == priority


def test_choose_partner_closest_pace_beats_closest_time() -> None:
    me = seeker(1, pace=10, weekly=utc(MONDAY, 18))
    same_time = seeker(2, pace=14, weekly=utc(MONDAY, 18), queued_minutes_ago=10_000)
    close_pace = seeker(3, pace=11, weekly=utc(MONDAY, 20, 30), queued_minutes_ago=1)
    assert choose_partner(me, [same_time, close_pace], NOW) == close_pace


def test_choose_partner_pace_distance_is_absolute() -> None:
    me = seeker(1, pace=10)
    faster = seeker(2, pace=13)
    slower = seeker(3, pace=8)
    assert choose_partner(me, [faster, slower], NOW) == slower


def test_choose_partner_closest_time_breaks_pace_ties() -> None:
    me = seeker(1, pace=10, weekly=utc(MONDAY, 18))
    later = seeker(2, pace=12, weekly=utc(MONDAY, 20), queued_minutes_ago=10_000)
    sooner = seeker(3, pace=8, weekly=utc(MONDAY, 17), queued_minutes_ago=1)
    assert choose_partner(me, [later, sooner], NOW) == sooner


def test_choose_partner_time_closeness_is_compared_in_utc() -> None:
    me = seeker(1, weekly=BERLIN_MONDAY_18)
    new_york = seeker(2, weekly=NEW_YORK_MONDAY_12, queued_minutes_ago=1)  # 0 min apart
    berlin = seeker(3, weekly=WeeklyTime(MONDAY, 19 * 60, "Europe/Berlin"))  # 60 min
    assert choose_partner(me, [berlin, new_york], NOW) == new_york


def test_choose_partner_time_closeness_wraps_around_the_week() -> None:
    me = seeker(1, weekly=utc(SUNDAY, 23, 30))
    after_midnight = seeker(2, weekly=utc(MONDAY, 0, 30), queued_minutes_ago=1)  # 60 min
    same_evening = seeker(3, weekly=utc(SUNDAY, 21, 30), queued_minutes_ago=10_000)  # 120 min
    assert choose_partner(me, [same_evening, after_midnight], NOW) == after_midnight


def test_choose_partner_longest_wait_breaks_pace_and_time_ties() -> None:
    me = seeker(1, pace=10, weekly=utc(MONDAY, 18))
    newcomer = seeker(2, pace=12, weekly=utc(MONDAY, 19), queued_minutes_ago=5)
    veteran = seeker(3, pace=8, weekly=utc(MONDAY, 17), queued_minutes_ago=500)
    assert choose_partner(me, [newcomer, veteran], NOW) == veteran


def test_choose_partner_lowest_user_id_breaks_full_ties() -> None:
    me = seeker(1)
    tied = [seeker(user_id) for user_id in (9, 4, 6)]
    assert choose_partner(me, tied, NOW) == tied[1]


def test_choose_partner_among_priorities_uses_the_usual_order() -> None:
    me = seeker(1, pace=10)
    far_priority = seeker(2, pace=18, priority=True)
    near_priority = seeker(3, pace=11, priority=True)
    plain_exact = seeker(4, pace=10)
    assert choose_partner(me, [far_priority, plain_exact, near_priority], NOW) == near_priority


def test_choose_partner_full_ranking() -> None:
    """Removing the winner each time walks the whole order of the ranking."""
    me = seeker(1, pace=10, weekly=utc(MONDAY, 18))
    expected_order = [
        seeker(10, pace=19, weekly=utc(MONDAY, 21), priority=True),
        seeker(11, pace=10, weekly=utc(MONDAY, 20), queued_minutes_ago=1),
        seeker(12, pace=9, weekly=utc(MONDAY, 18), queued_minutes_ago=1),
        seeker(13, pace=11, weekly=utc(MONDAY, 18, 30), queued_minutes_ago=900),
        seeker(14, pace=9, weekly=utc(MONDAY, 18, 30), queued_minutes_ago=800),
        seeker(16, pace=11, weekly=utc(MONDAY, 18, 30), queued_minutes_ago=800),
        seeker(15, pace=15, weekly=utc(MONDAY, 18)),
    ]
    incompatible = [seeker(20, pace=25, priority=True), seeker(21, weekly=utc(4, 18))]
    remaining = [*reversed(expected_order), *incompatible]
    picked = []
    while (best := choose_partner(me, remaining, NOW)) is not None:
        picked.append(best)
        remaining.remove(best)
    assert picked == expected_order
    assert remaining == incompatible


def test_choose_partner_does_not_depend_on_input_order() -> None:
    me = seeker(1, pace=10)
    waiting = [
        seeker(2, pace=12, queued_minutes_ago=30),
        seeker(3, pace=8, queued_minutes_ago=90),
        seeker(4, pace=12, queued_minutes_ago=90),
        seeker(5, pace=30),
    ]
    results = {choose_partner(me, list(order), NOW) for order in permutations(waiting)}
    assert results == {waiting[1]}


def test_choose_partner_accepts_any_iterable() -> None:
    me = seeker(1)
    match = seeker(2)
    assert choose_partner(me, (candidate for candidate in [match]), NOW) == match


# ------------------------------------------------- narrowing the queue before ranking it

# Zones with the shifts that matter: none, one hour each way of the year, half an hour
# (Lord Howe), two hours (Troll), and a zone on a quarter hour.
ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Antarctica/Troll",
    "Asia/Kathmandu",
]
weekly_times = st.builds(
    WeeklyTime,
    weekday=st.integers(0, 6),
    minute=st.integers(0, 1439),
    zone=st.sampled_from(ZONES),
)
instants = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
seekers = st.builds(
    Seeker,
    user_id=st.integers(2, 40),
    pace=st.integers(MIN_PACE, MAX_PACE),
    weekly=weekly_times,
    queued_at=instants,
    priority=st.booleans(),
)


def test_pace_range_is_exactly_the_compatible_paces() -> None:
    for pace in range(MIN_PACE, MAX_PACE + 1):
        slowest, fastest = pace_range(pace)
        in_range = {other for other in range(MIN_PACE, MAX_PACE + 1) if slowest <= other <= fastest}
        compatible_paces = {
            other for other in range(MIN_PACE, MAX_PACE + 1) if paces_compatible(pace, other)
        }
        assert in_range == compatible_paces, pace


def test_minute_ranges_wrap_around_the_end_of_the_week() -> None:
    assert minute_ranges(utc(MONDAY, 1), NOW) == [(0, 240), (MINUTES_PER_WEEK - 120, 10079)]
    assert minute_ranges(utc(SUNDAY, 23), NOW) == [(9840, 10079), (0, 120)]
    assert minute_ranges(utc(TUESDAY, 12), NOW) == [(1980, 2340)]


@settings(max_examples=400, deadline=None)
@given(mine=weekly_times, theirs=weekly_times, now=instants)
def test_the_searched_ranges_hold_exactly_the_compatible_times(
    mine: WeeklyTime, theirs: WeeklyTime, now: datetime
) -> None:
    """The queue keeps each minute as of now (`utc_minute_until`): the ranges hold it
    exactly when the times are within the rule."""
    stored = utc_minute_of_week(theirs, now)
    found = any(low <= stored <= high for low, high in minute_ranges(mine, now))
    assert found == (minutes_apart(mine, theirs, now) <= MAX_TIME_GAP_MINUTES)


@settings(max_examples=300, deadline=None)
@given(me=seekers, waiting=st.lists(seekers, max_size=25), now=instants)
def test_choose_among_nearby_picks_what_choose_partner_picks(
    me: Seeker, waiting: list[Seeker], now: datetime
) -> None:
    assert choose_among_nearby(me, waiting, now) == choose_partner(me, waiting, now)


# --------------------------------------------------------------------------- pair_schedule


def test_pair_schedule_earlier_queued_member_wins() -> None:
    early = seeker(5, weekly=BERLIN_MONDAY_18, queued_minutes_ago=120)
    late = seeker(2, weekly=NEW_YORK_MONDAY_12, queued_minutes_ago=10)
    assert pair_schedule(early, late) == BERLIN_MONDAY_18
    assert pair_schedule(late, early) == BERLIN_MONDAY_18


def test_pair_schedule_keeps_the_members_zone() -> None:
    early = seeker(1, weekly=NEW_YORK_MONDAY_12, queued_minutes_ago=120)
    late = seeker(2, weekly=BERLIN_MONDAY_18, queued_minutes_ago=10)
    chosen = pair_schedule(late, early)
    assert chosen.zone == "America/New_York"
    assert chosen.label() == "Monday 12:00 (America/New_York)"


def test_pair_schedule_tie_on_queue_time_goes_to_lower_user_id() -> None:
    first = seeker(3, weekly=utc(MONDAY, 18), queued_minutes_ago=60)
    second = seeker(8, weekly=utc(MONDAY, 19), queued_minutes_ago=60)
    assert pair_schedule(first, second) == utc(MONDAY, 18)
    assert pair_schedule(second, first) == utc(MONDAY, 18)


def test_pair_schedule_ignores_priority() -> None:
    early = seeker(1, weekly=utc(MONDAY, 18), queued_minutes_ago=60)
    priority = seeker(2, weekly=utc(MONDAY, 19), queued_minutes_ago=1, priority=True)
    assert pair_schedule(priority, early) == utc(MONDAY, 18)


def test_pair_schedule_compares_instants_not_wall_clocks() -> None:
    # The Berlin member queued at 18:00 on their clock, the New York member a minute
    # later at 12:01 on theirs: the earlier instant wins, not the earlier-looking clock.
    berlin_queued = datetime(2026, 6, 1, 18, tzinfo=ZoneInfo("Europe/Berlin"))
    new_york_queued = datetime(2026, 6, 1, 12, 1, tzinfo=ZoneInfo("America/New_York"))
    berlin = Seeker(1, 10, BERLIN_MONDAY_18, berlin_queued)
    new_york = Seeker(2, 10, NEW_YORK_MONDAY_12, new_york_queued)
    assert pair_schedule(new_york, berlin) == BERLIN_MONDAY_18
    assert pair_schedule(berlin, new_york) == BERLIN_MONDAY_18
