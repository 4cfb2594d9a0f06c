"""Voice check-ins: `/call` and **Start a call** open the pair's private voice room, the
voice-state events time the call, and a voice message in the thread is a check-in too.

Opening answers the presser privately and tells the partner in the thread; what counts
a call (`bot.calls`) and when rooms close live in the store and the scheduler's job
(`cogs.checkins.rooms`), so a restart in the middle changes nothing.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot
from bot.errors import UserError
from bot.i18n import _
from bot.mentors import refuse_checkin
from bot.models import Partnership, RoomStatus, VoiceFault
from bot.replies import NO_PINGS
from cogs.checkins import messages
from cogs.checkins.modal import checkin_form
from cogs.checkins.rooms import Opening, catch_up, leave_server, notice_gone, open_room
from cogs.common import (
    SafeButton,
    button,
    guild_id_of,
    pair_member,
    partnered_course_autocomplete,
    resolve_partnership,
    tandem,
    view_of,
)


def room_link(guild_id: int, channel_id: int) -> discord.ui.Button[discord.ui.View]:
    """**Join the room**: a link straight into the voice channel."""
    url = f"https://discord.com/channels/{guild_id}/{channel_id}"
    return discord.ui.Button(label=_(messages.JOIN_ROOM), url=url)


class StartCallButton(SafeButton, template=r"tandem:call:(?P<partnership_id>\d+)"):
    """Under the check-in reminder while voice rooms are on: either partner opens the room."""

    def __init__(self, partnership_id: int) -> None:
        super().__init__(
            button(
                _(messages.START_CALL), f"tandem:call:{partnership_id}", discord.ButtonStyle.success
            )
        )
        self.partnership_id = partnership_id

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        await start_call(interaction, await pair_member(interaction, self.partnership_id))


class AddNotesButton(SafeButton, template=r"tandem:call-notes:(?P<partnership_id>\d+)"):
    """Under a call or voice message that counted: the usual form, for written notes."""

    def __init__(self, partnership_id: int) -> None:
        super().__init__(
            button(
                _(messages.ADD_NOTES),
                f"tandem:call-notes:{partnership_id}",
                discord.ButtonStyle.secondary,
            )
        )
        self.partnership_id = partnership_id

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        partnership = await pair_member(interaction, self.partnership_id)
        refuse_checkin(partnership, interaction.user.id)
        await interaction.response.send_modal(checkin_form(partnership.id, interaction.user.id))


async def start_call(interaction: discord.Interaction[Any], partnership: Partnership) -> None:
    """Open the pair's room, or point to the one already open; the presser hears privately."""
    bot = tandem(interaction)
    settings = await bot.store.guilds.voice(partnership.guild_id)
    if not settings.on:
        raise UserError(_(messages.VOICE_OFF))
    await interaction.response.defer(ephemeral=True, thinking=True)
    now = discord.utils.utcnow()
    asked = await bot.store.voice.open(partnership, interaction.user.id, settings.cap, now)
    room = asked.value
    if room.status is RoomStatus.OPEN and room.channel_id is not None:
        await _answer(interaction, messages.room_open(f"<#{room.channel_id}>"), room.channel_id)
    elif asked.repeated:
        await _answer(interaction, _(messages.ROOM_OPENING))
    else:
        await _answer_opening(interaction, await open_room(bot, room))


async def _answer_opening(interaction: discord.Interaction[Any], opening: Opening) -> None:
    if opening.channel_id is not None:
        text = messages.room_open(f"<#{opening.channel_id}>")
        await _answer(interaction, text, opening.channel_id)
    elif opening.held:
        await _answer(interaction, _(messages.ROOM_OPENING))
    elif opening.fault is None:
        await _answer(interaction, _(messages.ROOM_WAITING))
    else:
        raise UserError(await _refusal(interaction, opening))


async def _refusal(interaction: discord.Interaction[Any], opening: Opening) -> str:
    if opening.fault is VoiceFault.CHANNEL_LIMIT:
        return _(messages.CHANNEL_LIMIT)
    if opening.fault is VoiceFault.CATEGORY_GONE:
        return _(messages.CATEGORY_GONE)
    if not opening.missing:  # Discord refused what the category seems to allow
        return _(messages.DISCORD_REFUSED)
    settings = await tandem(interaction).store.guilds.voice(opening.room.guild_id)
    return messages.missing_for_rooms(list(opening.missing), f"<#{settings.category_id}>")


async def _answer(
    interaction: discord.Interaction[Any], text: str, channel_id: int | None = None
) -> None:
    link = () if channel_id is None else (room_link(guild_id_of(interaction), channel_id),)
    await interaction.followup.send(
        text, ephemeral=True, allowed_mentions=NO_PINGS, view=view_of(*link)
    )


class CallCog(commands.Cog):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot

    @app_commands.guild_only()
    @app_commands.command(
        name="call", description="Open a private voice room for you and your partner"
    )
    @app_commands.describe(course="Which partnership, if you have several")
    @app_commands.autocomplete(course=partnered_course_autocomplete)
    async def call(
        self, interaction: discord.Interaction[TandemBot], course: str | None = None
    ) -> None:
        await start_call(interaction, await resolve_partnership(interaction, course))

    @commands.Cog.listener()
    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        """A partner entering or leaving their room: the stays that time the call."""
        if before.channel == after.channel:
            return  # muted, deafened, streaming: no move
        now = discord.utils.utcnow()
        store = self.bot.store.voice
        if before.channel is not None and (room := await store.room_in(before.channel.id)):
            left = await store.left(room, member.id, now)
            await self.bot.outbox.flush(left.notices)
        if after.channel is not None and (room := await store.room_in(after.channel.id)):
            await store.joined(room, member.id, now)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await notice_gone(self.bot, channel.id)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await catch_up(self.bot, guild)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await leave_server(self.bot, guild.id)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """A partner's voice message in their thread is their check-in for the week.

        Discord marks it with a flag the bot reads without the message content intent;
        nothing of its audio is kept.
        """
        if not message.flags.voice or not isinstance(message.channel, discord.Thread):
            return
        partnership = await self.bot.store.partnerships.partnership_in_thread(message.channel.id)
        if (
            partnership is None
            or partnership.ended_at is not None
            or not partnership.checks_in(message.author.id)
            or not partnership.includes(message.author.id)
        ):
            return
        counted = await self.bot.store.checkins.voice_message(
            partnership, message.author.id, discord.utils.utcnow()
        )
        await self.bot.outbox.flush(counted.notices)


DYNAMIC_ITEMS = (StartCallButton, AddNotesButton)
