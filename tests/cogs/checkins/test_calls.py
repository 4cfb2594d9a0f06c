"""Voice check-ins: `/call` and **Start a call** open one private room per pair, a call of
ten minutes or more is the week's check-in, rooms close on time, and what goes wrong is
said clearly and leaves nothing behind."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import pytest
import simcord

from bot.app import TandemBot
from bot.errors import UserError
from bot.i18n import PSEUDO
from bot.models import CheckinVia, RoomStatus, VoiceFault
from cogs.checkins.messages import QUIET_NUDGE
from cogs.checkins.rooms import create_channel, open_room
from tests.cogs.progress.test_progress import picture
from tests.helpers import (
    ANSWERS,
    DAY,
    Channel,
    Member,
    Server,
    advance,
    advance_to,
    answer,
    assert_translated,
    button_labels,
    confirm,
    exported,
    find,
    invitation_message,
    messages_with,
    pair,
    pinged,
    reply,
    request,
    speaks,
)

MINUTE = 60
COUNTED = "🎙️ You talked for"


async def voice_on(server: Server, cap: int = 10) -> Channel:
    category = server.guild.create_category("Voice rooms")
    result = await server.moderator.slash(
        server.general, "setup", voice_category=category, voice_rooms=cap
    )
    assert "Voice rooms: under" in reply(result)
    return category


def rooms_in(server: Server, category: Channel) -> list[discord.VoiceChannel]:
    found = server.bot.get_channel(category.id)
    assert isinstance(found, discord.CategoryChannel)
    return found.voice_channels


def room_handle(server: Server, name: str) -> Channel:
    return server.guild.channels[name]


async def voice_pair(server: Server) -> tuple[Channel, Member, Member, Any, Channel]:
    """Voice rooms on under a category, and Lena and Marcus paired: with their thread."""
    category = await voice_on(server)
    lena, marcus = server.member("Lena"), server.member("Marcus")
    partnership = await pair(server, lena, marcus)
    return category, lena, marcus, partnership, server.thread(partnership.thread_id)


async def rooms_of(server: Server, partnership_id: int) -> list[tuple[str, int | None]]:
    rows = await server.bot.store.db.fetch_all(
        "SELECT status, channel_id FROM voice_rooms WHERE partnership_id = ? ORDER BY id",
        (partnership_id,),
    )
    return [(row["status"], row["channel_id"]) for row in rows]


async def checkin_vias(server: Server, partnership_id: int) -> dict[int, str]:
    rows = await server.bot.store.db.fetch_all(
        "SELECT user_id, via FROM checkins WHERE partnership_id = ?", (partnership_id,)
    )
    return {row["user_id"]: row["via"] for row in rows}


async def talk(server: Server, room: Channel, members: tuple[Member, Member], minutes: int) -> None:
    for member in members:
        await member.join_voice(room)
    await advance(server, minutes * MINUTE)
    for member in members:
        await member.leave_voice()


async def test_call_opens_one_private_room_that_pings_only_the_partner(ready: Server) -> None:
    category, lena, marcus, partnership, thread = await voice_pair(ready)

    opened = await lena.slash(thread, "call")
    assert opened.ephemeral and reply(opened).startswith("🎙️ Your voice room is open: <#")
    [room] = rooms_in(ready, category)
    assert room.name == "Lena & Marcus"
    [notice] = messages_with(thread, "opened a voice room")
    assert notice.content.splitlines() == [
        f"🎙️ {lena.mention} opened a voice room for you two: {room.mention}",
        f"{marcus.mention}, join when you're ready.",
    ]
    assert pinged(ready, notice) == {marcus.id}
    assert button_labels(notice) == ["Join the room", "How it works"]

    again = await lena.slash(thread, "call")
    from_partner = await marcus.slash(ready.general, "call")
    for pointed in (again, from_partner):
        assert reply(pointed) == f"🎙️ Your voice room is open: {room.mention}"
    assert len(rooms_in(ready, category)) == 1
    assert len(messages_with(thread, "opened a voice room")) == 1

    handle = room_handle(ready, "Lena & Marcus")
    await lena.join_voice(handle)
    await marcus.join_voice(handle)
    outsider = ready.member("outsider")
    with pytest.raises(simcord.BackendError, match="Missing Access"):
        await outsider.join_voice(handle)  # the room is invisible to every other member
    assert await rooms_of(ready, partnership.id) == [(RoomStatus.OPEN, room.id)]


async def test_a_twelve_minute_call_is_both_members_check_in_and_eight_minutes_is_not(
    ready: Server,
) -> None:
    _category, lena, marcus, partnership, thread = await voice_pair(ready)

    await lena.slash(thread, "call")
    await talk(ready, room_handle(ready, "Lena & Marcus"), (lena, marcus), 8)
    assert messages_with(thread, COUNTED) == []
    assert await checkin_vias(ready, partnership.id) == {}

    await advance(ready, 4 * MINUTE)
    assert "Lena & Marcus" in ready.guild.channels
    await advance(ready, 2 * MINUTE)  # the room closed 5 minutes after they left
    assert "Lena & Marcus" not in ready.guild.channels
    await lena.slash(thread, "call")
    await talk(ready, room_handle(ready, "Lena & Marcus"), (lena, marcus), 12)
    [line] = messages_with(thread, COUNTED)
    assert line.content == "🎙️ You talked for 12 minutes: this week's check-in is done"
    assert button_labels(line) == ["Add notes"]
    assert pinged(ready, line) == set()
    assert await checkin_vias(ready, partnership.id) == {
        lena.id: CheckinVia.CALL,
        marcus.id: CheckinVia.CALL,
    }
    now = discord.utils.utcnow()
    for member in (lena, marcus):
        assert await ready.bot.store.checkins.streak(ready.guild.id, member.id, now) == 1

    card = await lena.slash(thread, "progress")
    _, drawn = await picture(answer(card).attachments[0])
    assert [member["cells"].count("call") for member in drawn["members"]] == [1, 1]

    shown = await marcus.click(line, label="Add notes")
    assert shown.modal is not None and shown.modal["title"] == "Weekly check-in"
    await marcus.submit_modal(shown, ANSWERS)
    assert await checkin_vias(ready, partnership.id) == {
        lena.id: CheckinVia.CALL,
        marcus.id: CheckinVia.CALL,
    }
    [notes] = [m for m in thread.history() if m.embeds]  # the usual answers, in an embed
    assert notes.embeds[0].author.name == "Marcus"
    assert ANSWERS["completed"] in str(notes.embeds[0].to_dict())


async def test_drop_and_rejoin_keeps_the_minutes_and_a_restart_mid_call_loses_none(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    _category, lena, marcus, partnership, thread = await voice_pair(ready)
    await lena.slash(thread, "call")
    room = room_handle(ready, "Lena & Marcus")
    await lena.join_voice(room)
    await marcus.join_voice(room)
    await advance(ready, 6 * MINUTE)
    await marcus.leave_voice()  # a dropped connection
    await marcus.join_voice(room)
    await ready.env.restart_bot(make_bot())
    await advance(ready, 5 * MINUTE)
    await lena.leave_voice()
    [line] = messages_with(thread, COUNTED)
    assert line.content.startswith("🎙️ You talked for 11 minutes")
    await marcus.leave_voice()
    await advance(ready, 5 * MINUTE)
    assert "Lena & Marcus" not in ready.guild.channels
    assert [status for status, _ in await rooms_of(ready, partnership.id)] == [RoomStatus.CLOSED]


async def test_rooms_close_on_time_even_across_a_restart(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    _category, lena, marcus, _partnership, thread = await voice_pair(ready)

    await lena.slash(thread, "call")  # nobody joins: gone after 30 minutes
    await advance(ready, 29 * MINUTE)
    assert "Lena & Marcus" in ready.guild.channels
    await ready.env.restart_bot(make_bot())
    await advance(ready, 2 * MINUTE)
    assert "Lena & Marcus" not in ready.guild.channels
    [notice] = messages_with(thread, "voice room")
    assert notice.content == "🎙️ This voice room has closed. `/call` opens another one any time."
    assert button_labels(notice) == []

    await lena.slash(thread, "call")  # they stay on: closed two hours after it opened
    room = room_handle(ready, "Lena & Marcus")
    await lena.join_voice(room)
    await marcus.join_voice(room)
    await advance(ready, 119 * MINUTE)
    assert "Lena & Marcus" in ready.guild.channels
    await advance(ready, 2 * MINUTE)
    assert "Lena & Marcus" not in ready.guild.channels
    [line] = messages_with(thread, COUNTED)
    assert line.content.startswith("🎙️ You talked for 120 minutes")


async def test_the_reminder_carries_start_a_call_while_voice_rooms_are_on(ready: Server) -> None:
    _category, lena, marcus, _partnership, thread = await voice_pair(ready)
    await advance_to(ready, datetime(2026, 1, 5, 17, 1, tzinfo=UTC))
    [reminder] = messages_with(thread, "check-in time")
    assert "Start a call" in button_labels(reminder)
    opened = await marcus.click(reminder, label="Start a call")
    assert reply(opened).startswith("🎙️ Your voice room is open")
    [notice] = messages_with(thread, "opened a voice room")
    assert pinged(ready, notice) == {lena.id}


async def test_the_cap_a_missing_permission_and_discord_errors_leave_no_room(
    ready: Server,
) -> None:
    category = await voice_on(ready, cap=1)
    lena, marcus = ready.member("Lena"), ready.member("Marcus")
    ana, ben = ready.member("Ana"), ready.member("Ben")
    first = await pair(ready, lena, marcus)
    second = await pair(ready, ana, ben, course="Data Science")
    await lena.slash(ready.general, "call")
    full = await ana.slash(ready.general, "call")
    assert full.ephemeral
    assert reply(full) == "This server's only voice room is in use. Try again once it closes."
    assert len(rooms_in(ready, category)) == 1 and await rooms_of(ready, second.id) == []
    assert messages_with(ready.thread(second.thread_id), "voice room") == []
    assert len(await rooms_of(ready, first.id)) == 1
    assert [type(error) for error in ready.errors()] == [UserError]


async def test_a_missing_permission_is_answered_privately_and_shown_in_setup(
    ready: Server,
) -> None:
    category, lena, _marcus, partnership, _thread = await voice_pair(ready)
    found = ready.bot.get_channel(category.id)
    assert isinstance(found, discord.CategoryChannel)
    await found.set_permissions(ready.guild.me, manage_channels=False)
    refused = await lena.slash(ready.general, "call")
    assert refused.ephemeral
    assert reply(refused) == (
        "I can't open a voice room right now: a moderator needs to give me **Manage Channels**"
        f" in {category.mention}. You can still check in by writing."
    )
    assert rooms_in(ready, category) == []
    assert await rooms_of(ready, partnership.id) == [(RoomStatus.FAILED, None)]
    assert messages_with(ready.thread(partnership.thread_id), "voice room") == []
    assert (await ready.bot.store.guilds.voice(ready.guild.id)).fault is (
        VoiceFault.MISSING_PERMISSIONS
    )
    status = [
        line
        for line in reply(await ready.moderator.slash(ready.general, "setup")).splitlines()
        if "⚠️" in line
    ]
    assert status == [f"⚠️ Missing permissions: {category.mention}: Manage Channels"]  # said once
    assert [type(error) for error in ready.errors()] == [UserError]


async def test_a_discord_error_mid_creation_is_retried_into_exactly_one_room(
    ready: Server,
) -> None:
    category, lena, marcus, partnership, thread = await voice_pair(ready)
    ready.env.inject_error("POST", "/guilds/*/channels", status=500, times=2)
    waiting = await lena.slash(thread, "call")
    assert reply(waiting) == (
        "🎙️ Discord did not open your room just now. I'll keep trying and post its link in"
        " your thread."
    )
    assert rooms_in(ready, category) == []
    pressed_again = await marcus.slash(thread, "call")
    assert reply(pressed_again) == "🎙️ Your room is being opened; its link will be in your thread."
    await advance(ready, 5 * MINUTE)  # retried after one, then two minutes
    [room] = rooms_in(ready, category)
    assert await rooms_of(ready, partnership.id) == [(RoomStatus.OPEN, room.id)]
    [notice] = messages_with(thread, "opened a voice room")
    assert pinged(ready, notice) == {marcus.id, lena.id}  # Lena was told to look here


async def test_the_channel_limit_and_a_rate_limit_get_clear_answers(ready: Server) -> None:
    category, lena, _marcus, partnership, _thread = await voice_pair(ready)
    ready.env.inject_error(
        "POST",
        "/guilds/*/channels",
        status=400,
        code=30013,
        message="Maximum number of guild channels reached (500)",
    )
    refused = await lena.slash(ready.general, "call")
    assert reply(refused) == (
        "This server has reached Discord's limit of 500 channels, so I can't open a voice room."
        " A moderator can make space."
    )
    assert (await ready.bot.store.guilds.voice(ready.guild.id)).fault is VoiceFault.CHANNEL_LIMIT
    assert "500 channels" in reply(await ready.moderator.slash(ready.general, "setup"))

    ready.env.inject_error(
        "POST", "/guilds/*/channels", status=429, message="You are being rate limited."
    )
    limited = await lena.slash(ready.general, "call")
    assert "Discord did not open your room just now" in reply(limited)
    await advance(ready, 2 * MINUTE)
    assert len(rooms_in(ready, category)) == 1
    assert (await ready.bot.store.guilds.voice(ready.guild.id)).fault is None
    assert [status for status, _ in await rooms_of(ready, partnership.id)] == [
        RoomStatus.FAILED,
        RoomStatus.OPEN,
    ]
    assert [type(error) for error in ready.errors()] == [UserError]


async def test_a_room_a_moderator_deletes_by_hand_is_closed_and_not_remade(ready: Server) -> None:
    category, lena, _marcus, partnership, thread = await voice_pair(ready)
    await lena.slash(thread, "call")
    [room] = rooms_in(ready, category)
    await room.delete()
    await advance(ready, 3 * 60 * MINUTE)
    assert rooms_in(ready, category) == []
    assert await rooms_of(ready, partnership.id) == [(RoomStatus.CLOSED, room.id)]
    [notice] = messages_with(thread, "voice room")
    assert notice.content.startswith("🎙️ This voice room has closed.")


async def test_a_voice_message_in_the_thread_is_that_members_check_in(ready: Server) -> None:
    lena, marcus = ready.member("Lena"), ready.member("Marcus")
    partnership = await pair(ready, lena, marcus)
    thread = ready.thread(partnership.thread_id)
    await voice_message(ready, lena, thread)
    [line] = messages_with(thread, "voice message")
    assert line.content == f"🎙️ {lena.mention}'s voice message is their check-in for this week."
    assert pinged(ready, line) == set()
    assert await checkin_vias(ready, partnership.id) == {lena.id: CheckinVia.VOICE_MESSAGE}
    await voice_message(ready, lena, thread)  # a second one the same week adds nothing
    assert len(messages_with(thread, "voice message")) == 1


async def voice_message(server: Server, member: Member, thread: Channel) -> None:
    """A Discord voice message: an audio attachment with the IS_VOICE_MESSAGE flag, as the
    Discord app posts it (SimCord's `send` has no flag, so the backend posts it)."""
    backend = server.env.backend
    backend.create_message(
        thread.id,
        member.id,
        "",
        attachments=backend.store_attachments(thread.id, [("voice-message.ogg", b"OggS")]),
        flags=int(discord.MessageFlags(voice=True).value),
    )
    await server.env.settle()


async def test_in_a_mentorship_the_call_counts_for_the_mentee(ready: Server) -> None:
    await voice_on(ready)
    alice, bob = ready.member("alice"), ready.member("bob")
    invited = await request(ready, alice, bob, **{"as": "mentor"})
    assert "to be your mentor" in reply(invited)
    await bob.click(invitation_message(ready, bob), label="Accept")
    [partnership] = await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id)
    await bob.slash(ready.general, "call")
    await talk(ready, room_handle(ready, "alice & bob"), (alice, bob), 10)
    assert await checkin_vias(ready, partnership.id) == {alice.id: CheckinVia.CALL}
    [line] = messages_with(ready.thread(partnership.thread_id), COUNTED)
    assert line.content.startswith("🎙️ You talked for 10 minutes")


