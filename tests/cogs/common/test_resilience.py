"""Discord outages, lost replies, missing channels and threads: nothing duplicated, nothing lost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from discord import Permissions

from bot.app import TandemBot
from bot.errors import UserError
from tests.helpers import HOUR, Server, advance_to, find, messages_with, pair, reply

DUE = "it's check-in time"


async def test_a_long_discord_outage_delays_but_never_loses_a_reminder(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await advance_to(ready, datetime(2026, 1, 5, 16, 59, tzinfo=UTC))
    path = f"/channels/{partnership.thread_id}/messages"
    ready.env.inject_error("POST", path, status=503, times=6)

    def tries() -> int:
        return sum(1 for r in ready.env.http_requests if r.method == "POST" and r.path == path)

    before = tries()
    await advance_to(ready, datetime(2026, 1, 5, 17, 20, tzinfo=UTC))
    # Retried after 1, 2, 4 and 8 minutes: five tries in twenty minutes, not twenty.
    assert tries() - before == 5
    thread = ready.thread(partnership.thread_id)
    assert messages_with(thread, DUE) == []
    await advance_to(ready, datetime(2026, 1, 5, 18, 10, tzinfo=UTC))
    [due] = messages_with(thread, DUE)
    assert due.created_at >= datetime(2026, 1, 5, 18, 0, tzinfo=UTC)  # the 7th try, after 32 min
    await ready.env.advance_time(HOUR)
    assert len(messages_with(thread, DUE)) == 1


async def test_history_is_searched_from_the_first_attempt(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    """Posted, reply lost; the next attempt fails reading history; the third must not post again."""
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await advance_to(ready, datetime(2026, 1, 5, 17, 1, tzinfo=UTC))
    async with ready.bot.store.db.transaction() as conn:
        await conn.execute("UPDATE outbox SET status = 'attempted' WHERE kind = 'checkin'")
    ready.env.inject_error(
        "GET", f"/channels/{partnership.thread_id}/messages", status=500, times=1
    )
    await ready.env.restart_bot(make_bot())
    await ready.env.advance_time(30 * 60)
    assert len(messages_with(ready.thread(partnership.thread_id), DUE)) == 1


async def test_missing_partner_channel_refuses_pairing_before_storing(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await find(ready, alice)
    ready.env.backend.delete_channel(ready.partners.id)  # a moderator deleted the channel
    result = await find(ready, bob)
    assert result.ephemeral and "partner channel is missing" in reply(result)
    assert await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id) == []
    assert await ready.bot.store.queue.queued_courses(ready.guild.id, alice.id) == [
        "Intro to Python"
    ]
    assert await ready.bot.store.queue.queued_courses(ready.guild.id, bob.id) == []
    assert [type(e) for e in ready.errors()] == [UserError]


async def test_a_thread_that_could_not_be_opened_is_opened_by_the_loop(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await find(ready, alice)
    ready.env.inject_error("POST", f"/channels/{ready.partners.id}/threads", status=500, times=1)
    paired = await find(ready, bob)
    assert f"You're paired with {alice.mention}" in reply(paired)
    assert "will open as soon as it can" in reply(paired)
    [partnership] = await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id)
    assert partnership.thread_id is None
    await ready.env.advance_time(10 * 60)
    [repaired] = await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id)
    assert repaired.thread_id is not None
    [thread] = ready.partners.threads
    [welcome] = messages_with(thread, "Welcome")
    assert alice.mention in welcome.content and bob.mention in welcome.content


async def test_one_broken_server_does_not_hold_up_another(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    healthy = await pair(ready, alice, bob)

    other = ready.env.create_guild("Other Hall")
    partners = other.create_text_channel("partners")
    board = other.create_text_channel("board")
    owner = other.add_member(
        ready.env.create_user("owner2"),
        roles=[other.create_role("Mods", permissions=Permissions(manage_guild=True))],
    )
    await owner.slash(partners, "setup", leaderboard_channel=board, partner_channel=partners)
    carol, dan = (
        other.add_member(ready.env.create_user("carol")),
        other.add_member(ready.env.create_user("dan")),
    )
    options = {
        "course": "Go",
        "pace": 5,
        "timezone": "Europe/Berlin",
        "checkin_day": 0,
        "checkin_time": "18:00",
    }
    await carol.slash(partners, "partner find", **options)
    await dan.slash(partners, "partner find", **options)
    broken = next(iter(partners.threads))
    ready.env.backend.delete_channel(broken.id)
    ready.env.backend.delete_channel(partners.id)  # the other server loses its partner channel

    await advance_to(ready, datetime(2026, 1, 4, 17, 1, tzinfo=UTC))
    assert len(messages_with(ready.thread(healthy.thread_id), "Heads-up")) == 1
