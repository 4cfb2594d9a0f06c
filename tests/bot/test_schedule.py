"""Unit tests for bot.schedule: parsing, next occurrences across DST, and display."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UserError
from bot.schedule import (
    MINUTES_PER_WEEK,
    WEEKDAYS,
    WeeklyTime,
    describe_in_zone,
    format_minute,
    local_instant,
    minutes_apart,
    next_occurrence,
    parse_minute,
    parse_weekday,
    parse_zone,
    utc_minute_of_week,
    utc_minute_until,
)

MONDAY, SUNDAY = 0, 6
WEEK = timedelta(days=7)
JUNE_1 = datetime(2026, 6, 1, tzinfo=UTC)  # a Monday, 00:00 UTC


def hm(hours: int, minutes: int = 0) -> int:
    return hours * 60 + minutes


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18:30", 1110),
        ("9:05", 545),
        ("09:05", 545),
        ("00:00", 0),
        ("0:00", 0),
        ("23:59", 1439),
        ("12:00", 720),
        ("19:45", 1185),
        ("  18:30  ", 1110),
        ("\t7:00\n", 420),
    ],
)
def test_parse_minute_accepts_24_hour_times(text: str, expected: int) -> None:
    assert parse_minute(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "24:00",
        "25:00",
        "7pm",
        "7:00pm",
        "18:60",
        "18:99",
        "",
        "   ",
        "18-30",
        "18.30",
        "1830",
        "18:3",
        "9:5",
        "18:30:00",
        "-1:00",
        "123:00",
        ":30",
        "18:",
        "18 : 30",
        "noon",
    ],
)
def test_parse_minute_rejects_non_times(text: str) -> None:
    with pytest.raises(UserError):
        parse_minute(text)


def test_parse_minute_error_quotes_the_input_and_shows_the_format() -> None:
    with pytest.raises(UserError) as caught:
        parse_minute("  7pm ")
    message = str(caught.value)
    assert "`7pm`" in message
    assert "HH:MM" in message


def test_parse_minute_error_truncates_long_input() -> None:
    with pytest.raises(UserError) as caught:
        parse_minute("x" * 500)
    assert "x" * 21 not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("  Europe/Berlin  ", "Europe/Berlin"),
        ("\tAmerica/New_York\n", "America/New_York"),
        ("Asia/Kolkata", "Asia/Kolkata"),
        ("Pacific/Chatham", "Pacific/Chatham"),
        ("UTC", "UTC"),
    ],
)
def test_parse_zone_accepts_iana_names(text: str, expected: str) -> None:
    assert parse_zone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Mars/Olympus",
        "",
        "   ",
        "../etc/passwd",
        "/etc/localtime",
        "utc+2",
        "UTC+2",
        "GMT+25",
        "Europe/Berlin/",
        "Europe/ Berlin",
        "Berlin",
        "CEST",
    ],
)
def test_parse_zone_rejects_unknown_names(text: str) -> None:
    with pytest.raises(UserError):
        parse_zone(text)


@pytest.mark.parametrize("text", ["localtime", "posixrules"])
def test_parse_zone_rejects_host_artifacts_that_are_not_iana_zones(text: str) -> None:
    """`localtime` is a symlink many hosts keep in /usr/share/zoneinfo pointing at the
    server's own zone; it is not an IANA zone and must not silently mean server time."""
    with pytest.raises(UserError):
        parse_zone(text)


def test_parse_zone_error_quotes_the_input_and_suggests_examples() -> None:
    with pytest.raises(UserError) as caught:
        parse_zone("  Mars/Olympus ")
    message = str(caught.value)
    assert "`Mars/Olympus`" in message
    assert "Europe/Berlin" in message


def test_parse_zone_error_truncates_long_input() -> None:
    with pytest.raises(UserError) as caught:
        parse_zone("z" * 500)
    assert "z" * 61 not in str(caught.value)


@pytest.mark.parametrize("day", range(7))
def test_parse_weekday_accepts_monday_to_sunday(day: int) -> None:
    assert parse_weekday(day) == day


@pytest.mark.parametrize("day", [-1, 7, 100])
def test_parse_weekday_rejects_out_of_range(day: int) -> None:
    with pytest.raises(UserError):
        parse_weekday(day)


