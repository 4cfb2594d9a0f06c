"""Pairing through the real bot: `/partner find`, `request`, `status`, `end`, `leave_queue`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import discord
import pytest

from bot.app import TandemBot
from bot.errors import UserError
from tests.helpers import Server, find, fresh, invitation_message, pinged, reply, request


async def test_first_member_is_queued_then_matched_into_a_private_thread(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")

    first = await find(ready, alice)
    assert first.ephemeral
    assert "added you to the queue" in reply(first)
    assert await ready.bot.store.queue.queued_courses(ready.guild.id, alice.id) == [
        "Intro to Python"
    ]

    second = await find(
        ready,
        bob,
        course="  intro TO   python ",
        pace=15,
        timezone="America/New_York",
        checkin_time="12:30",
    )
    assert second.ephemeral
    assert f"paired with {alice.mention}" in reply(second)

    [partnership] = await ready.bot.store.partnerships.active_partnerships(ready.guild.id, bob.id)
    assert set(partnership.members) == {alice.id, bob.id}
    assert (
        partnership.weekly.label() == "Monday 18:00 (Europe/Berlin)"
    )  # the earlier-queued member's
    assert await ready.bot.store.queue.queued_courses(ready.guild.id, alice.id) == []

    [thread] = ready.partners.threads
    assert thread.id == partnership.thread_id
    channel = ready.bot.get_channel(thread.id)
    assert isinstance(channel, discord.Thread)
    assert channel.type is discord.ChannelType.private_thread
    # SimCord does not model invitability, so check what the bot asked Discord for.
    [created] = [
        r for r in ready.env.http_requests if r.method == "POST" and r.path.endswith("/threads")
    ]
    assert created.json["invitable"] is False
    assert {m.id for m in await channel.fetch_members()} >= {alice.id, bob.id}

    welcome = thread.history()[0].content
    assert alice.mention in welcome and bob.mention in welcome
    assert f"{alice.mention}: Monday 18:00 (Europe/Berlin)" in welcome
    assert f"{bob.mention}: Monday 12:00 (America/New_York)" in welcome
    assert "What did you complete?" in welcome and "What is blocking you?" in welcome
    assert "two-week trial" in welcome


async def test_incompatible_members_both_wait(ready: Server) -> None:
    alice, bob, carol = ready.member("alice"), ready.member("bob"), ready.member("carol")
    await find(ready, alice, pace=5)
    await find(ready, bob, pace=11)  # more than twice alice's pace
    await find(ready, carol, pace=5, checkin_time="22:00")  # four hours later than alice
    assert ready.partners.threads == []
    assert await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id) == []


async def test_closest_pace_wins_among_compatible(ready: Server) -> None:
    alice, bob, carol = ready.member("alice"), ready.member("bob"), ready.member("carol")
    await find(ready, alice, pace=6)
    await find(ready, bob, pace=13)  # incompatible with alice: more than twice her pace
    await find(ready, carol, pace=10)  # fits both; bob's pace is closer
    [partnership] = await ready.bot.store.partnerships.active_partnerships(ready.guild.id, carol.id)
    assert set(partnership.members) == {bob.id, carol.id}


async def test_finding_again_updates_the_queue_entry(ready: Server) -> None:
    alice = ready.member("alice")
    await find(ready, alice, pace=10)
    again = await find(ready, alice, pace=12)
    assert "updated your place" in reply(again)
    assert await ready.bot.store.queue.queued_courses(ready.guild.id, alice.id) == [
        "Intro to Python"
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "not a time zone"),
        ({"checkin_time": "25:00"}, "not a time"),
        ({"checkin_time": "6pm"}, "not a time"),
        ({"pace": 0}, "from 1 to 80"),
        ({"pace": 81}, "from 1 to 80"),
        ({"course": "   "}, "Name the course"),
    ],
)
async def test_bad_find_options_are_refused_and_nothing_is_stored(
    ready: Server, overrides: Any, message: str
) -> None:
    alice = ready.member("alice")
    result = await find(ready, alice, **overrides)
    assert result.ephemeral
    assert message in reply(result)
    assert await ready.bot.store.queue.queued_courses(ready.guild.id, alice.id) == []
    assert await ready.bot.store.profiles.zone_of(ready.guild.id, alice.id) is None
    assert [type(e) for e in ready.errors()] == [UserError]


async def test_finding_while_partnered_in_that_course_is_refused(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await find(ready, alice)
    await find(ready, bob)
    again = await find(ready, alice, pace=20)
    assert again.ephemeral
    assert "already have a partner in this course" in reply(again)
    assert await ready.bot.store.queue.queued_courses(ready.guild.id, alice.id) == []
    other_course = await find(ready, alice, course="Linear Algebra")
    assert "added you to the queue" in reply(other_course)
    assert ready.errors()


async def test_leave_queue(ready: Server) -> None:
    alice = ready.member("alice")
    await find(ready, alice)
    await find(ready, alice, course="Linear Algebra")
    one = await alice.slash(ready.general, "partner leave_queue", course="linear algebra")
    assert one.ephemeral and "Linear Algebra" in one.response.content
    assert await ready.bot.store.queue.queued_courses(ready.guild.id, alice.id) == [
        "Intro to Python"
    ]
    rest = await alice.slash(ready.general, "partner leave_queue")
    assert "Intro to Python" in rest.response.content
    nothing = await alice.slash(ready.general, "partner leave_queue")
    assert nothing.ephemeral and "not waiting" in nothing.response.content
    assert ready.errors()


async def test_request_accept_pairs_and_invitee_inherits_the_zone(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    invite = await request(ready, alice, bob)
    assert invite.ephemeral and "I invited" in reply(invite)
    message = invitation_message(ready, bob)
    assert message.channel.id == ready.general.id
    assert bob.mention in message.content and "Wednesday 07:30 (Asia/Kolkata)" in message.content
    assert pinged(ready, message) == {bob.id}

    accepted = await bob.click(message, label="Accept")

    [partnership] = await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id)
    assert set(partnership.members) == {alice.id, bob.id}
    assert await ready.bot.store.profiles.zone_of(ready.guild.id, bob.id) == "Asia/Kolkata"
    edited = fresh(ready.general, message)
    assert "accepted" in edited.content and not edited.components
    assert accepted.followups[-1].ephemeral
    assert f"Say hello in <#{partnership.thread_id}>" in reply(accepted)
    [thread] = ready.partners.threads
    assert "Wednesday 07:30 (Asia/Kolkata)" in thread.history()[0].content


async def test_only_the_invited_member_can_answer(ready: Server) -> None:
    alice, bob, mallory = ready.member("alice"), ready.member("bob"), ready.member("mallory")
    await request(ready, alice, bob)
    for intruder in (mallory, alice):
        pressed = await intruder.click(invitation_message(ready, bob), label="Accept")
        assert pressed.ephemeral
        assert f"Only {bob.mention} can answer" in reply(pressed)
    assert await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id) == []
    assert ready.partners.threads == []


async def test_decline(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await request(ready, alice, bob)
    message = invitation_message(ready, bob)
    await bob.click(message, label="Decline")
    edited = fresh(ready.general, message)
    assert "declined" in edited.content and not edited.components
    assert await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id) == []
    invitation = await ready.bot.store.invitations.invitation(1)
    assert invitation is not None and invitation.status == "declined"


async def test_invitation_survives_a_restart(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await request(ready, alice, bob)
    await ready.env.restart_bot(make_bot())
    await bob.click(invitation_message(ready, bob), label="Accept")
    [partnership] = await ready.bot.store.partnerships.active_partnerships(ready.guild.id, bob.id)
    assert set(partnership.members) == {alice.id, bob.id}
    assert len(ready.partners.threads) == 1


async def test_double_press_creates_one_partnership(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await request(ready, alice, bob)
    message = invitation_message(ready, bob)
    # The second press comes from a client that still shows the buttons (a second device).
    ready.env.inject_error("PATCH", f"/channels/{ready.general.id}/messages/*", status=500)
    first = await bob.click(message, label="Accept")
    second = await bob.click(message, label="Accept")
    assert "already been answered" in reply(second)
    assert len(await ready.bot.store.partnerships.active_partnerships(ready.guild.id, bob.id)) == 1
    assert len(ready.partners.threads) == 1
    assert first.acknowledged
    ready.errors()


@pytest.mark.parametrize(
    ("who", "message"),
    [("self", "your own partner"), ("bot", "Bots can't")],
)
async def test_request_refuses_self_and_bots(ready: Server, who: str, message: str) -> None:
    alice = ready.member("alice")
    target = (
        alice if who == "self" else ready.guild.add_member(ready.env.create_user("robot", bot=True))
    )
    result = await request(ready, alice, target)
    assert result.ephemeral and message in reply(result)
    assert ready.general.history() == [] or all(
        "would like you" not in m.content for m in ready.general.history()
    )
    assert ready.errors()


async def test_request_refuses_someone_already_partnered_in_that_course(ready: Server) -> None:
    alice, bob, carol = ready.member("alice"), ready.member("bob"), ready.member("carol")
    await request(ready, alice, bob)
    await bob.click(invitation_message(ready, bob), label="Accept")
    result = await request(ready, carol, bob)
    assert result.ephemeral and "They already have a partner" in reply(result)
    assert ready.errors()


async def test_status_shows_partner_thread_and_schedule(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await find(ready, alice)
    await find(ready, bob, timezone="America/New_York", checkin_time="12:00")
    await bob.slash(ready.general, "profile", timezone="America/New_York")
    status = await bob.slash(ready.general, "partner status")
    assert status.ephemeral
    text = status.response.content
    [thread] = ready.partners.threads
    assert alice.mention in text and f"<#{thread.id}>" in text
    assert "Monday 18:00 (Europe/Berlin)" in text and "Monday 12:00 (America/New_York)" in text
    assert "Shared pool: 0 points" in text


async def test_status_without_partner(ready: Server) -> None:
    alice = ready.member("alice")
    status = await alice.slash(ready.general, "partner status")
    assert "don't have a partner yet" in status.response.content


async def test_end_locks_the_thread_and_frees_both(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await find(ready, alice)
    await find(ready, bob)
    ended = await alice.slash(
        ready.general, "partner end", reason="Moving to evening shifts @everyone"
    )
    assert ended.ephemeral and "has ended" in reply(ended)
    [thread] = ready.partners.threads
    farewell = thread.history()[-1]
    assert "ended this partnership" in farewell.content and "evening shifts" in farewell.content
    assert not farewell.mention_everyone
    channel = await ready.bot.fetch_channel(thread.id)
    assert isinstance(channel, discord.Thread) and channel.archived and channel.locked
    assert await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id) == []
    again = await find(ready, bob)
    assert "added you to the queue" in reply(again)


async def test_end_without_partner_and_overlong_reason(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    nobody = await alice.slash(ready.general, "partner end")
    assert nobody.ephemeral and "don't have an active partner" in reply(nobody)
    await find(ready, alice)
    await find(ready, bob)
    long = await alice.slash(ready.general, "partner end", reason="x" * 301)
    assert "under 300 characters" in reply(long)
    assert (
        len(await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id)) == 1
    )
    assert ready.errors()


async def test_profile_sets_zone_and_rejects_unknown(ready: Server) -> None:
    alice = ready.member("alice")
    ok = await alice.slash(ready.general, "profile", timezone="Pacific/Chatham")
    assert ok.ephemeral and "Pacific/Chatham" in ok.response.content
    bad = await alice.slash(ready.general, "profile", timezone="Nowhere/Land")
    assert bad.ephemeral and "not a time zone" in bad.response.content
    assert await ready.bot.store.profiles.zone_of(ready.guild.id, alice.id) == "Pacific/Chatham"
    assert ready.errors()


async def test_autocomplete_offers_zones_and_seen_courses(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await find(ready, alice, course="Intro to Python")
    zones = await bob.autocomplete(ready.general, "partner find", "timezone", "berl")
    assert [c["value"] for c in zones] == ["Europe/Berlin"]
    courses = await bob.autocomplete(ready.general, "partner find", "course", "pyth")
    assert [c["value"] for c in courses] == ["Intro to Python"]
