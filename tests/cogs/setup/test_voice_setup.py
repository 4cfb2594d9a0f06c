"""`/setup`'s voice options: a moderator turns voice rooms on under a category, caps them,
turns them off, and reads in the status view what keeps rooms from opening."""

from __future__ import annotations

import discord
import pytest
import simcord

from bot.errors import UserError
from bot.i18n import PSEUDO
from bot.models import RoomStatus, VoiceFault, VoiceSettings
from bot.store.guilds import note_voice_fault
from tests.helpers import Channel, Server, pair, reply, speaks, unmarked


def voice_line(category: Channel, cap: int, opened: int) -> str:
    return f"• Voice rooms: under {category.mention}, at most {cap} at once, {opened} open now"


async def noted(server: Server, fault: VoiceFault) -> None:
    """A fault as Tandem stores it when Discord refuses a room (`note_voice_fault`)."""
    async with server.bot.store.db.transaction() as conn:
        await note_voice_fault(conn, server.guild.id, fault)


async def status(server: Server) -> str:
    return reply(await server.moderator.slash(server.general, "setup"))


def category_of(server: Server, category: Channel) -> discord.CategoryChannel:
    """The category as the bot sees it, to change its permissions as a moderator would."""
    found = server.bot.get_channel(category.id)
    assert isinstance(found, discord.CategoryChannel)
    return found


async def test_moderator_turns_voice_rooms_on_with_a_cap_and_the_status_says_so(
    ready: Server,
) -> None:
    assert "• Voice rooms: off" in (await status(ready)).splitlines()
    category = ready.guild.create_category("Voice rooms")
    result = await ready.moderator.slash(
        ready.general, "setup", voice_category=category, voice_rooms=4
    )
    assert result.ephemeral and reply(result).startswith("✅ Tandem is updated.")
    assert voice_line(category, 4, 0) in reply(result).splitlines()
    assert await ready.bot.store.guilds.voice(ready.guild.id) == VoiceSettings(category.id, 4)

    learner, partner = ready.member("learner"), ready.member("partner")
    partnership = await pair(ready, learner, partner)
    async with ready.bot.store.db.transaction() as conn:
        for room_status in (RoomStatus.OPEN, RoomStatus.CLOSED):
            await conn.execute(
                "INSERT INTO voice_rooms (guild_id, partnership_id, status, opened_at, due_at)"
                " VALUES (?, ?, ?, 0, 0)",
                (ready.guild.id, partnership.id, room_status),
            )
    shown = await status(ready)
    assert voice_line(category, 4, 1) in shown.splitlines() and "⚠️" not in shown

    capped = await ready.moderator.slash(ready.general, "setup", voice_rooms=50)
    assert voice_line(category, 50, 1) in reply(capped).splitlines()


async def test_a_cap_outside_1_to_50_is_refused_by_discord(ready: Server) -> None:
    for cap in (0, 51):
        with pytest.raises(simcord.OptionError, match="voice_rooms"):
            await ready.moderator.slash(ready.general, "setup", voice_rooms=cap)
    assert await ready.bot.store.guilds.voice(ready.guild.id) == VoiceSettings()


async def test_a_category_where_the_bot_cannot_manage_channels_is_refused(ready: Server) -> None:
    category = ready.guild.create_category("Voice rooms")
    await category_of(ready, category).set_permissions(ready.guild.me, manage_channels=False)
    refused = await ready.moderator.slash(
        ready.general, "setup", voice_category=category, voice_rooms=3
    )
    assert refused.ephemeral
    assert reply(refused) == "\n".join(
        ["I'm missing permissions I need:", f"{category.mention}: Manage Channels"]
    )
    assert await ready.bot.store.guilds.voice(ready.guild.id) == VoiceSettings()
    assert all(isinstance(error, UserError) for error in ready.errors())


async def test_a_permission_lost_later_shows_in_the_status(ready: Server) -> None:
    category = ready.guild.create_category("Voice rooms")
    await ready.moderator.slash(ready.general, "setup", voice_category=category)
    await category_of(ready, category).set_permissions(ready.guild.me, connect=False, speak=False)
    lines = (await status(ready)).splitlines()
    assert f"⚠️ Missing permissions: {category.mention}: Connect, Speak" in lines


async def test_voice_off_turns_voice_rooms_off_and_keeps_the_cap(ready: Server) -> None:
    category = ready.guild.create_category("Voice rooms")
    await ready.moderator.slash(ready.general, "setup", voice_category=category, voice_rooms=7)
    both = await ready.moderator.slash(
        ready.general, "setup", voice_category=category, voice_off=True
    )
    assert reply(both) == "Name either `voice_category` or `voice_off`, not both."
    assert (await ready.bot.store.guilds.voice(ready.guild.id)).on

    off = await ready.moderator.slash(ready.general, "setup", voice_off=True)
    assert "• Voice rooms: off" in reply(off).splitlines()
    assert await ready.bot.store.guilds.voice(ready.guild.id) == VoiceSettings(None, 7)
    assert all(isinstance(error, UserError) for error in ready.errors())


async def test_each_stored_fault_has_its_status_line_until_a_new_category(ready: Server) -> None:
    category = ready.guild.create_category("Voice rooms")
    await ready.moderator.slash(ready.general, "setup", voice_category=category)
    for fault, line in (
        (VoiceFault.CHANNEL_LIMIT, "⚠️ Voice rooms: the server has reached Discord's limit of 500"),
        (VoiceFault.MISSING_PERMISSIONS, "⚠️ Voice rooms: Discord refused to open or close a"),
        (VoiceFault.CATEGORY_GONE, "⚠️ Voice rooms: the category was deleted; name another"),
        (VoiceFault.RATE_LIMITED, "⚠️ Voice rooms: Discord is slowing down new channels"),
    ):
        await noted(ready, fault)
        faults = [shown for shown in (await status(ready)).splitlines() if "⚠️" in shown]
        assert len(faults) == 1 and faults[0].startswith(line), fault

    other = ready.guild.create_category("Calls")
    renamed = await ready.moderator.slash(ready.general, "setup", voice_category=other)
    assert "⚠️" not in reply(renamed)
    assert (await ready.bot.store.guilds.voice(ready.guild.id)).fault is None


async def test_a_deleted_category_is_said_once(ready: Server) -> None:
    category = ready.guild.create_category("Voice rooms")
    await ready.moderator.slash(ready.general, "setup", voice_category=category)
    await category_of(ready, category).delete()
    await noted(ready, VoiceFault.CATEGORY_GONE)
    faults = [line for line in (await status(ready)).splitlines() if "⚠️" in line]
    assert faults == ["⚠️ Voice rooms: the category was deleted; name another with `voice_category`"]


async def test_voice_lines_speak_the_moderator_language(ready: Server) -> None:
    category = ready.guild.create_category("Voice rooms")
    await ready.moderator.slash(ready.general, "setup", voice_category=category)
    await category_of(ready, category).set_permissions(ready.guild.me, manage_channels=False)
    await noted(ready, VoiceFault.CHANNEL_LIMIT)
    speaks(ready.moderator, PSEUDO)
    on = (await status(ready)).splitlines()[-3:]
    assert on[0].startswith("⟦• Voice rooms: under ⟧") and "⟦Manage Channels⟧" in on[1]
    await ready.moderator.slash(ready.general, "setup", voice_off=True)
    off = (await status(ready)).splitlines()[-1]
    assert [unmarked(line) for line in (*on, off)] == ["", "", "", ""]