@pytest.mark.parametrize(
    ("minute", "expected"),
    [(0, "00:00"), (5, "00:05"), (545, "09:05"), (1110, "18:30"), (1439, "23:59")],
)
def test_format_minute(minute: int, expected: str) -> None:
    assert format_minute(minute) == expected


@pytest.mark.parametrize("minute", range(0, 1440, 7))
def test_format_minute_round_trips_through_parse_minute(minute: int) -> None:
    assert parse_minute(format_minute(minute)) == minute


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("weekly", "expected"),
    [
        (WeeklyTime(MONDAY, hm(18), "Europe/Berlin"), "Monday 18:00 (Europe/Berlin)"),
        (WeeklyTime(2, hm(9, 5), "Asia/Kolkata"), "Wednesday 09:05 (Asia/Kolkata)"),
        (WeeklyTime(SUNDAY, 0, "UTC"), "Sunday 00:00 (UTC)"),
        (WeeklyTime(5, 1439, "America/New_York"), "Saturday 23:59 (America/New_York)"),
    ],
)
def test_weekly_time_label(weekly: WeeklyTime, expected: str) -> None:
    assert weekly.label() == expected


def test_weekdays_start_on_monday() -> None:
    assert WEEKDAYS[0] == "Monday"
    assert WEEKDAYS[6] == "Sunday"
    assert len(WEEKDAYS) == 7
    # Same convention as date.weekday().
    assert WEEKDAYS[date(2026, 6, 1).weekday()] == "Monday"


@pytest.mark.parametrize(
    ("instant", "zone", "expected"),
    [
        (datetime(2026, 6, 1, 16, tzinfo=UTC), "Europe/Berlin", "Monday 18:00 (Europe/Berlin)"),
        (datetime(2026, 1, 5, 17, tzinfo=UTC), "Europe/Berlin", "Monday 18:00 (Europe/Berlin)"),
        (datetime(2026, 6, 1, 3, 30, tzinfo=UTC), "Asia/Kolkata", "Monday 09:00 (Asia/Kolkata)"),
        (
            datetime(2026, 6, 1, 2, tzinfo=UTC),
            "America/New_York",
            "Sunday 22:00 (America/New_York)",
        ),
        (datetime(2026, 6, 7, 23, 59, tzinfo=UTC), "UTC", "Sunday 23:59 (UTC)"),
        (
            datetime(2026, 6, 1, 11, 15, tzinfo=UTC),
            "Pacific/Chatham",
            "Tuesday 00:00 (Pacific/Chatham)",
        ),
    ],
)
def test_describe_in_zone(instant: datetime, zone: str, expected: str) -> None:
    assert describe_in_zone(instant, zone) == expected


def test_describe_in_zone_accepts_non_utc_aware_instants() -> None:
    instant = datetime(2026, 6, 1, 18, tzinfo=ZoneInfo("Europe/Berlin"))
    assert describe_in_zone(instant, "America/New_York") == "Monday 12:00 (America/New_York)"


@pytest.mark.parametrize(
    "weekly",
    [
        WeeklyTime(MONDAY, hm(18), "Europe/Berlin"),
        WeeklyTime(3, hm(7, 45), "America/New_York"),
        WeeklyTime(SUNDAY, hm(23, 30), "Asia/Kolkata"),
        WeeklyTime(4, 0, "Australia/Sydney"),
    ],
)
def test_describe_next_occurrence_matches_label(weekly: WeeklyTime) -> None:
    assert describe_in_zone(next_occurrence(weekly, JUNE_1), weekly.zone) == weekly.label()


# --------------------------------------------------------------------------- local_instant


def test_local_instant_ordinary_day() -> None:
    assert local_instant(date(2026, 6, 1), hm(18), "Europe/Berlin") == datetime(
        2026, 6, 1, 16, tzinfo=UTC
    )


def test_local_instant_skipped_time_moves_forward_by_gap() -> None:
    result = local_instant(date(2026, 3, 29), hm(2, 30), "Europe/Berlin")
    assert result == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert result.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M") == "03:30"


def test_local_instant_repeated_time_is_first_occurrence() -> None:
    result = local_instant(date(2026, 10, 25), hm(2, 30), "Europe/Berlin")
    assert result == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


# --------------------------------------------------------------------------- next_occurrence


def assert_utc(instant: datetime) -> None:
    assert instant.tzinfo is not None
    assert instant.utcoffset() == timedelta(0)
    assert instant.tzinfo == UTC