async def test_privacy_export_lists_calls_and_delete_removes_them(ready: Server) -> None:
    _category, lena, marcus, partnership, thread = await voice_pair(ready)
    await lena.slash(thread, "call")
    started = ready.env.now()
    room = room_handle(ready, "Lena & Marcus")
    for member in (lena, marcus):
        await member.join_voice(room)
    await advance(ready, 12.5 * MINUTE)  # whole minutes in the export, on both engines
    for member in (lena, marcus):
        await member.leave_voice()
    await voice_message(ready, marcus, thread)

    document = await exported(ready, lena)
    assert document["calls"] == [
        {
            "partnership_id": partnership.id,
            "started_at": started.isoformat(),
            "ended_at": (started + timedelta(minutes=12.5)).isoformat(),
            "minutes": 12,
        }
    ]
    assert [row["via"] for row in document["checkins"]] == [CheckinVia.CALL]
    assert [row["via"] for row in (await exported(ready, marcus))["checkins"]] == [CheckinVia.CALL]

    asked = await lena.slash(ready.general, "privacy delete")
    await lena.click(asked.response.message, label="Delete my data")
    assert (await exported(ready, lena))["calls"] == []
    assert (
        await ready.bot.store.db.fetch_value(
            "SELECT COUNT(*) FROM voice_presence WHERE user_id = ?", (lena.id,)
        )
        == 0
    )
    assert (
        await ready.bot.store.db.fetch_value(
            "SELECT COUNT(*) FROM voice_rooms WHERE opened_by = ?", (lena.id,)
        )
        == 0
    )


