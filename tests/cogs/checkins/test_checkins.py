"""Check-ins and the reminder loop, driven through the real bot with virtual time.

SimCord's clock starts on Thursday 2026-01-01 00:00 UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import discord

from bot.app import TandemBot
from bot.errors import UserError
from bot.reminders import heads_up_at
from tests.helpers import (
    ANSWERS,
    DAY,
    HOUR,
    Server,
    advance_to,
    assert_short,
    check_in,
    messages_with,
    pair,
    reply,
)


async def test_checkin_posts_an_embed_in_the_thread_and_a_second_replaces_it(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)

    done = await check_in(ready, alice, blockers="Too little sleep @everyone")
    assert done.ephemeral and "posted" in reply(done)
    assert "Chapter 3" not in reply(done)  # the answers stay in the thread
    [posted] = [m for m in thread.history() if m.embeds]
    fields = {f.name: f.value for f in posted.embeds[0].fields}
    assert fields["What did you complete?"] == "Chapter 3 exercises"
    assert fields["What is blocking you?"] == "Too little sleep @everyone"
    assert not posted.mention_everyone

    again = await check_in(ready, alice, completed="Chapter 3 and 4")
    assert "updated" in reply(again)
    [replaced] = [m for m in thread.history() if m.embeds]
    assert replaced.id == posted.id
    assert replaced.embeds[0].fields[0].value == "Chapter 3 and 4"
    assert await ready.bot.store.db.fetch_value("SELECT COUNT(*) FROM checkins") == 1
    for channel in (ready.general, ready.leaderboard):
        assert all("Chapter 3" not in str(m.embeds) + m.content for m in channel.history())


async def test_checkin_outside_a_partnership_and_empty_answers(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    lonely = await alice.slash(ready.general, "checkin")
    assert lonely.ephemeral and "don't have an active partner" in reply(lonely)
    await pair(ready, alice, bob)
    blank = await check_in(ready, alice, completed="   ")
    assert blank.ephemeral and "Please answer" in reply(blank)
    assert await ready.bot.store.db.fetch_value("SELECT COUNT(*) FROM checkins") == 0
    assert {type(e) for e in ready.errors()} == {UserError}


async def test_reminders_arrive_at_each_pairs_local_time_once(ready: Server) -> None:
    alice, bob, carol, dan = (ready.member(n) for n in ("alice", "bob", "carol", "dan"))
    berlin = await pair(ready, alice, bob)  # Monday 18:00 Europe/Berlin = 17:00 UTC in January
    york = await pair(
        ready,
        carol,
        dan,
        course="Statistics",
        timezone="America/New_York",
        checkin_day=1,
        checkin_time="09:00",
    )  # Tuesday 09:00 New York = 14:00 UTC
    berlin_thread, york_thread = ready.thread(berlin.thread_id), ready.thread(york.thread_id)

    # The day before, within the hour before (each pair at its own minute).
    heads_up_due = heads_up_at(berlin.id, datetime(2026, 1, 5, 17, tzinfo=UTC))
    assert (
        datetime(2026, 1, 4, 16, tzinfo=UTC) <= heads_up_due <= datetime(2026, 1, 4, 17, tzinfo=UTC)
    )
    await advance_to(ready, heads_up_due - timedelta(minutes=1))
    assert messages_with(berlin_thread, "Heads-up") == []
    await advance_to(ready, heads_up_due + timedelta(minutes=1))
    [heads_up] = messages_with(berlin_thread, "Heads-up")
    assert f"{alice.mention}" in heads_up.content
    assert f"<t:{int(datetime(2026, 1, 5, 17, tzinfo=UTC).timestamp())}:F>" in heads_up.content

    await advance_to(ready, datetime(2026, 1, 5, 16, 59, tzinfo=UTC))
    assert messages_with(berlin_thread, "it's check-in time") == []
    await advance_to(ready, datetime(2026, 1, 5, 17, 1, tzinfo=UTC))
    [due] = messages_with(berlin_thread, "it's check-in time")
    assert due.created_at.replace(second=0) == datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
    assert messages_with(york_thread, "it's check-in time") == []

    await advance_to(ready, datetime(2026, 1, 6, 14, 1, tzinfo=UTC))
    [york_due] = messages_with(york_thread, "it's check-in time")
    assert york_due.created_at.replace(second=0) == datetime(2026, 1, 6, 14, 0, tzinfo=UTC)

    await advance_to(ready, datetime(2026, 1, 13, 0, 0, tzinfo=UTC))
    assert len(messages_with(berlin_thread, "it's check-in time")) == 2
    assert len(messages_with(berlin_thread, "Heads-up")) == 2
    assert len(messages_with(york_thread, "it's check-in time")) == 1


async def test_check_in_button_opens_the_form(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await advance_to(ready, datetime(2026, 1, 5, 17, 1, tzinfo=UTC))
    [due] = messages_with(ready.thread(partnership.thread_id), "it's check-in time")
    shown = await bob.click(due, label="Check in")
    assert shown.modal is not None
    await bob.submit_modal(shown, ANSWERS)
    week = await ready.bot.store.db.fetch_value(
        "SELECT week_at FROM checkins WHERE guild_id = ? AND user_id = ?", (ready.guild.id, bob.id)
    )
    assert week == datetime(2026, 1, 5, 17, tzinfo=UTC).timestamp()
    status = await bob.slash(ready.general, "partner status")
    assert "Your streak: **1 week**" in reply(status)


async def test_no_duplicate_across_restart(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await advance_to(ready, datetime(2026, 1, 5, 17, 1, tzinfo=UTC))
    await ready.env.restart_bot(make_bot())
    await ready.env.advance_time(2 * HOUR)
    await ready.env.restart_bot(make_bot())
    await ready.env.advance_time(2 * HOUR)
    thread = ready.thread(partnership.thread_id)
    assert len(messages_with(thread, "it's check-in time")) == 1
    assert len(messages_with(thread, "Heads-up")) == 1


async def test_failed_send_is_retried_next_tick(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await advance_to(ready, datetime(2026, 1, 5, 16, 59, tzinfo=UTC))
    ready.env.inject_error("POST", f"/channels/{partnership.thread_id}/messages", status=500)
    await ready.env.advance_time(90)  # 17:00:30: the first send fails
    thread = ready.thread(partnership.thread_id)
    assert messages_with(thread, "it's check-in time") == []
    await ready.env.advance_time(60)
    [due] = messages_with(thread, "it's check-in time")
    assert due.created_at > datetime(2026, 1, 5, 17, 0, 30, tzinfo=UTC)
    await ready.env.advance_time(DAY)
    assert len(messages_with(thread, "it's check-in time")) == 1


async def test_crash_after_sending_does_not_post_again(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    """Discord posted the message but the bot never heard back (a crash or a lost reply)."""
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await advance_to(ready, datetime(2026, 1, 5, 16, 59, tzinfo=UTC))
    store = ready.bot.store
    await ready.env.advance_time(90)
    # Rewind the record to what a crash between sending and recording leaves behind.
    async with store.db.transaction() as conn:
        await conn.execute("UPDATE outbox SET status = 'attempted' WHERE kind = 'checkin'")
    await ready.env.restart_bot(make_bot())
    await ready.env.advance_time(HOUR)
    assert len(messages_with(ready.thread(partnership.thread_id), "it's check-in time")) == 1
    assert (
        await ready.bot.store.db.fetch_value("SELECT status FROM outbox WHERE kind = 'checkin'")
        == "sent"
    )


async def test_reminder_missed_while_down_is_posted_once_late(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await advance_to(ready, datetime(2026, 1, 3, 0, 0, tzinfo=UTC))
    ready.bot.get_cog("SchedulerCog").loop.cancel()  # the bot goes down
    await advance_to(ready, datetime(2026, 1, 5, 20, 0, tzinfo=UTC))
    thread = ready.thread(partnership.thread_id)
    assert messages_with(thread, "it's check-in time") == []
    await ready.env.restart_bot(make_bot())  # back up three hours late
    await ready.env.advance_time(HOUR)
    [late] = messages_with(thread, "it's check-in time")
    assert late.created_at >= datetime(2026, 1, 5, 20, 0, tzinfo=UTC)
    await ready.env.advance_time(DAY)
    assert len(messages_with(thread, "it's check-in time")) == 1


async def test_archived_thread_is_unarchived_and_deleted_thread_recreated(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = await ready.bot.fetch_channel(partnership.thread_id)
    assert isinstance(thread, discord.Thread)
    await thread.edit(archived=True)
    await advance_to(ready, datetime(2026, 1, 4, 17, 1, tzinfo=UTC))
    assert len(messages_with(ready.thread(partnership.thread_id), "Heads-up")) == 1

    ready.env.backend.delete_channel(partnership.thread_id)  # a moderator deletes the thread
    await advance_to(ready, datetime(2026, 1, 5, 17, 1, tzinfo=UTC))
    [renewed] = await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id)
    assert renewed.thread_id != partnership.thread_id
    new_thread = ready.thread(renewed.thread_id)
    [told] = messages_with(new_thread, "previous partner thread was deleted")
    assert alice.mention in told.content and bob.mention in told.content
    assert_short(told.content)
    assert len(messages_with(new_thread, "it's check-in time")) == 1
