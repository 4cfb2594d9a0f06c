"""Pairing through the real bot: `/partner find`, `request`, `status`, `end`, `leave_queue`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import pytest

from bot.app import TandemBot
from bot.errors import UserError
from bot.models import Cadence
from cogs.common.text import moment, stamp
from tests.helpers import (
    CADENCE_PROPOSED,
    Server,
    advance_to,
    answer,
    assert_short,
    button_labels,
    find,
    fresh,
    invitation_message,
    messages_with,
    pair,
    pinged,
    reply,
    request,
)

# The pairs below check in on Mondays at 18:00 Berlin time: first on 5 January, 17:00 UTC.
FIRST_MONDAY = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
# An invitation's time, Wednesday 07:30 in Asia/Kolkata: first on 7 January, 02:00 UTC.
FIRST_WEDNESDAY = datetime(2026, 1, 7, 2, 0, tzinfo=UTC)


async def test_first_member_is_queued_then_matched_into_a_private_thread(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")

    first = await find(ready, alice)
    assert first.ephemeral
    assert "added you to the queue" in reply(first)
    assert_short(reply(first))
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
    assert_short(reply(second))

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

    assert thread.name == "alice & bob · Intro to Python"  # the pair by name, not a ticket

    welcome = thread.history()[0]
    assert alice.mention in welcome.content and bob.mention in welcome.content
    assert pinged(ready, welcome) == {alice.id, bob.id}
    # Each reads the first check-in (Monday 5 January, 17:00 UTC) on their own clock.
    assert f"{moment(FIRST_MONDAY)}, then every week" in welcome.content
    assert "Europe/Berlin" not in welcome.content and "America/New_York" not in welcome.content
    assert "What did you complete?" not in welcome.content  # the form asks, not the welcome
    assert "two weeks" in welcome.content
    assert_short(welcome.content)
    assert button_labels(welcome) == ["How it works"]
    guide = await bob.click(welcome, label="How it works")
    assert guide.ephemeral and answer(guide).embeds[0].title == "🤝 Partners"


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
    assert_short(reply(invite))
    message = invitation_message(ready, bob)
    assert message.channel.id == ready.general.id
    assert bob.mention in message.content and alice.mention in message.content
    assert f"{stamp(FIRST_WEDNESDAY)}, then every week" in message.content
    assert "Asia/Kolkata" not in message.content
    assert_short(message.content)
    assert button_labels(message) == ["Accept", "Decline", "How it works"]
    assert pinged(ready, message) == {bob.id}
    guide = await bob.click(message, label="How it works")  # read before deciding, privately
    assert guide.ephemeral and answer(guide).embeds[0].title == "🤝 Partners"

    accepted = await bob.click(message, label="Accept")

    [partnership] = await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id)
    assert set(partnership.members) == {alice.id, bob.id}
    assert await ready.bot.store.profiles.zone_of(ready.guild.id, bob.id) == "Asia/Kolkata"
    edited = fresh(ready.general, message)
    assert "accepted" in edited.content and not edited.components
    assert_short(edited.content)
    assert accepted.followups[-1].ephemeral
    assert f"Say hello in <#{partnership.thread_id}>" in reply(accepted)
    [thread] = ready.partners.threads
    assert f"{moment(FIRST_WEDNESDAY)}, then every week" in thread.history()[0].content


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
    assert_short(edited.content)
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
    assert f"Next check-in: {moment(FIRST_MONDAY)}, then every week" in text
    assert "Europe/Berlin" not in text and "set as" not in text
    assert "Shared pool" not in text  # an empty pool says nothing
    [pair, streak] = text.split("\n\n")
    assert_short(pair)
    assert_short(streak)
    assert button_labels(status.response) == ["How it works"]


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
    assert_short(reply(ended))
    [thread] = ready.partners.threads
    farewell = thread.history()[-1]
    assert "ended this partnership" in farewell.content and "evening shifts" in farewell.content
    assert not farewell.mention_everyone
    assert_short(farewell.content)
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


async def test_messages_stay_short_with_the_longest_course_and_reason(ready: Server) -> None:
    """A 100-character course name and a 300-character reason are shortened, not quoted whole."""
    alice, bob, carol, dave = (ready.member(n) for n in ("alice", "bob", "carol", "dave"))
    course = "Advanced " + "very " * 15 + "long course name"  # 100 characters, the most
    await request(ready, carol, dave, course=course, **{"as": "mentor"})
    await request(ready, dave, alice, course=course)
    for invitee in (dave, alice):
        assert_short(invitation_message(ready, invitee).content)
    invited = invitation_message(ready, alice)
    await alice.click(invited, label="Decline")
    assert_short(fresh(ready.general, invited).content)
    await dave.click(invitation_message(ready, dave), label="Accept")
    [mentorship] = ready.partners.threads
    assert "mentors" in mentorship.history()[0].content
    assert_short(mentorship.history()[0].content)  # the mentorship's welcome
    partnership = await pair(ready, alice, bob, course=course)
    thread = ready.thread(partnership.thread_id)
    assert_short(thread.history()[0].content)  # the welcome
    await alice.slash(ready.general, "partner end", course=course, reason="r" * 300)
    farewell = thread.history()[-1]
    assert "ended this partnership" in farewell.content and "r" * 79 + "…" in farewell.content
    assert_short(farewell.content)


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


async def test_status_in_an_off_week_shows_the_real_next_check_in_with_its_date(
    ready: Server,
) -> None:
    """Every two weeks from 5 January: on Tuesday 6 January the next is the 19th, not the 12th."""
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await alice.slash(ready.general, "checkin_cadence", every=Cadence.EVERY_TWO_WEEKS.value)
    [proposal] = messages_with(ready.thread(partnership.thread_id), CADENCE_PROPOSED)
    await bob.click(proposal, label="Confirm")
    await advance_to(ready, datetime(2026, 1, 6, 9, 0, tzinfo=UTC))  # the off-week

    text = reply(await bob.slash(ready.general, "partner status"))
    real = FIRST_MONDAY + timedelta(weeks=2)
    assert f"Next check-in: {moment(real)}, then every two weeks" in text
    assert stamp(FIRST_MONDAY + timedelta(weeks=1)) not in text
    assert "Monday 18:00" not in text


async def test_a_thread_name_never_passes_discords_limit(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    course = "Advanced " + "very " * 15 + "long course name"  # 100 characters, the most
    partnership = await pair(ready, alice, bob, course=course)
    name = ready.thread(partnership.thread_id).name
    assert len(name) == 100 and name.startswith("alice & bob · Advanced very") and name[-1] == "…"