async def test_partners_who_only_call_are_never_quiet_and_keep_their_streak(
    ready: Server,
) -> None:
    _category, lena, marcus, partnership, thread = await voice_pair(ready)
    first = datetime(2026, 1, 5, 17, 1, tzinfo=UTC)  # Monday 18:00 in Berlin
    for week in range(4):
        await advance_to(ready, first + timedelta(weeks=week))
        [reminder] = messages_with(thread, "check-in time")[-1:]
        await lena.click(reminder, label="Start a call")
        await talk(ready, room_handle(ready, "Lena & Marcus"), (lena, marcus), 12)
    await advance(ready, 2 * DAY)
    assert messages_with(thread, QUIET_NUDGE) == []
    assert messages_with(thread, "quiet for three weeks") == []
    assert len(messages_with(thread, COUNTED)) == 4
    now = discord.utils.utcnow()
    for member in (lena, marcus):
        assert await ready.bot.store.checkins.streak(ready.guild.id, member.id, now) == 4
    await confirm(ready, lena, marcus, partnership.thread_id, "Chapter 4")
    board = reply(await marcus.slash(ready.general, "leaderboard", period="all"))
    [line] = [line for line in board.splitlines() if lena.mention in line]
    assert line.endswith("1 milestone, 🔥 4 weeks")  # the leaderboard counts calls too


