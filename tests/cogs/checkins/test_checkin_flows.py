"""Quiet partners, one-sided effort, the two-week question, schedule changes and DST."""

from __future__ import annotations

from datetime import UTC, datetime

import discord

from bot.errors import UserError
from cogs.checkins.messages import QUIET_NUDGE
from tests.helpers import (
    ANSWERS,
    DAY,
    WEEK,
    Server,
    advance,
    advance_to,
    find,
    messages_with,
    pair,
    reply,
)


async def test_quiet_partner_gets_one_nudge_then_the_other_a_rematch_button(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob, pace=8)
    thread = ready.thread(partnership.thread_id)
    for _ in range(2):  # alice checks in each week; bob stays quiet
        await alice.submit_modal(await alice.slash(ready.general, "checkin"), ANSWERS)
        await advance(ready, WEEK)
    # 14 days after pairing bob has never checked in
    [nudge] = messages_with(thread, QUIET_NUDGE)
    assert nudge.content.startswith(bob.mention)
    assert messages_with(thread, "quiet for three weeks") == []
    await alice.submit_modal(await alice.slash(ready.general, "checkin"), ANSWERS)
    await advance(ready, WEEK)
    assert len(messages_with(thread, QUIET_NUDGE)) == 1  # once per episode
    [offer] = messages_with(thread, "quiet for three weeks")
    assert offer.content.startswith(alice.mention)

    intruder = await bob.click(offer, label="End and find a new partner")
    assert intruder.ephemeral and f"This offer is for {alice.mention}" in reply(intruder)

    carol = ready.member("carol")
    await find(ready, carol, pace=9)  # waiting in the course already
    done = await alice.click(offer, label="End and find a new partner")
    assert done.ephemeral and f"You're paired with {carol.mention}" in reply(done)
    [new] = await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id)
    assert set(new.members) == {alice.id, carol.id}
    assert await ready.bot.store.partnerships.active_partnerships(ready.guild.id, bob.id) == []
    again = await find(ready, bob)
    assert "added you to the queue" in reply(again)
    # Priority goes to the member who was let down, not to the quiet one.
    assert (
        await ready.bot.store.db.fetch_value(
            "SELECT priority FROM queue_entries WHERE user_id = ?", (bob.id,)
        )
        == 0
    )
    assert {type(e) for e in ready.errors()} <= {UserError}


