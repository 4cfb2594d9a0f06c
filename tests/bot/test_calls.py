"""When a voice room closes and when a call counts (`bot.calls`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.calls import Stay, closes_at, counts, time_together, whole_minutes

OPENED = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
LENA, MARCUS, OTHER = 1, 2, 3


def at(minutes: float) -> datetime:
    return OPENED + timedelta(minutes=minutes)


def test_time_together_is_the_overlap_of_both_partners_stays() -> None:
    stays = [Stay(LENA, at(0), at(20)), Stay(MARCUS, at(5), at(30))]
    assert time_together(stays, (LENA, MARCUS), at(40)) == timedelta(minutes=15)


def test_a_partner_who_drops_and_rejoins_keeps_the_minutes_already_spoken() -> None:
    stays = [
        Stay(LENA, at(0), None),
        Stay(MARCUS, at(0), at(6)),
        Stay(MARCUS, at(6), at(7)),  # a reconnect touching the stay before
        Stay(MARCUS, at(8), None),
    ]
    together = time_together(stays, (LENA, MARCUS), at(12))
    assert together == timedelta(minutes=11)
    assert counts(together) and whole_minutes(together) == 11


def test_someone_else_in_the_room_adds_nothing_and_time_alone_counts_nothing() -> None:
    stays = [Stay(LENA, at(0), at(30)), Stay(OTHER, at(0), at(30)), Stay(MARCUS, at(25), at(40))]
    together = time_together(stays, (LENA, MARCUS), at(40))
    assert together == timedelta(minutes=5) and not counts(together)


def test_ten_minutes_together_count_and_nine_and_a_half_do_not() -> None:
    assert counts(timedelta(minutes=10))
    assert not counts(timedelta(minutes=9, seconds=30))


def test_an_unused_room_closes_after_thirty_minutes() -> None:
    assert closes_at(OPENED, []) == at(30)


def test_a_room_closes_five_minutes_after_the_last_partner_left() -> None:
    stays = [Stay(LENA, at(2), at(14)), Stay(MARCUS, at(3), at(12))]
    assert closes_at(OPENED, stays) == at(19)


def test_a_room_in_use_closes_two_hours_after_it_opened_at_the_latest() -> None:
    assert closes_at(OPENED, [Stay(LENA, at(1), None)]) == at(120)
    assert closes_at(OPENED, [Stay(LENA, at(1), at(118))]) == at(120)
