"""`/checkin`, `/checkin_schedule` and `/checkin_cadence`."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot
from bot.mentors import refuse_checkin
from bot.models import Cadence
from bot.schedule import WeeklyTime
from cogs.checkins.modal import FORM_ID, checkin_form, submit_checkin
from cogs.checkins.schedule import (
    SCHEDULE_FORM_ID,
    propose_cadence,
    propose_time,
    submit_schedule,
)
from cogs.common import (
    Forms,
    partnered_course_autocomplete,
    resolve_partnership,
    route_form,
)
from cogs.common.options import Clock, Weekday, Zone


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
        # The store refuses a mentor's answers (`CheckinStore.record`); asking the same rule
        # here spares a mentor a form they could not send.
        refuse_checkin(partnership, interaction.user.id)
        await interaction.response.send_modal(checkin_form(partnership.id, interaction.user.id))

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[TandemBot]) -> None:
        """Every check-in and new-time form submission, whichever process showed the form."""
        await route_form(interaction, FORMS)

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
        await propose_time(interaction, partnership, weekly)

    @app_commands.guild_only()
    @app_commands.command(
        name="checkin_cadence",
        description="Propose checking in every week or every two weeks to your partner",
    )
    @app_commands.describe(
        every="How often to check in, at your usual day and time",
        course="Which partnership, if you have several",
    )
    @app_commands.choices(
        every=[
            app_commands.Choice(name="Every week", value=Cadence.WEEKLY.value),
            app_commands.Choice(name="Every two weeks", value=Cadence.EVERY_TWO_WEEKS.value),
        ]
    )
    @app_commands.autocomplete(course=partnered_course_autocomplete)
    async def checkin_cadence(
        self,
        interaction: discord.Interaction[TandemBot],
        every: app_commands.Choice[str],
        course: str | None = None,
    ) -> None:
        partnership = await resolve_partnership(interaction, course)
        await propose_cadence(interaction, partnership, Cadence(every.value))


FORMS: Forms = (
    (FORM_ID, submit_checkin, "check-in form"),
    (SCHEDULE_FORM_ID, submit_schedule, "new time form"),
)
