"""`/progress` and the **My progress** button: a picture of a partnership's weeks since it
began, a streak, milestones done and the pool."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot
from bot.errors import UserError
from bot.i18n import _
from bot.models import Partnership
from bot.replies import NO_PINGS
from cogs.common import guild_id_of, in_course, partnered_course_autocomplete, resolve_partnership
from cogs.common.pictures import display_name, drawn_in_thread, picture_file
from cogs.common.text import badge
from cogs.common.threads import member_zone
from cogs.progress.card import FILENAME, Person, draw_card, shown_cells
from cogs.progress.messages import NOT_YOUR_PARTNER, SEVERAL_SHARED, heading


async def show_card(
    interaction: discord.Interaction[TandemBot],
    partnership: Partnership,
    focus: int,
    *,
    private: bool,
) -> None:
    """Answer with `focus`'s card of the pair, dated on the clocks of the member asking."""
    bot = interaction.client
    await interaction.response.defer(ephemeral=private, thinking=True)
    zone = await member_zone(bot, partnership, interaction.user.id)
    stored = await bot.store.progress.card(partnership, discord.utils.utcnow(), zone)
    card = stored.focused_on(focus)  # a mentor's card is their mentee's
    people = {
        user_id: Person(
            await display_name(bot, partnership.guild_id, user_id),
            badge(partnership.role_of(user_id)),
        )
        for user_id in partnership.members
    }
    picture = await drawn_in_thread(lambda: draw_card(card, people))
    await interaction.followup.send(
        heading(people[card.members[0].user_id].name, partnership.course, shown_cells(card)),
        file=picture_file(picture, FILENAME),
        ephemeral=private,
        allowed_mentions=NO_PINGS,
    )


class ProgressCog(commands.Cog):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="progress", description="A picture of your partnership's weeks, streak and pool"
    )
    @app_commands.describe(
        course="Which partnership, if you have several",
        member="Your partner, to see their card (default: yours)",
    )
    @app_commands.autocomplete(course=partnered_course_autocomplete)
    @app_commands.guild_only()
    async def progress(
        self,
        interaction: discord.Interaction[TandemBot],
        course: str | None = None,
        member: discord.Member | None = None,
    ) -> None:
        """Ephemeral, except in the pair's own thread, which only the two partners see."""
        partnership = await self._partnership(interaction, course, member)
        in_thread = partnership.thread_id == interaction.channel_id
        focus = member.id if member else interaction.user.id
        await show_card(interaction, partnership, focus, private=not in_thread)

    async def _partnership(
        self,
        interaction: discord.Interaction[TandemBot],
        course: str | None,
        member: discord.Member | None,
    ) -> Partnership:
        """The caller's own partnership, or the one they share with `member`."""
        if member is None or member.id == interaction.user.id:
            return await resolve_partnership(interaction, course)
        mine = await self.bot.store.partnerships.active_partnerships(
            guild_id_of(interaction), interaction.user.id
        )
        shared = [pair for pair in in_course(mine, course) if pair.includes(member.id)]
        if not shared:
            raise UserError(_(NOT_YOUR_PARTNER))
        here = [pair for pair in shared if pair.thread_id == interaction.channel_id]
        if not here and len(shared) > 1:
            raise UserError(_(SEVERAL_SHARED))
        return (here or shared)[0]
