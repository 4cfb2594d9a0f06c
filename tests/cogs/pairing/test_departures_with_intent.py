"""With `TANDEM_MEMBERS_INTENT` on, a member who leaves is handled at once and kindly."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.helpers import (
    Server,
    add,
    advance_to,
    assert_short,
    button_labels,
    find,
    fresh,
    goal,
    invitation_message,
    ledger_rows,
    messages_with,
    pair,
    request,
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_path=tmp_path / "tandem.db",
        discord_token=None,
        members_intent=True,
    )


async def test_the_bot_asks_for_the_members_intent(ready: Server) -> None:
    assert ready.bot.intents.members


async def test_a_member_who_leaves_is_removed_everywhere_and_the_partner_goes_first(
    ready: Server,
) -> None:
    alice, bob, carol = ready.member("alice"), ready.member("bob"), ready.member("carol")
    partnership = await pair(ready, alice, bob)
    await add(ready, alice, await goal(ready, alice), pledge=4.0)
    await advance_to(ready, datetime(2026, 1, 4, 0, 0, tzinfo=UTC))  # 4 points in the pool
    await find(ready, alice, course="Statistics")
    await request(ready, alice, carol, course="Rust")
    await alice.slash(
        ready.general, "checkin_schedule", checkin_day=3, checkin_time="07:30", timezone="UTC"
    )
    await alice.slash(ready.general, "pool settle", note="Books")
    invitation = invitation_message(ready, carol)
    thread = ready.thread(partnership.thread_id)
    asked = [m for m in thread.history() if "Confirm" in button_labels(m)]
    assert len(asked) == 2  # the proposal and the settlement wait for bob's button

    ready.guild.remove_member(alice)
    await ready.env.settle()  # the gateway tells the bot at once

    assert await ready.bot.store.partnerships.active_partnerships(ready.guild.id, bob.id) == []
    thread = ready.thread(partnership.thread_id)
    [goodbye] = messages_with(thread, "left the server")
    assert alice.mention in goodbye.content and f"{bob.mention}, thank you" in goodbye.content
    assert "first in line for your next match" in goodbye.content
    assert_short(goodbye.content)
    channel = await ready.bot.fetch_channel(partnership.thread_id)
    assert channel.archived and channel.locked
    assert await ready.bot.store.queue.queued_courses(ready.guild.id, alice.id) == []
    withdrawn = fresh(ready.general, invitation)
    assert "no longer open" in withdrawn.content and not withdrawn.components
    assert (
        await ready.bot.store.db.fetch_value(
            "SELECT COUNT(*) FROM schedule_proposals WHERE status = 'pending'"
        )
        == 0
    )
    for message in asked:  # alice's requests are withdrawn: their buttons are gone
        withdrawn = fresh(thread, message)
        assert "no longer stands" in withdrawn.content and not withdrawn.components
    assert await ledger_rows(ready) == [("miss", 400, 1)]  # history stays
    assert await ready.bot.store.ledger.balance(partnership.id) == 400

    await find(ready, bob)  # first in line at his next /partner find
    assert (
        await ready.bot.store.db.fetch_value(
            "SELECT priority FROM queue_entries WHERE user_id = ?", (bob.id,)
        )
        == 1
    )
