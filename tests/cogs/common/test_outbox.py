"""Every message that goes with a stored change: queued with it, delivered once, never lost.

A Discord outage while a command posts delays the partner's notice; the member's reply
says what was stored, and running the command again stores nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import TandemBot
from bot.errors import UserError
from bot.models import OutboxStatus
from bot.reminders import heads_up_at
from cogs.common import outbox as outbox_module
from tests.helpers import (
    DAY,
    HOUR,
    Server,
    add,
    advance,
    advance_to,
    check_in,
    goal,
    invitation_message,
    messages_with,
    only_milestone,
    pair,
    reply,
    request,
)


def outage(server: Server, channel_id: int, times: int = 2) -> None:
    """Discord refuses the next `times` messages in this channel."""
    server.env.inject_error("POST", f"/channels/{channel_id}/messages", status=503, times=times)


async def test_milestone_add_during_an_outage_is_stored_once_and_told_once(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    goal_id = await goal(ready, alice)
    outage(ready, partnership.thread_id)

    added = await add(ready, alice, goal_id, pledge=5.0)
    assert added.ephemeral and "Milestone **Chapter 4** added" in reply(added)
    assert "will be told" in reply(added)
    retried = await add(ready, alice, goal_id, pledge=5.0)  # "try again", as members do
    assert "already added" in reply(retried)
    mine = await ready.bot.store.milestones.milestones_of(ready.guild.id, alice.id, open_only=False)
    assert len(mine) == 1
    thread = ready.thread(partnership.thread_id)
    assert messages_with(thread, "set a milestone") == []

    await advance(ready, 10 * 60)  # the outage ends; the loop retries
    [told] = messages_with(thread, "set a milestone")
    assert bob.mention in told.content and "Chapter 4" in told.content
    await advance(ready, HOUR)
    assert len(messages_with(thread, "set a milestone")) == 1


async def test_a_done_request_waits_out_an_outage_and_its_buttons_work(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await add(ready, alice, await goal(ready, alice), due="2026-01-20")
    milestone = await only_milestone(ready, alice)
    outage(ready, partnership.thread_id)
    asked = await alice.slash(ready.general, "milestone done", milestone=str(milestone.id))
    assert "saved" in reply(asked) and "as soon as it can" in reply(asked)
    again = await alice.slash(ready.general, "milestone done", milestone=str(milestone.id))
    assert "already asked" in reply(again)
    assert await ready.bot.store.db.fetch_value("SELECT COUNT(*) FROM milestone_requests") == 1
    await advance(ready, 10 * 60)
    thread = ready.thread(partnership.thread_id)
    [question] = messages_with(thread, "is done!")
    await bob.click(question, label="Confirm")
    confirmed = await ready.bot.store.milestones.milestone(milestone.id)
    assert confirmed is not None and confirmed.status == "confirmed"
    assert len(ready.leaderboard.history()) == 1


async def test_schedule_proposal_and_settlement_wait_out_an_outage(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await add(ready, alice, await goal(ready, alice), pledge=3.0)
    await advance_to(ready, datetime(2026, 1, 4, 0, 0, tzinfo=UTC))  # missed: 3 points in the pool
    thread = ready.thread(partnership.thread_id)
    outage(ready, partnership.thread_id, times=4)
    for _ in range(2):
        await alice.slash(
            ready.general,
            "checkin_schedule",
            checkin_day=3,
            checkin_time="07:30",
            timezone="Asia/Kolkata",
        )
        await alice.slash(ready.general, "pool settle", note="Pizza")
    assert await ready.bot.store.db.fetch_value("SELECT COUNT(*) FROM schedule_proposals") == 1
    assert await ready.bot.store.db.fetch_value("SELECT COUNT(*) FROM settle_proposals") == 1
    assert messages_with(thread, "proposes") == []
    await advance(ready, HOUR)
    [schedule] = messages_with(thread, "proposes a new check-in time")
    [settle] = messages_with(thread, "proposes settling the pool")
    await bob.click(schedule, label="Confirm")
    await bob.click(settle, label="Confirm")
    assert await ready.bot.store.ledger.balance(partnership.id) == 0
    changed = await ready.bot.store.partnerships.partnership(partnership.id)
    assert changed is not None and changed.weekly.label() == "Thursday 07:30 (Asia/Kolkata)"


async def test_an_invitation_during_an_outage_is_posted_once_and_asking_again_is_refused(
    ready: Server,
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    outage(ready, ready.general.id)
    first = await request(ready, alice, bob)
    assert first.ephemeral and "is saved" in reply(first)
    again = await request(ready, alice, bob)
    assert again.ephemeral and "already invited" in reply(again)
    await advance(ready, 10 * 60)
    [posted] = [m for m in ready.general.history() if "would like you" in m.content]
    await bob.click(posted, label="Accept")
    assert len(await ready.bot.store.partnerships.active_partnerships(ready.guild.id, bob.id)) == 1
    assert [type(e) for e in ready.errors()] == [UserError]


async def test_ending_during_an_outage_says_goodbye_later_and_closes_the_thread(
    ready: Server,
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    outage(ready, partnership.thread_id)
    ended = await alice.slash(ready.general, "partner end", reason="New job")
    assert "has ended" in reply(ended) and "as soon as Discord lets me" in reply(ended)
    assert await ready.bot.store.partnerships.active_partnerships(ready.guild.id, bob.id) == []
    await advance(ready, 10 * 60)
    thread = ready.thread(partnership.thread_id)
    [goodbye] = messages_with(thread, "ended this partnership")
    assert "New job" in goodbye.content
    channel = await ready.bot.fetch_channel(partnership.thread_id)
    assert channel.archived and channel.locked


async def test_an_undeliverable_notice_backs_off_then_is_shown_to_moderators(
    ready: Server, caplog: pytest.LogCaptureFixture
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    ready.env.backend.delete_channel(partnership.thread_id)
    ready.env.backend.delete_channel(ready.partners.id)  # threads cannot be opened any more

    def tries() -> int:
        return sum(
            1
            for r in ready.env.http_requests
            if r.method == "GET" and r.path.startswith("/channels/")
        )

    before = tries()
    with caplog.at_level(logging.ERROR, logger="tandem.outbox"):
        await advance(ready, 13 * DAY)  # the first reminder (Jan 4) is given up on Jan 11
    # Retried with doubling delays capped at an hour, not every minute of thirteen days.
    assert tries() - before < 13 * 24 * 4
    failed = await ready.bot.store.db.fetch_all(
        "SELECT kind FROM outbox WHERE partnership_id = ? AND status = ?",
        (partnership.id, OutboxStatus.FAILED),
    )
    assert {row["kind"] for row in failed} >= {"heads_up", "checkin"}
    gave_up = [r for r in caplog.records if "gave up" in r.getMessage()]
    assert len(gave_up) == len(failed)  # logged once each

    status = await ready.moderator.slash(ready.general, "setup")
    text = reply(status)
    assert status.ephemeral and f"{len(failed)} undeliverable message" in text
    assert f"pair #{partnership.id}" in text and alice.mention in text and bob.mention in text
    assert "Partner threads" in text
    ready.errors()


async def test_setup_alone_warns_of_nothing_when_everything_was_delivered(ready: Server) -> None:
    status = await ready.moderator.slash(ready.general, "setup")
    assert status.ephemeral and "undeliverable" not in reply(status) and "⚠️" not in reply(status)


async def test_the_invitation_shows_its_answer_after_a_restart(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await request(ready, alice, bob)
    message = invitation_message(ready, bob)
    await ready.env.restart_bot(make_bot())
    await bob.click(message, label="Decline")
    [edited] = [m for m in ready.general.history() if m.id == message.id]
    assert "declined" in edited.content and not edited.components


async def lose_reply(server: Server, kind: str) -> None:
    """Rewind a delivered row to what a crash between sending and recording leaves behind."""
    async with server.bot.store.db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET status = 'attempted', message_id = NULL WHERE kind = ?", (kind,)
        )


async def test_a_lost_reply_then_a_new_answer_edits_the_one_message(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await check_in(ready, alice, completed="First words")
    await lose_reply(ready, "answers")  # posted, but the bot never heard back
    await check_in(ready, alice, completed="Second thoughts")
    await advance(ready, 10 * 60)
    embeds = [m for m in ready.thread(partnership.thread_id).history() if m.embeds]
    assert [m.embeds[0].fields[0].value for m in embeds] == ["Second thoughts"]


async def test_a_lost_goodbye_is_found_even_after_it_would_read_differently(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await add(ready, alice, await goal(ready, alice), due="2026-01-02")  # due within 48 hours
    await alice.slash(ready.general, "partner end")
    thread = ready.thread(partnership.thread_id)
    [goodbye] = messages_with(thread, "ended this partnership")
    assert "1 milestone due within 48 hours still counts" in goodbye.content
    await lose_reply(ready, "farewell")  # the bot crashed before recording the goodbye
    ready.bot.get_cog("SchedulerCog").loop.cancel()  # and stays down
    await advance_to(ready, datetime(2026, 1, 3, 0, 0, tzinfo=UTC))  # the pledge is judged
    await ready.env.restart_bot(make_bot())
    await advance(ready, HOUR)
    [goodbye] = messages_with(thread, "ended this partnership")  # found, not posted again
    assert "still count" not in goodbye.content  # and brought up to date
    assert messages_with(thread, "missed **")


async def test_a_goodbye_stands_when_the_thread_cannot_be_archived(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    ready.env.inject_error("PATCH", f"/channels/{partnership.thread_id}", status=403, times=None)
    ended = await alice.slash(ready.general, "partner end")
    assert "as soon as Discord lets me" not in reply(ended)
    await advance(ready, DAY)
    assert len(messages_with(ready.thread(partnership.thread_id), "ended this partnership")) == 1
    status = await ready.bot.store.db.fetch_value(
        "SELECT status FROM outbox WHERE kind = 'farewell'"
    )
    assert status == OutboxStatus.SENT


CHECKIN = datetime(2026, 1, 5, 17, tzinfo=UTC)  # `pair`'s first check-in


@pytest.mark.parametrize(
    ("then", "due_at"),
    [
        ("Heads-up", lambda pair_id: heads_up_at(pair_id, CHECKIN)),
        # Reminders go out first at a peak, but never ahead of an older message of their
        # own thread.
        ("it's check-in time", lambda _pair_id: CHECKIN),
    ],
)
async def test_a_channel_keeps_its_order_after_a_failure(
    ready: Server, then: str, due_at: Callable[[int], datetime]
) -> None:
    """A message that waits out a failure until the minute another of its thread is due
    still goes out first."""
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    goal_id = await goal(ready, alice)
    moment = due_at(partnership.id)
    await advance_to(ready, moment - timedelta(seconds=30))
    outage(ready, partnership.thread_id, times=1)
    await add(ready, alice, goal_id, due="2026-01-20")  # its notice fails, waits a minute
    await advance_to(ready, moment + timedelta(minutes=5))
    thread = ready.thread(partnership.thread_id)
    order = [
        m.content for m in thread.history() if "set a milestone" in m.content or then in m.content
    ]
    assert len(order) == 2 and "set a milestone" in order[0] and then in order[1]


async def test_an_invitation_is_refused_where_the_bot_cannot_post(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    general = ready.bot.get_channel(ready.general.id)
    await general.set_permissions(ready.guild.me, send_messages=False)
    refused = await request(ready, alice, bob)
    assert refused.ephemeral and "can't post in this channel" in reply(refused)
    assert await ready.bot.store.db.fetch_value("SELECT COUNT(*) FROM invitations") == 0
    assert [type(e) for e in ready.errors()] == [UserError]


async def test_a_peak_longer_than_one_batch_goes_out_in_one_tick(
    ready: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = [f"member{n}" for n in range(6)]
    pairs = [
        await pair(ready, ready.member(first), ready.member(second))
        for first, second in zip(names[::2], names[1::2], strict=True)
    ]
    monkeypatch.setattr(outbox_module, "DUE_BATCH", 2)  # three reminders: two batches
    await advance_to(ready, datetime(2026, 1, 5, 17, 0, 30, tzinfo=UTC))
    for partnership in pairs:
        thread = ready.thread(partnership.thread_id)
        assert len(messages_with(thread, "it's check-in time")) == 1