async def test_every_word_of_a_call_passes_the_translation_layer(ready: Server) -> None:
    await voice_on(ready)
    lena = speaks(ready.member("Lena"), PSEUDO)
    marcus = speaks(ready.member("Marcus"), PSEUDO)
    partnership = await pair(ready, lena, marcus)
    thread = ready.thread(partnership.thread_id)
    opened = await lena.slash(thread, "call")
    assert_translated(answer(opened))
    await voice_message(ready, marcus, thread)
    await talk(ready, room_handle(ready, "Lena & Marcus"), (lena, marcus), 12)
    await advance(ready, 10 * MINUTE)
    said = [m for m in thread.history() if "🎙️" in m.content]
    assert len(said) == 3  # the room (now closed), the call, the voice message
    for message in said:
        assert_translated(message)
    off = await ready.moderator.slash(ready.general, "setup", voice_off=True)
    assert "Voice rooms: off" in reply(off)
    refused = await lena.slash(thread, "call")
    assert_translated(answer(refused))
    assert [type(error) for error in ready.errors()] == [UserError]


async def test_the_same_two_in_two_courses_get_a_room_for_each(ready: Server) -> None:
    category = await voice_on(ready)
    lena, marcus = ready.member("Lena"), ready.member("Marcus")
    for course in ("Intro to Python", "Data Science"):
        await find(ready, lena, course=course)
        await find(ready, marcus, course=course)
    pairs = await ready.bot.store.partnerships.active_partnerships(ready.guild.id, lena.id)
    assert len(pairs) == 2
    for course in ("Intro to Python", "Data Science"):
        await lena.slash(ready.general, "call", course=course)
    rooms = rooms_in(ready, category)
    assert len(rooms) == 2
    stored = [channel for p in pairs for _, channel in await rooms_of(ready, p.id)]
    assert sorted(stored) == sorted(room.id for room in rooms)


