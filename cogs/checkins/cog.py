"""`/checkin` and `/checkin_schedule`."""

from __future__ import annotations

from typing import Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot
from bot.replies import report_error
from bot.schedule import WeeklyTime
from cogs.checkins.modal import FORM_ID, checkin_form, submit_checkin
from cogs.common import (
    partnered_course_autocomplete,
    resolve_partnership,
)
from cogs.common.options import Clock, Weekday, Zone
from cogs.common.outbox import reply_stored


class CheckinCog(commands.Cog):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot

    @app_commands.guild_only()
    @app_commands.command(name="checkin", description="Answer this week's three check-in questions")
    @app_commands.describe(course="Which partnership, if you have several")
    @app_commands.autocomplete(course=partnered_course_autocomplete)
    async def checkin(
        self, interaction: discord.Interaction[TandemBot], course: str | None = None
    ) -> None:
        partnership = await resolve_partnership(interaction, course)
        await interaction.response.send_modal(checkin_form(partnership.id, interaction.user.id))

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[TandemBot]) -> None:
        """Every check-in form submission, whichever process showed the form."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data = cast(dict[str, Any], interaction.data or {})
        match = FORM_ID.match(str(data.get("custom_id", "")))
        if match is None:
            return
        try:
            await submit_checkin(interaction, int(match["partnership_id"]), int(match["member_id"]))
        except Exception as error:
            await report_error(interaction, error, "check-in form")

    @app_commands.guild_only()
    @app_commands.command(
        name="checkin_schedule", description="Propose a new weekly check-in time to your partner"
    )
    @app_commands.describe(
        checkin_day="New day of the weekly check-in",
        checkin_time="New time, 24-hour HH:MM in the time zone below",
        timezone="Time zone of that time, e.g. Europe/Berlin",
        course="Which partnership, if you have several",
    )
    @app_commands.autocomplete(course=partnered_course_autocomplete)
    async def checkin_schedule(
        self,
        interaction: discord.Interaction[TandemBot],
        checkin_day: Weekday,
        checkin_time: Clock,
        timezone: Zone,
        course: str | None = None,
    ) -> None:
        weekly = WeeklyTime(weekday=checkin_day, minute=checkin_time, zone=timezone)
        partnership = await resolve_partnership(interaction, course)
        await interaction.response.defer(ephemeral=True, thinking=True)
        proposed = await self.bot.store.checkins.propose(
            partnership, interaction.user.id, weekly, discord.utils.utcnow()
        )
        label = f"**{weekly.label()}**"
        await reply_stored(
            interaction,
            partnership,
            proposed,
            saved=f"Your proposal of {label} is saved.",
            repeated=f"You already proposed {label}; it waits for your partner.",
            partner_is="asked to confirm it",
        )
