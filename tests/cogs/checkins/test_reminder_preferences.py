"""`/profile reminders:` — each member chooses whether the day-before heads-up reaches them.

The check-in reminder itself always comes. A heads-up goes only to the partners who kept
it on; when both turned it off there is no heads-up at all. The choice is read when the
heads-up is drawn, so changing it a minute before still counts.
"""

from __future__ import annotations

from tests.helpers import (
    HOUR,
    Server,
    advance,
    messages_with,
    pair,
    pinged,
    reply,
)

FRIDAY = 4
NOON = {"timezone": "UTC", "checkin_day": FRIDAY, "checkin_time": "12:00"}


async def test_a_member_who_turned_the_heads_up_off_gets_only_the_checkin_reminder(
    ready: Server,
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob, **NOON)  # heads-up Thursday 12:00 UTC
    off = await alice.slash(ready.general, "profile", reminders="checkin_only")
    assert off.ephemeral and "only the check-in reminder" in reply(off)
    thread = ready.thread(partnership.thread_id)

    await advance(ready, 13 * HOUR)
    [heads_up] = messages_with(thread, "Heads-up")
    assert pinged(ready, heads_up) == {bob.id}
    assert bob.mention in heads_up.content and alice.mention not in heads_up.content

    await advance(ready, 24 * HOUR)  # Friday noon: the check-in reminder reaches both
    [due] = messages_with(thread, "it's check-in time")
    assert pinged(ready, due) == {alice.id, bob.id}
    assert not ready.errors()


async def test_no_heads_up_when_both_turned_it_off_and_back_on_it_comes(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob, **NOON)
    for member in (alice, bob):
        await member.slash(ready.general, "profile", reminders="checkin_only")
    thread = ready.thread(partnership.thread_id)

    await advance(ready, 37 * HOUR)  # past Thursday's heads-up and Friday's check-in
    assert messages_with(thread, "Heads-up") == []
    assert messages_with(thread, "it's check-in time")

    back = await alice.slash(ready.general, "profile", reminders="all")
    assert "a **heads-up** 24 hours before" in reply(back)
    await advance(ready, 6 * 24 * HOUR + HOUR)  # next Thursday noon
    [heads_up] = messages_with(thread, "Heads-up")
    assert pinged(ready, heads_up) == {alice.id}
    shown = await bob.slash(ready.general, "profile")
    assert "only the check-in reminder" in reply(shown)
    assert not ready.errors()