async def test_one_sided_effort_note_and_switch_offer_once(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    await advance_to(ready, datetime(2026, 1, 5, 17, 30, tzinfo=UTC))
    for _ in range(3):
        await alice.submit_modal(await alice.slash(ready.general, "checkin"), ANSWERS)
        await advance(ready, WEEK)
    [note] = messages_with(thread, "only")
    assert "for three weeks only" in note.content and alice.mention in note.content
    assert note.components
    for _ in range(2):  # the same one-sided spell goes on: no second note
        await alice.submit_modal(await alice.slash(ready.general, "checkin"), ANSWERS)
        await advance(ready, WEEK)
    assert len(messages_with(thread, "for three weeks only")) == 1


async def test_two_week_question_keep_and_switch(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    await advance(ready, 14 * DAY - 120)
    assert messages_with(thread, "keep going together?") == []
    await ready.env.advance_time(180)
    [question] = messages_with(thread, "keep going together?")

    mallory = ready.member("mallory")
    thread_handle = await ready.bot.fetch_channel(partnership.thread_id)
    await thread_handle.add_user(
        discord.Object(id=mallory.id)
    )  # a moderator adds someone to the thread
    refused = await mallory.click(question, label="Keep")
    assert refused.ephemeral and "Only the two partners" in reply(refused)

    keep = await alice.click(question, label="Keep")
    assert keep.ephemeral and "Noted" in reply(keep)
    [redrawn] = messages_with(thread, "keep going together?")
    assert f"{alice.mention} chose **Keep**" in redrawn.content and redrawn.components
    posted = len(thread.history())
    again = await alice.click(question, label="Keep")  # a second press posts nothing
    assert again.ephemeral and "already chose **Keep**" in reply(again)
    assert len(thread.history()) == posted
    switched = await bob.click(question, label="Switch")
    assert switched.ephemeral and "first in line for your next match" in reply(switched)
    assert "already waiting" in reply(switched)  # requeued at once, and told so truthfully
    assert await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id) == []
    assert "one of you chose to switch" in thread.history()[-1].content
    [decided] = messages_with(thread, "keep going together?")
    assert f"{bob.mention} chose **Switch**" in decided.content and not decided.components
    assert len(thread.history()) == posted + 1  # only the farewell was added
    assert await ready.bot.store.queue.queued_courses(ready.guild.id, bob.id) == ["Intro to Python"]
    await advance(ready, WEEK)
    assert len(messages_with(thread, "keep going together?")) == 1
    assert {type(e) for e in ready.errors()} <= {UserError}


async def test_a_switch_interrupted_before_the_pair_ended_is_finished_by_pressing_again(
    ready: Server,
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await advance(ready, 14 * DAY + 60)
    [question] = messages_with(ready.thread(partnership.thread_id), "keep going together?")
    # A crash right after bob's answer was stored, before the pair was ended.
    async with ready.bot.store.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO trial_answers VALUES (?, ?, 'switch')", (partnership.id, bob.id)
        )
    again = await bob.click(question, label="Switch")
    assert "first in line" in reply(again)
    assert await ready.bot.store.partnerships.active_partnerships(ready.guild.id, bob.id) == []


async def test_both_keep(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await advance(ready, 14 * DAY + 60)
    [question] = messages_with(ready.thread(partnership.thread_id), "keep going together?")
    await alice.click(question, label="Keep")
    both = await bob.click(question, label="Keep")
    assert both.ephemeral and "You both chose to keep going" in reply(both)
    [decided] = messages_with(ready.thread(partnership.thread_id), "keep going together?")
    assert not decided.components  # decided: the buttons are gone
    assert (
        len(await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id)) == 1
    )
    await advance(ready, 3 * WEEK)  # the pair goes on; the question is not asked again
    assert len(messages_with(ready.thread(partnership.thread_id), "keep going together?")) == 1


async def test_schedule_change_needs_the_partner(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    bad = await alice.slash(
        ready.general,
        "checkin_schedule",
        checkin_day=3,
        checkin_time="7:99",
        timezone="Asia/Kolkata",
    )
    assert bad.ephemeral and "not a time" in reply(bad)
    asked = await alice.slash(
        ready.general,
        "checkin_schedule",
        checkin_day=3,
        checkin_time="07:30",
        timezone="Asia/Kolkata",
    )
    assert asked.ephemeral and "Thursday 07:30 (Asia/Kolkata)" in reply(asked)
    [proposal] = messages_with(thread, "proposes a new check-in time")
    own = await alice.click(proposal, label="Confirm")
    assert own.ephemeral and "Your partner has to confirm" in reply(own)
    still = await ready.bot.store.partnerships.partnership(partnership.id)
    assert still is not None and still.weekly == partnership.weekly

    await bob.click(proposal, label="Confirm")
    changed = await ready.bot.store.partnerships.partnership(partnership.id)
    assert changed is not None and changed.weekly.label() == "Thursday 07:30 (Asia/Kolkata)"
    # Thursday 07:30 in Kolkata is 02:00 UTC; the old Monday 17:00 UTC reminder no longer comes.
    await advance_to(ready, datetime(2026, 1, 8, 2, 1, tzinfo=UTC))
    due = [m.created_at.replace(second=0) for m in messages_with(thread, "it's check-in time")]
    assert due == [datetime(2026, 1, 1, 2, 0, tzinfo=UTC), datetime(2026, 1, 8, 2, 0, tzinfo=UTC)]
    assert {type(e) for e in ready.errors()} == {UserError}


async def test_dst_week_reminds_exactly_once_at_the_local_time(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    # Sunday 02:30 in Berlin does not exist on 2026-03-29; it falls at 03:30 CEST (01:30 UTC).
    partnership = await pair(ready, alice, bob, checkin_day=6, checkin_time="02:30")
    await advance_to(ready, datetime(2026, 3, 21, 0, 0, tzinfo=UTC))
    thread = ready.thread(partnership.thread_id)
    before = len(messages_with(thread, "it's check-in time"))
    await advance_to(ready, datetime(2026, 4, 6, 0, 0, tzinfo=UTC))
    times = [m.created_at.replace(second=0) for m in messages_with(thread, "it's check-in time")][
        before:
    ]
    assert times == [
        datetime(2026, 3, 22, 1, 30, tzinfo=UTC),  # 02:30 CET
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # the skipped hour: 03:30 CEST, once
        datetime(2026, 4, 5, 0, 30, tzinfo=UTC),  # 02:30 CEST
    ]
