"""`/pause start` and `/pause end`: a planned break is told apart from drifting away.

The pair checks in on Mondays at 18:00 Berlin time (17:00 UTC); the simulation starts on
Thursday 1 January 2026 at 00:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.errors import UserError
from bot.reminders import plan
from cogs.checkins.messages import ALONE, QUIET_NUDGE
from cogs.common.text import stamp
from tests.helpers import (
    DAY,
    Server,
    advance,
    advance_to,
    check_in,
    find,
    messages_with,
    pair,
    pinged,
    reply,
)

BREAK = "is taking a planned break"


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment of January 2026 (or later: day 32 is 1 February), in UTC."""
    return datetime(2026, 1, 1, hour, minute, tzinfo=UTC) + timedelta(days=day - 1)


async def pause(server: Server, member: Any, weeks: int) -> Any:
    return await member.slash(server.general, "pause start", weeks=weeks)


async def stored_pauses(server: Server) -> list[tuple[Any, ...]]:
    rows = await server.bot.store.db.fetch_all(
        "SELECT user_id, weeks, starts_at, ends_at FROM pauses ORDER BY id"
    )
    return [(r["user_id"], r["weeks"], r["starts_at"], r["ends_at"]) for r in rows]


async def test_the_partner_is_told_kindly_with_the_dates_in_their_own_zone(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await bob.slash(ready.general, "profile", timezone="America/New_York")
    thread = ready.thread(partnership.thread_id)

    started = await pause(ready, alice, 2)
    assert started.ephemeral
    assert f"Enjoy your break! You're back {stamp(at(15))}" in reply(started)
    assert "Your partner was told" in reply(started)
    [told] = messages_with(thread, BREAK)
    assert told.content.startswith(f"🌿 {bob.mention}, {alice.mention} {BREAK}, back ")
    assert f"back {stamp(at(15))}" in told.content  # each reader's own clock
    assert pinged(ready, told) == {bob.id}
    assert await stored_pauses(ready) == [(alice.id, 2, at(1).timestamp(), at(15).timestamp())]
    status = await bob.slash(ready.general, "partner status")
    back = f"<t:{int(at(15).timestamp())}:F>"  # each reader's own clock
    assert f"🌿 {alice.mention} is on a planned break until {back}" in reply(status)
    own = await alice.slash(ready.general, "partner status")
    assert f"🌿 You are on a planned break until {back}" in reply(own)


async def test_a_paused_member_gets_no_reminders_and_they_come_back_after(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    await pause(ready, alice, 1)  # until Thursday 8 January

    await advance_to(ready, at(5, 17, 1))  # past Sunday's heads-up and Monday's check-in
    [heads_up] = messages_with(thread, "Heads-up")
    assert pinged(ready, heads_up) == {bob.id} and alice.mention not in heads_up.content
    [due] = messages_with(thread, "it's check-in time")
    assert pinged(ready, due) == {bob.id} and alice.mention not in due.content
    assert ALONE in due.content

    await advance_to(ready, at(12, 17, 1))  # the pause is over: both are reminded again
    assert pinged(ready, messages_with(thread, "Heads-up")[-1]) == {alice.id, bob.id}
    assert pinged(ready, messages_with(thread, "it's check-in time")[-1]) == {alice.id, bob.id}
    assert not ready.errors()


async def test_no_reminder_at_all_while_both_are_on_a_break(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    for member in (alice, bob):
        await pause(ready, member, 1)
    await advance_to(ready, at(6))
    thread = ready.thread(partnership.thread_id)
    assert messages_with(thread, "Heads-up") == []
    assert messages_with(thread, "it's check-in time") == []


async def test_the_quiet_clock_stands_still_during_a_pause(ready: Server) -> None:
    """Bob pauses two weeks at once: his nudge comes 14 quiet days after it, not before."""
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    await pause(ready, bob, 2)  # until 15 January
    for monday in (5, 12, 19, 26):  # alice checks in every week
        await advance_to(ready, at(monday, 17, 30))
        await check_in(ready, alice)
    await advance_to(ready, at(28, 23))  # 27 days: without the pause, nudged on day 15
    assert messages_with(thread, QUIET_NUDGE) == []
    assert messages_with(thread, "quiet for three weeks") == []
    assert messages_with(thread, "for three weeks only") == []

    await advance_to(ready, at(29, 1))  # 14 unpaused quiet days
    [nudge] = messages_with(thread, QUIET_NUDGE)
    assert nudge.content.startswith(bob.mention) and pinged(ready, nudge) == {bob.id}

    await advance_to(ready, at(33, 17, 30))
    await check_in(ready, alice)
    await advance_to(ready, at(35, 23))
    assert messages_with(thread, "quiet for three weeks") == []
    await advance_to(ready, at(36, 1))  # 21 unpaused quiet days: alice may switch
    [offer] = messages_with(thread, "quiet for three weeks")
    assert offer.content.startswith(alice.mention) and pinged(ready, offer) == {alice.id}


async def test_paused_weeks_neither_count_nor_break_the_streak(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await pair(ready, alice, bob)
    for monday in (5, 12):
        await advance_to(ready, at(monday, 17, 30))
        await check_in(ready, alice)
    await advance_to(ready, at(13, 12))
    await pause(ready, alice, 2)  # the check-ins of 19 and 26 January fall in it

    await advance_to(ready, at(25))  # without the pause the streak ended on the 23rd
    status = await alice.slash(ready.general, "partner status")
    assert "Your streak: **2 weeks**" in reply(status)
    stored = await ready.bot.store.db.fetch_value(
        "SELECT streak FROM leaderboard WHERE user_id = ?", (alice.id,)
    )
    assert stored == 2  # the leaderboard's streak did not end either

    await advance_to(ready, at(33, 17, 30))  # Monday 2 February: back, and checking in
    await check_in(ready, alice)
    status = await alice.slash(ready.general, "partner status")
    assert "Your streak: **3 weeks**" in reply(status)


async def test_at_most_two_paused_weeks_in_any_eight(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    await pause(ready, alice, 2)  # 1 to 15 January

    await advance_to(ready, at(2))
    again = await pause(ready, alice, 1)
    assert again.ephemeral and "already on a break" in reply(again)

    await advance_to(ready, at(16))
    refused = await pause(ready, alice, 1)
    assert refused.ephemeral
    assert "At most 2 weeks in any 8 can be paused" in reply(refused)
    assert "A 1-week pause fits from Thursday 26 February, 01:00 (Europe/Berlin)" in reply(refused)
    assert len(await stored_pauses(ready)) == 1
    assert len(messages_with(thread, BREAK)) == 1

    await advance_to(ready, at(57))  # Thursday 26 February
    allowed = await pause(ready, alice, 1)
    assert "Enjoy your break!" in reply(allowed)
    assert len(messages_with(thread, BREAK)) == 2
    assert {type(error) for error in ready.errors()} == {UserError}


async def test_coming_back_early_tells_the_partner_and_frees_the_allowance(
    ready: Server,
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    not_yet = await alice.slash(ready.general, "pause end")
    assert not_yet.ephemeral and "not on a break" in reply(not_yet)
    await pause(ready, alice, 2)
    [started] = messages_with(thread, BREAK)
    assert pinged(ready, started) == set()  # 01:00 in Berlin: bob is told, not woken

    await advance_to(ready, at(2, 9))
    back = await alice.slash(ready.general, "pause end")
    assert back.ephemeral and "Welcome back!" in reply(back)
    [told] = messages_with(thread, "is back from their break early")
    assert told.content.startswith(f"👋 {bob.mention}, {alice.mention}")
    assert pinged(ready, told) == {bob.id}  # 10:00 in Berlin
    assert await stored_pauses(ready) == [(alice.id, 2, at(1).timestamp(), at(2, 9).timestamp())]

    await advance_to(ready, at(5, 17, 1))  # her reminders are back
    assert pinged(ready, messages_with(thread, "it's check-in time")[-1]) == {alice.id, bob.id}
    # One day used of two weeks: a one-week break fits, a two-week one does not yet.
    assert "At most 2 weeks" in reply(await pause(ready, alice, 2))
    assert "Enjoy your break!" in reply(await pause(ready, alice, 1))
    assert {type(error) for error in ready.errors()} == {UserError}


async def test_only_a_member_with_a_partner_can_pause(ready: Server) -> None:
    alice, bob, carol = ready.member("alice"), ready.member("bob"), ready.member("carol")
    await pair(ready, alice, bob)
    await pause(ready, alice, 1)
    outsider = await pause(ready, carol, 1)
    assert outsider.ephemeral and "partner" in reply(outsider).lower()
    assert [row[0] for row in await stored_pauses(ready)] == [alice.id]
    assert {type(error) for error in ready.errors()} == {UserError}


async def test_the_partner_is_told_once_discord_works_again(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    ready.env.inject_error("POST", f"/channels/{partnership.thread_id}/messages", status=500)
    started = await pause(ready, alice, 1)
    assert "Your partner will be told" in reply(started) and "as soon as it can" in reply(started)
    thread = ready.thread(partnership.thread_id)
    assert messages_with(thread, BREAK) == []
    await advance(ready, 5 * 60)
    await advance(ready, DAY)
    assert len(messages_with(thread, BREAK)) == 1


async def test_one_holiday_pauses_two_courses_but_breaks_in_turn_share_one_allowance(
    ready: Server,
) -> None:
    alice, bob, carol = ready.member("alice"), ready.member("bob"), ready.member("carol")
    python = await pair(ready, alice, bob)
    await find(ready, alice, course="Statistics")
    await find(ready, carol, course="Statistics")
    [statistics] = [
        p
        for p in await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id)
        if p.id != python.id
    ]
    await alice.slash(ready.general, "pause start", weeks=2, course="Intro to Python")
    await advance(ready, 3600)  # an hour later, the same holiday in her other course
    joined = await alice.slash(ready.general, "pause start", weeks=2, course="Statistics")
    assert f"Enjoy your break! You're back {stamp(at(15))}" in reply(joined)
    [to_bob] = messages_with(ready.thread(python.thread_id), BREAK)
    [to_carol] = messages_with(ready.thread(statistics.thread_id), BREAK)
    assert to_bob.content.startswith(f"🌿 {bob.mention}") and carol.mention in to_carol.content
    assert pinged(ready, to_bob) == pinged(ready, to_carol) == set()  # at night in Berlin
    [first, second] = await stored_pauses(ready)
    assert second[3] == first[3]  # joined: it ends with the first, costing nothing more

    await alice.slash(ready.general, "pause end", course="Statistics")
    await advance_to(ready, at(16))  # the holiday is over; a break in turn is refused
    refused = await alice.slash(ready.general, "pause start", weeks=1, course="Statistics")
    assert "At most 2 weeks in any 8 can be paused" in reply(refused)
    assert len(await stored_pauses(ready)) == 2
    assert {type(error) for error in ready.errors()} == {UserError}


async def test_repeated_presses_pause_and_come_back_once(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    first = await pause(ready, alice, 1)
    repeated = await pause(ready, alice, 1)  # a double press, or Discord retrying
    assert "Enjoy your break" in reply(first)
    assert "You are already on a break until" in reply(repeated)
    assert len(await stored_pauses(ready)) == 1 and len(messages_with(thread, BREAK)) == 1

    await advance(ready, 3600)
    back = await alice.slash(ready.general, "pause end")
    again = await alice.slash(ready.general, "pause end")
    assert "Welcome back!" in reply(back)
    assert "You are already back from your break" in reply(again)
    assert len(messages_with(thread, "is back from their break early")) == 1


async def test_a_break_ends_with_its_partnership(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await pair(ready, alice, bob)
    await pause(ready, alice, 2)
    await advance_to(ready, at(3))
    await bob.slash(ready.general, "partner end")
    assert await stored_pauses(ready) == [(alice.id, 2, at(1).timestamp(), at(3).timestamp())]


async def test_a_plan_made_before_a_pause_is_not_stored_after_it(ready: Server) -> None:
    """The reminders job read the pair, then bob paused, then the job came to store its plan."""
    alice, bob = ready.member("alice"), ready.member("bob")
    await pair(ready, alice, bob)
    await advance_to(ready, at(14, 23))  # both quiet since pairing: nudges due at midnight
    store = ready.bot.store.reminders
    [state] = await store.due(at(15, 0, 1))
    await pause(ready, bob, 1)
    assert not await store.apply(state, plan(state, at(15, 0, 1)), at(15, 0, 1))

    await advance_to(ready, at(15, 1))  # planned afresh: alice is nudged, bob is not
    nudged = await ready.bot.store.db.fetch_all(
        "SELECT member_id FROM outbox WHERE kind = 'nudge' ORDER BY member_id"
    )
    assert [row["member_id"] for row in nudged] == [alice.id]
