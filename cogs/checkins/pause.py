"""`/pause start` and `/pause end`: a planned break, announced to the partner."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot
from bot.pauses import PAUSE_WEEKS
from cogs.checkins import messages
from cogs.checkins.views import ComeBackButton, end_break
from cogs.common import partnered_course_autocomplete, resolve_partnership, view_of
from cogs.common.guide import how_it_works
from cogs.common.outbox import PartnerIs, reply_stored
from cogs.common.text import weeks_label
from cogs.common.threads import member_zone

WEEK_CHOICES = [app_commands.Choice(name=weeks_label(n), value=n) for n in PAUSE_WEEKS]


@app_commands.guild_only()
class PauseCog(
    commands.GroupCog,
    group_name="pause",
    group_description="Take a planned break from check-ins without losing your streak",
):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="start", description="Announce a break of one or two weeks")
    @app_commands.describe(
        weeks="How long, from now", course="Which partnership, if you have several"
    )
    @app_commands.choices(weeks=WEEK_CHOICES)
    @app_commands.autocomplete(course=partnered_course_autocomplete)
    async def start(
        self, interaction: discord.Interaction[TandemBot], weeks: int, course: str | None = None
    ) -> None:
        partnership = await resolve_partnership(interaction, course)
        member = interaction.user.id
        zone = await member_zone(self.bot, partnership, member)
        await interaction.response.defer(ephemeral=True, thinking=True)
        started = await self.bot.store.pauses.start(
            partnership, member, weeks, discord.utils.utcnow(), zone
        )
        until = started.value.planned_end
        await reply_stored(
            interaction,
            partnership,
            started,
            saved=messages.break_started(until),
            repeated=messages.already_on_break(until),
            partner_is=PartnerIs.TOLD,
            view=view_of(
                ComeBackButton(partnership.id, member, started.value.id), how_it_works("breaks")
            ),
        )

    @app_commands.command(name="end", description="Come back from your break early")
    @app_commands.describe(course="Which partnership, if you have several")
    @app_commands.autocomplete(course=partnered_course_autocomplete)
    async def end(
        self, interaction: discord.Interaction[TandemBot], course: str | None = None
    ) -> None:
        await end_break(interaction, await resolve_partnership(interaction, course))