async def test_a_channel_left_by_an_interrupted_attempt_is_adopted_not_doubled(
    ready: Server,
) -> None:
    category, lena, marcus, partnership, _thread = await voice_pair(ready)
    store = ready.bot.store.voice
    # A press stored its room and created the channel, then the process died.
    asked = await store.open(partnership, lena.id, 10, ready.env.now())
    found = ready.bot.get_channel(category.id)
    assert isinstance(found, discord.CategoryChannel)
    await create_channel(found, partnership, "Lena & Marcus")
    await lena.join_voice(room_handle(ready, "Lena & Marcus"))
    await advance(ready, 3 * MINUTE)  # the claim of the dead attempt lapsed after two
    [room] = rooms_in(ready, category)
    assert await rooms_of(ready, partnership.id) == [(RoomStatus.OPEN, room.id)]
    assert (await store.room(asked.value.id)) is not None
    await marcus.join_voice(room_handle(ready, "Lena & Marcus"))
    await advance(ready, 10 * MINUTE)
    await marcus.leave_voice()
    [line] = messages_with(ready.thread(partnership.thread_id), COUNTED)
    assert line.content.startswith("🎙️ You talked for 10 minutes")


async def test_a_room_discord_would_not_delete_is_deleted_on_a_later_pass(ready: Server) -> None:
    category, lena, _marcus, partnership, _thread = await voice_pair(ready)
    await lena.slash(ready.general, "call")
    ready.env.inject_error("DELETE", "/channels/*", status=500)
    await advance(ready, 30 * MINUTE)
    assert len(rooms_in(ready, category)) == 1  # refused once
    await advance(ready, 2 * MINUTE)
    assert rooms_in(ready, category) == []
    assert [status for status, _ in await rooms_of(ready, partnership.id)] == [RoomStatus.CLOSED]