def test_next_occurrence_simple_case() -> None:
    weekly = WeeklyTime(MONDAY, hm(18), "Europe/Berlin")
    result = next_occurrence(weekly, JUNE_1)
    assert result == datetime(2026, 6, 1, 16, tzinfo=UTC)
    assert_utc(result)


def test_next_after_method_delegates() -> None:
    weekly = WeeklyTime(3, hm(6, 15), "America/New_York")
    assert weekly.next_after(JUNE_1) == next_occurrence(weekly, JUNE_1)


def test_next_occurrence_is_strictly_after() -> None:
    weekly = WeeklyTime(MONDAY, hm(18), "Europe/Berlin")
    exact = datetime(2026, 6, 1, 16, tzinfo=UTC)
    assert next_occurrence(weekly, exact - timedelta(microseconds=1)) == exact
    assert next_occurrence(weekly, exact) == exact + WEEK
    assert next_occurrence(weekly, exact + timedelta(microseconds=1)) == exact + WEEK


def test_next_occurrence_later_the_same_day() -> None:
    weekly = WeeklyTime(MONDAY, hm(18), "UTC")
    assert next_occurrence(weekly, datetime(2026, 6, 1, 17, 59, tzinfo=UTC)) == datetime(
        2026, 6, 1, 18, tzinfo=UTC
    )


def test_next_occurrence_earlier_the_same_day_means_next_week() -> None:
    weekly = WeeklyTime(MONDAY, hm(9), "UTC")
    assert next_occurrence(weekly, datetime(2026, 6, 1, 9, 1, tzinfo=UTC)) == datetime(
        2026, 6, 8, 9, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "after",
    [
        JUNE_1,
        datetime(2026, 6, 1, 8, tzinfo=ZoneInfo("America/Los_Angeles")),
        datetime(2026, 6, 1, 5, 30, tzinfo=ZoneInfo("Asia/Kolkata")),
        datetime(2026, 6, 1, 3, tzinfo=timezone(timedelta(hours=3))),
    ],
)
def test_next_occurrence_returns_aware_utc_for_any_aware_input(after: datetime) -> None:
    weekly = WeeklyTime(2, hm(10), "Asia/Tokyo")
    result = next_occurrence(weekly, after)
    assert_utc(result)
    assert result > after
    assert result - after <= WEEK


@pytest.mark.parametrize("weekday", range(7))
@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York", "Pacific/Chatham"])
def test_next_occurrence_lands_on_requested_weekday_and_time(weekday: int, zone: str) -> None:
    weekly = WeeklyTime(weekday, hm(20, 15), zone)
    result = next_occurrence(weekly, JUNE_1)
    local = result.astimezone(ZoneInfo(zone))
    assert local.weekday() == weekday
    assert (local.hour, local.minute) == (20, 15)
    assert JUNE_1 < result <= JUNE_1 + WEEK


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "Asia/Tokyo", "Pacific/Kiritimati"])
def test_weekly_cadence_without_dst_is_exactly_seven_days(zone: str) -> None:
    weekly = WeeklyTime(4, hm(21, 30), zone)
    current = JUNE_1
    previous = None
    for _ in range(60):
        current = next_occurrence(weekly, current)
        assert_utc(current)
        if previous is not None:
            assert current - previous == WEEK
        previous = current


def test_kolkata_monday_nine_is_half_past_three_utc() -> None:
    weekly = WeeklyTime(MONDAY, hm(9), "Asia/Kolkata")
    result = next_occurrence(weekly, JUNE_1)
    assert result == datetime(2026, 6, 1, 3, 30, tzinfo=UTC)


