"""Night in a member's own zone: when a notice that can wait pings nobody."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.quiet_hours import awake, is_night

BERLIN = "Europe/Berlin"


@pytest.mark.parametrize(
    ("utc_hour", "utc_minute", "night"),
    [
        (20, 59, False),  # 21:59 in Berlin (winter, UTC+1)
        (21, 0, True),  # 22:00
        (23, 0, True),  # midnight
        (6, 59, True),  # 07:59
        (7, 0, False),  # 08:00
    ],
)
def test_night_runs_from_22_to_8_on_the_member_s_clock(
    utc_hour: int, utc_minute: int, night: bool
) -> None:
    assert is_night(datetime(2026, 1, 9, utc_hour, utc_minute, tzinfo=UTC), BERLIN) is night


def test_summer_time_moves_the_night_with_the_clock() -> None:
    """At 21:30 UTC it is 22:30 in a Berlin winter but 23:30 in summer: night both times;
    at 06:30 UTC it is 07:30 in winter (night) and 08:30 in summer (day)."""
    assert is_night(datetime(2026, 1, 9, 21, 30, tzinfo=UTC), BERLIN)
    assert is_night(datetime(2026, 7, 9, 21, 30, tzinfo=UTC), BERLIN)
    assert is_night(datetime(2026, 1, 9, 6, 30, tzinfo=UTC), BERLIN)
    assert not is_night(datetime(2026, 7, 9, 6, 30, tzinfo=UTC), BERLIN)


def test_only_members_awake_in_their_own_zone_may_be_pinged() -> None:
    """23:00 UTC: midnight in Berlin, 18:00 in New York, 08:00 the next day in Tokyo; a
    member whose zone is unknown counts as awake."""
    now = datetime(2026, 1, 9, 23, 0, tzinfo=UTC)
    zones = {1: BERLIN, 2: "America/New_York", 3: "Asia/Tokyo"}
    assert awake((1, 2, 3, 4), zones, now) == (2, 3, 4)