async def test_partners_gone_while_tandem_was_away_never_get_minutes_it_did_not_see(
    ready: Server,
) -> None:
    _category, lena, marcus, partnership, _thread = await voice_pair(ready)
    await lena.slash(ready.general, "call")
    room = room_handle(ready, "Lena & Marcus")
    await lena.join_voice(room)
    await marcus.join_voice(room)
    await advance(ready, 2 * MINUTE)  # Tandem notes every minute that they are inside
    [stored] = await ready.bot.store.voice.open_in(ready.guild.id)
    # What start-up finds after 15 minutes away: both gone (`catch_up`).
    later = ready.env.now() + timedelta(minutes=15)
    await ready.bot.store.voice.present(stored, set(), later)
    call = await ready.bot.store.voice.call(stored.id, later)
    assert call is not None and call.minutes == 2 and not call.counted
    assert await checkin_vias(ready, partnership.id) == {}


async def test_both_partners_pressing_at_once_open_one_room(ready: Server) -> None:
    """Two presses at the same moment (SimCord runs one interaction at a time, so the two
    presses' store call and Discord attempt are raced here directly)."""
    category, lena, marcus, partnership, _thread = await voice_pair(ready)
    store, now = ready.bot.store.voice, ready.env.now()
    asked = await asyncio.gather(
        store.open(partnership, lena.id, 10, now), store.open(partnership, marcus.id, 10, now)
    )
    assert asked[0].value.id == asked[1].value.id
    assert sorted(press.repeated for press in asked) == [False, True]
    openings = await asyncio.gather(*(open_room(ready.bot, press.value) for press in asked))
    assert sorted(opening.held for opening in openings) == [False, True]
    await ready.env.settle()
    assert len(rooms_in(ready, category)) == 1
    assert len(await rooms_of(ready, partnership.id)) == 1
    assert len(messages_with(ready.thread(partnership.thread_id), "opened a voice room")) == 1