def test_kolkata_whole_year_has_constant_utc_time() -> None:
    weekly = WeeklyTime(MONDAY, hm(9), "Asia/Kolkata")
    occurrences = chain(weekly, datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert len(occurrences) == 52  # 2026 has 52 Mondays
    for instant in occurrences:
        assert (instant.weekday(), instant.hour, instant.minute) == (MONDAY, 3, 30)
    for earlier, later in pairwise(occurrences):
        assert later - earlier == WEEK


# --------------------------------------------------------------------------- DST


def chain(weekly: WeeklyTime, start: datetime, end: datetime) -> list[datetime]:
    """Every occurrence in (start, end], found by feeding each result back in."""
    found = []
    current = start
    while True:
        current = next_occurrence(weekly, current)
        if current > end:
            return found
        found.append(current)
        assert len(found) < 1000


def sweep(weekly: WeeklyTime, start: datetime, end: datetime, step: timedelta) -> set[datetime]:
    """What a scheduler polling every `step` would ever see as the next occurrence."""
    seen = set()
    after = start
    while after <= end:
        result = next_occurrence(weekly, after)
        assert result > after
        seen.add(result)
        after += step
    return seen


@dataclass(frozen=True)
class DstCase:
    """A weekly time on a transition day and what it must resolve to."""

    id: str
    weekly: WeeklyTime
    transition_day: date
    expected_utc: datetime
    expected_local: str  # HH:MM on the clocks, on the transition day
    dst_shift: timedelta  # how far the clocks move


DST_CASES = [
    DstCase(
        "berlin-spring-forward-skipped",
        WeeklyTime(SUNDAY, hm(2, 30), "Europe/Berlin"),
        date(2026, 3, 29),
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        "03:30",
        timedelta(hours=1),
    ),
    DstCase(
        "berlin-fall-back-repeated",
        WeeklyTime(SUNDAY, hm(2, 30), "Europe/Berlin"),
        date(2026, 10, 25),
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        "02:30",
        timedelta(hours=1),
    ),
    DstCase(
        "new-york-spring-forward-skipped",
        WeeklyTime(SUNDAY, hm(2, 30), "America/New_York"),
        date(2026, 3, 8),
        datetime(2026, 3, 8, 7, 30, tzinfo=UTC),
        "03:30",
        timedelta(hours=1),
    ),
    DstCase(
        "new-york-fall-back-repeated",
        WeeklyTime(SUNDAY, hm(1, 30), "America/New_York"),
        date(2026, 11, 1),
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
        "01:30",
        timedelta(hours=1),
    ),
    DstCase(
        "sydney-dst-ends-repeated",
        WeeklyTime(SUNDAY, hm(2, 30), "Australia/Sydney"),
        date(2026, 4, 5),
        datetime(2026, 4, 4, 15, 30, tzinfo=UTC),
        "02:30",
        timedelta(hours=1),
    ),
    DstCase(
        "sydney-dst-starts-skipped",
        WeeklyTime(SUNDAY, hm(2, 30), "Australia/Sydney"),
        date(2026, 10, 4),
        datetime(2026, 10, 3, 16, 30, tzinfo=UTC),
        "03:30",
        timedelta(hours=1),
    ),
    DstCase(
        "chatham-dst-ends-repeated",
        WeeklyTime(SUNDAY, hm(3), "Pacific/Chatham"),
        date(2026, 4, 5),
        datetime(2026, 4, 4, 13, 15, tzinfo=UTC),
        "03:00",
        timedelta(hours=1),
    ),
    DstCase(
        "chatham-dst-starts-skipped",
        WeeklyTime(SUNDAY, hm(3), "Pacific/Chatham"),
        date(2026, 9, 27),
        datetime(2026, 9, 26, 14, 15, tzinfo=UTC),
        "04:00",
        timedelta(hours=1),
    ),
    DstCase(
        "lord-howe-dst-ends-repeated-half-hour",
        WeeklyTime(SUNDAY, hm(1, 45), "Australia/Lord_Howe"),
        date(2026, 4, 5),
        datetime(2026, 4, 4, 14, 45, tzinfo=UTC),
        "01:45",
        timedelta(minutes=30),
    ),
    DstCase(
        "lord-howe-dst-starts-skipped-half-hour",
        WeeklyTime(SUNDAY, hm(2, 15), "Australia/Lord_Howe"),
        date(2026, 10, 4),
        datetime(2026, 10, 3, 15, 45, tzinfo=UTC),
        "02:45",
        timedelta(minutes=30),
    ),
]


def test_dst_transition_dates_are_what_the_cases_assume() -> None:
    """Guard against a tzdata change silently invalidating the cases below."""
    for case in DST_CASES:
        zone = ZoneInfo(case.weekly.zone)
        day = case.transition_day
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
        late = datetime(day.year, day.month, day.day, 23, tzinfo=zone)
        day_before = (midnight - timedelta(hours=12)).astimezone(zone)
        day_after = (late + timedelta(hours=12)).astimezone(zone)
        assert midnight.utcoffset() == day_before.utcoffset(), case.id
        assert late.utcoffset() == day_after.utcoffset(), case.id
        offset_before = midnight.utcoffset()
        offset_after = late.utcoffset()
        assert offset_before is not None
        assert offset_after is not None
        assert abs(offset_after - offset_before) == case.dst_shift, case.id
        assert day.weekday() == SUNDAY, case.id


@pytest.mark.parametrize("case", DST_CASES, ids=lambda case: case.id)
def test_dst_transition_day_resolves_to_expected_instant(case: DstCase) -> None:
    week_before = case.expected_utc - timedelta(days=3)
    result = next_occurrence(case.weekly, week_before)
    assert result == case.expected_utc
    assert_utc(result)
    local = result.astimezone(ZoneInfo(case.weekly.zone))
    assert local.date() == case.transition_day
    assert f"{local:%H:%M}" == case.expected_local


@pytest.mark.parametrize("case", DST_CASES, ids=lambda case: case.id)
def test_dst_exactly_one_occurrence_per_local_week_by_chaining(case: DstCase) -> None:
    zone = ZoneInfo(case.weekly.zone)
    start = case.expected_utc - timedelta(weeks=4, hours=12)
    end = case.expected_utc + timedelta(weeks=4, hours=12)
    found = chain(case.weekly, start, end)

    assert len(found) == 9
    assert len(set(found)) == len(found)
    assert case.expected_utc in found
    assert found.count(case.expected_utc) == 1
    assert found == sorted(found)

    local_dates = [instant.astimezone(zone).date() for instant in found]
    assert local_dates == [case.transition_day + timedelta(weeks=k) for k in range(-4, 5)], (
        "expected one check-in on each local Sunday, none skipped or doubled"
    )

    for instant in found:
        assert_utc(instant)
        local = instant.astimezone(zone)
        assert local.weekday() == case.weekly.weekday
        if local.date() != case.transition_day:
            assert local.hour * 60 + local.minute == case.weekly.minute

    allowed_gaps = {WEEK, WEEK - case.dst_shift, WEEK + case.dst_shift}
    gaps = [later - earlier for earlier, later in pairwise(found)]
    assert set(gaps) <= allowed_gaps
    # The clocks change once in the span, so exactly one gap differs from a week
    # (and it differs by exactly the DST shift).
    assert sum(gap != WEEK for gap in gaps) == 1


@pytest.mark.parametrize("case", DST_CASES, ids=lambda case: case.id)
def test_dst_polling_scheduler_never_sees_a_duplicate(case: DstCase) -> None:
    """Asking 'what is next?' every 15 minutes finds the same one-per-week set."""
    start = case.expected_utc - timedelta(weeks=3, hours=12)
    end = case.expected_utc + timedelta(weeks=3) - timedelta(hours=12)
    seen = sweep(case.weekly, start, end, timedelta(minutes=15))
    expected = chain(case.weekly, start, end + timedelta(days=1))
    assert seen == set(expected)
    zone = ZoneInfo(case.weekly.zone)
    local_dates = sorted(instant.astimezone(zone).date() for instant in seen)
    assert len(local_dates) == len(set(local_dates))
    assert local_dates == [case.transition_day + timedelta(weeks=k) for k in range(-3, 4)]


@pytest.mark.parametrize("case", DST_CASES, ids=lambda case: case.id)
def test_dst_next_occurrence_is_the_nearest_future_one(case: DstCase) -> None:
    """From any instant, the answer is the earliest member of the weekly set after it."""
    start = case.expected_utc - timedelta(days=9)
    end = case.expected_utc + timedelta(days=9)
    every = sorted(chain(case.weekly, start - WEEK, end + WEEK))
    after = start
    while after <= end:
        result = next_occurrence(case.weekly, after)
        assert result == min(instant for instant in every if instant > after)
        after += timedelta(minutes=5)


def test_berlin_fall_back_second_pass_does_not_fire_again() -> None:
    """Between the first and second 02:30 on 25 October the next one is a week away."""
    weekly = WeeklyTime(SUNDAY, hm(2, 30), "Europe/Berlin")
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    second_wall_time = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET
    following = datetime(2026, 11, 1, 1, 30, tzinfo=UTC)
    assert next_occurrence(weekly, first) == following
    assert next_occurrence(weekly, second_wall_time - timedelta(minutes=1)) == following
    assert next_occurrence(weekly, second_wall_time) == following


def test_berlin_spring_forward_just_after_the_jump() -> None:
    weekly = WeeklyTime(SUNDAY, hm(2, 30), "Europe/Berlin")
    jump = datetime(2026, 3, 29, 1, tzinfo=UTC)  # 02:00 CET becomes 03:00 CEST
    assert next_occurrence(weekly, jump) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert next_occurrence(weekly, jump + timedelta(minutes=30)) == datetime(
        2026, 4, 5, 0, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("zone", "minute", "start", "expected_gaps"),
    [
        # Europe/Berlin, Monday 18:00 across the spring and autumn changes.
        ("Europe/Berlin", hm(18), datetime(2026, 3, 20, tzinfo=UTC), {timedelta(days=7, hours=-1)}),
        ("Europe/Berlin", hm(18), datetime(2026, 10, 15, tzinfo=UTC), {timedelta(days=7, hours=1)}),
        (
            "Australia/Sydney",
            hm(18),
            datetime(2026, 3, 25, tzinfo=UTC),
            {timedelta(days=7, hours=1)},
        ),
        (
            "Australia/Lord_Howe",
            hm(18),
            datetime(2026, 3, 25, tzinfo=UTC),
            {timedelta(days=7, minutes=30)},
        ),
        (
            "Australia/Lord_Howe",
            hm(18),
            datetime(2026, 9, 24, tzinfo=UTC),
            {timedelta(days=7, minutes=-30)},
        ),
        (
            "Pacific/Chatham",
            hm(18),
            datetime(2026, 9, 17, tzinfo=UTC),
            {timedelta(days=7, hours=-1)},
        ),
    ],
)
def test_utc_gap_changes_only_across_the_transition(
    zone: str, minute: int, start: datetime, expected_gaps: set[timedelta]
) -> None:
    weekly = WeeklyTime(MONDAY, minute, zone)
    found = chain(weekly, start, start + timedelta(weeks=3))
    gaps = [later - earlier for earlier, later in pairwise(found)]
    assert {gap for gap in gaps if gap != WEEK} == expected_gaps
    for instant in found:
        local = instant.astimezone(ZoneInfo(zone))
        assert (local.weekday(), local.hour * 60 + local.minute) == (MONDAY, minute)


@pytest.mark.parametrize(
    "zone",
    [
        "Europe/Berlin",
        "America/New_York",
        "Australia/Sydney",
        "Pacific/Chatham",
        "Australia/Lord_Howe",
        "Asia/Kolkata",
        "America/Sao_Paulo",
        "Africa/Casablanca",
    ],
)
@pytest.mark.parametrize("minute", [0, hm(1, 30), hm(2, 30), hm(3), hm(12), hm(23, 59)])
def test_whole_year_one_occurrence_per_local_week(zone: str, minute: int) -> None:
    weekly = WeeklyTime(SUNDAY, minute, zone)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    found = chain(weekly, start, datetime(2027, 1, 1, tzinfo=UTC))
    tz = ZoneInfo(zone)
    local_dates = [instant.astimezone(tz).date() for instant in found]
    assert len(local_dates) == len(set(local_dates))
    for earlier, later in pairwise(local_dates):
        assert later - earlier == WEEK
    for instant in found:
        assert_utc(instant)
    for earlier, later in pairwise(found):
        assert timedelta(days=6, hours=22) <= later - earlier <= timedelta(days=7, hours=2)


# --------------------------------------------------------------------------- week arithmetic


@pytest.mark.parametrize(
    ("weekly", "reference", "expected"),
    [
        (WeeklyTime(MONDAY, hm(18), "Europe/Berlin"), JUNE_1, 16 * 60),
        (WeeklyTime(MONDAY, hm(18), "Europe/Berlin"), datetime(2026, 1, 5, tzinfo=UTC), 17 * 60),
        (WeeklyTime(MONDAY, hm(12), "America/New_York"), JUNE_1, 16 * 60),
        (WeeklyTime(MONDAY, hm(9), "Asia/Kolkata"), JUNE_1, hm(3, 30)),
        # Monday morning in India is still Sunday in UTC.
        (WeeklyTime(MONDAY, hm(3), "Asia/Kolkata"), JUNE_1, 6 * 1440 + hm(21, 30)),
        # Sunday night in New York is already Monday in UTC.
        (WeeklyTime(SUNDAY, hm(22), "America/New_York"), JUNE_1, hm(2)),
        (WeeklyTime(SUNDAY, hm(23, 59), "UTC"), JUNE_1, MINUTES_PER_WEEK - 1),
        (WeeklyTime(MONDAY, 0, "UTC"), JUNE_1 - timedelta(minutes=1), 0),
        (WeeklyTime(3, hm(14, 15), "UTC"), JUNE_1, 3 * 1440 + hm(14, 15)),
    ],
)
def test_utc_minute_of_week(weekly: WeeklyTime, reference: datetime, expected: int) -> None:
    assert utc_minute_of_week(weekly, reference) == expected


# Zones whose offsets move by 30 minutes (Lord Howe), two hours (Troll), at midnight
# (Santiago, Beirut), for Ramadan (Casablanca), or never (Kolkata, UTC).
UNTIL_ZONES = [
    "UTC",
    "Asia/Kolkata",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Antarctica/Troll",
    "America/Santiago",
    "Asia/Beirut",
    "Africa/Casablanca",
    "Pacific/Chatham",
]


@pytest.mark.parametrize("zone", UNTIL_ZONES)
def test_utc_minute_until_holds_until_the_instant_it_names(zone: str) -> None:
    """The minute is `utc_minute_of_week`'s at every reference from the one given up to
    (not including) the instant returned, which is always later."""
    rng = random.Random(zone)
    for _ in range(150):
        weekly = WeeklyTime(rng.randrange(7), rng.randrange(1440), zone)
        reference = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(
            seconds=rng.randrange(3 * 365 * 86400)
        )
        minute, until = utc_minute_until(weekly, reference)
        assert until > reference
        later = [reference + (until - reference) * rng.random() for _ in range(4)]
        for moment in (reference, *later, until - timedelta(seconds=1)):
            assert utc_minute_of_week(weekly, moment) == minute, (weekly, reference, moment)


def test_utc_minute_until_ends_at_the_last_occurrence_before_a_change() -> None:
    """Berlin's Monday 18:00 is 17:00 UTC until the last Monday before summer time."""
    weekly = WeeklyTime(MONDAY, hm(18), "Europe/Berlin")
    assert utc_minute_until(weekly, datetime(2026, 12, 7, tzinfo=UTC)) == (
        hm(17),
        datetime(2027, 3, 22, 17, tzinfo=UTC),
    )
    # A zone without changes: good for most of a year.
    _minute, until = utc_minute_until(WeeklyTime(MONDAY, hm(9), "Asia/Kolkata"), JUNE_1)
    assert until - JUNE_1 > timedelta(days=300)


@pytest.mark.parametrize("weekday", range(7))
@pytest.mark.parametrize("zone", ["UTC", "Pacific/Chatham", "America/Los_Angeles"])
def test_utc_minute_of_week_is_in_range(weekday: int, zone: str) -> None:
    for minute in range(0, 1440, 97):
        value = utc_minute_of_week(WeeklyTime(weekday, minute, zone), JUNE_1)
        assert 0 <= value < MINUTES_PER_WEEK


def test_minutes_apart_wraps_around_the_week() -> None:
    sunday_night = WeeklyTime(SUNDAY, hm(23), "UTC")
    monday_morning = WeeklyTime(MONDAY, hm(1), "UTC")
    assert minutes_apart(sunday_night, monday_morning, JUNE_1) == 120
    assert minutes_apart(monday_morning, sunday_night, JUNE_1) == 120


@pytest.mark.parametrize(
    "reference",
    [
        JUNE_1,
        datetime(2026, 6, 3, 12, tzinfo=UTC),
        datetime(2026, 6, 7, 23, 30, tzinfo=UTC),
        datetime(2026, 6, 8, 0, 30, tzinfo=UTC),
    ],
)
def test_minutes_apart_wrap_does_not_depend_on_reference(reference: datetime) -> None:
    sunday_night = WeeklyTime(SUNDAY, hm(23), "UTC")
    monday_morning = WeeklyTime(MONDAY, hm(1), "UTC")
    assert minutes_apart(sunday_night, monday_morning, reference) == 120


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (
            WeeklyTime(MONDAY, hm(18), "Europe/Berlin"),
            WeeklyTime(MONDAY, hm(12), "America/New_York"),
            0,
        ),
        (
            WeeklyTime(MONDAY, hm(18), "Europe/Berlin"),
            WeeklyTime(MONDAY, hm(18), "Europe/Berlin"),
            0,
        ),
        (WeeklyTime(MONDAY, hm(18), "UTC"), WeeklyTime(MONDAY, hm(21), "UTC"), 180),
        (WeeklyTime(MONDAY, hm(18), "UTC"), WeeklyTime(MONDAY, hm(21, 1), "UTC"), 181),
        (WeeklyTime(MONDAY, 0, "UTC"), WeeklyTime(3, hm(12), "UTC"), MINUTES_PER_WEEK // 2),
        (WeeklyTime(MONDAY, 0, "UTC"), WeeklyTime(3, hm(12, 1), "UTC"), MINUTES_PER_WEEK // 2 - 1),
        (WeeklyTime(MONDAY, hm(9), "Asia/Kolkata"), WeeklyTime(MONDAY, hm(3, 30), "UTC"), 0),
        (WeeklyTime(SUNDAY, hm(22), "America/New_York"), WeeklyTime(MONDAY, hm(1), "UTC"), 60),
        (WeeklyTime(MONDAY, 0, "Pacific/Chatham"), WeeklyTime(SUNDAY, hm(11), "UTC"), 15),
    ],
)
def test_minutes_apart(first: WeeklyTime, second: WeeklyTime, expected: int) -> None:
    assert minutes_apart(first, second, JUNE_1) == expected
    assert minutes_apart(second, first, JUNE_1) == expected


def test_minutes_apart_reflects_different_dst_calendars() -> None:
    """Between the US (8 March) and EU (29 March) changes, Berlin and New York are 5h apart."""
    berlin = WeeklyTime(MONDAY, hm(18), "Europe/Berlin")
    new_york = WeeklyTime(MONDAY, hm(12), "America/New_York")
    assert minutes_apart(berlin, new_york, datetime(2026, 3, 15, tzinfo=UTC)) == 60
    assert minutes_apart(berlin, new_york, datetime(2026, 4, 15, tzinfo=UTC)) == 0
    assert minutes_apart(berlin, new_york, datetime(2026, 1, 15, tzinfo=UTC)) == 0


def test_minutes_apart_is_never_more_than_half_a_week() -> None:
    base = WeeklyTime(MONDAY, 0, "UTC")
    for weekday in range(7):
        for minute in range(0, 1440, 53):
            other = WeeklyTime(weekday, minute, "Asia/Kathmandu")
            gap = minutes_apart(base, other, JUNE_1)
            assert 0 <= gap <= MINUTES_PER_WEEK // 2


def test_skipped_time_across_midnight_moves_into_the_next_day_once() -> None:
    """Nuuk jumps from Saturday 23:00 to Sunday 00:00, so Saturday 23:30 becomes Sunday 00:30."""
    weekly = WeeklyTime(5, hm(23, 30), "America/Nuuk")
    zone = ZoneInfo("America/Nuuk")
    found = chain(weekly, datetime(2026, 3, 10, tzinfo=UTC), datetime(2026, 4, 12, 12, tzinfo=UTC))
    local = [f"{instant.astimezone(zone):%Y-%m-%d %H:%M}" for instant in found]
    assert local == [
        "2026-03-14 23:30",
        "2026-03-21 23:30",
        "2026-03-29 00:30",
        "2026-04-04 23:30",
        "2026-04-11 23:30",
    ]
    assert found[2] == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_skipped_calendar_day_still_fires_once() -> None:
    """Samoa skipped Friday 30 December 2011; that week's Friday check-in lands once, later."""
    weekly = WeeklyTime(4, hm(10), "Pacific/Apia")
    found = chain(weekly, datetime(2011, 12, 10, tzinfo=UTC), datetime(2012, 1, 14, tzinfo=UTC))
    assert found == [
        datetime(2011, 12, 16, 20, tzinfo=UTC),
        datetime(2011, 12, 23, 20, tzinfo=UTC),
        datetime(2011, 12, 30, 20, tzinfo=UTC),
        datetime(2012, 1, 5, 20, tzinfo=UTC),
        datetime(2012, 1, 12, 20, tzinfo=UTC),
    ]
