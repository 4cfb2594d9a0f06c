"""`/checkin`, `/checkin_schedule` and the reminder loop's timer."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.app import TandemBot
from bot.replies import NO_PINGS
from cogs.checkins.loop import ReminderLoop
from cogs.checkins.messages import schedule_proposal
from cogs.checkins.modal import CheckinModal
from cogs.checkins.views import ScheduleConfirmButton, view_of
from cogs.common import WEEKDAY_CHOICES, resolve_partnership, zone_autocomplete
from cogs.pairing.cog import partnered_course_autocomplete, weekly_from_options
from cogs.pairing.threads import ensure_thread, member_zones, pings

log = logging.getLogger(__name__)


class CheckinCog(commands.Cog):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot
        self.reminders = ReminderLoop(bot)

    async def cog_load(self) -> None:
        self.reminder_loop.change_interval(seconds=self.bot.settings.reminder_interval_seconds)
        self.reminder_loop.start()

    async def cog_unload(self) -> None:
        self.reminder_loop.cancel()

    @tasks.loop(seconds=60)
    async def reminder_loop(self) -> None:
        try:
            await self.reminders.tick()
        except Exception:
            # The loop must survive anything; what failed is retried next tick.
            log.exception("reminder loop tick failed")

    @reminder_loop.before_loop
    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    @app_commands.guild_only()
    @app_commands.command(name="checkin", description="Answer this week's three check-in questions")
    @app_commands.describe(course="Which partnership, if you have several")
    @app_commands.autocomplete(course=partnered_course_autocomplete)
    async def checkin(
        self, interaction: discord.Interaction[TandemBot], course: str | None = None
    ) -> None:
        partnership = await resolve_partnership(interaction, course)
        await interaction.response.send_modal(CheckinModal(partnership.id))

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
    @app_commands.choices(checkin_day=WEEKDAY_CHOICES)
    @app_commands.autocomplete(timezone=zone_autocomplete, course=partnered_course_autocomplete)
    async def checkin_schedule(
        self,
        interaction: discord.Interaction[TandemBot],
        checkin_day: int,
        checkin_time: str,
        timezone: str,
        course: str | None = None,
    ) -> None:
        weekly = weekly_from_options(checkin_day, checkin_time, timezone)
        partnership = await resolve_partnership(interaction, course)
        now = discord.utils.utcnow()
        await interaction.response.defer(ephemeral=True, thinking=True)
        proposal_id = await self.bot.store.checkins.propose(
            partnership, interaction.user.id, weekly, now
        )
        thread = await ensure_thread(self.bot, partnership)
        text = schedule_proposal(
            partnership,
            interaction.user.id,
            weekly.next_after(now),
            await member_zones(self.bot, partnership),
        )
        await thread.send(
            text,
            view=view_of(ScheduleConfirmButton(proposal_id)),
            allowed_mentions=pings(partnership),
        )
        await interaction.followup.send(
            f"I asked your partner in {thread.mention} to confirm **{weekly.label()}**.",
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
