"""`/leaderboard`: members ranked by confirmed milestones, then by check-in streak."""

from __future__ import annotations

from collections.abc import Collection

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot
from bot.i18n import _
from bot.models import Period, Role
from bot.ranking import shared_places
from bot.replies import NO_PINGS
from cogs.common import guild_id_of
from cogs.common.text import badges, mention, streak_label
from cogs.leaderboard import messages

TOP = 10
# Wider periods hold every confirmation of a narrower one: where else a member may count.
WIDER = {Period.WEEK: (Period.MONTH, Period.ALL), Period.MONTH: (Period.ALL,), Period.ALL: ()}


class LeaderboardCog(commands.Cog):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="leaderboard", description="Members ranked by confirmed milestones, then streak"
    )
    @app_commands.describe(period="Which milestones count")
    @app_commands.choices(
        period=[
            app_commands.Choice(name=messages.HEADINGS[period], value=period) for period in Period
        ]
    )
    @app_commands.guild_only()
    async def leaderboard(
        self, interaction: discord.Interaction[TandemBot], period: str = Period.WEEK
    ) -> None:
        """The top ten and the caller's own place, read from counts kept up to date."""
        guild_id = guild_id_of(interaction)
        chosen = Period(period) if period in set(Period) else Period.WEEK
        top = await self.bot.store.leaderboard.top(guild_id, chosen, discord.utils.utcnow(), TOP)
        me = interaction.user.id
        shown = await self.bot.store.partnerships.badges(
            guild_id, [ranked.user_id for ranked in top] + [me]
        )
        roles = shown.roles
        lines = [
            messages.ranked_line(
                place,
                mention(ranked.user_id) + badges(roles.get(ranked.user_id, ())),
                ranked.confirmed,
                streak_label(ranked.streak, weekly=ranked.user_id not in shown.fortnightly),
            )
            for place, ranked in zip(
                shared_places([(r.confirmed, r.streak) for r in top]), top, strict=True
            )
        ]
        mine = await self._yours(guild_id, me, chosen, roles.get(me, ()))
        body = "\n".join(lines) or _(messages.EMPTY)
        await interaction.response.send_message(
            f"{messages.heading(chosen)}\n{body}\n\n{mine}",
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    async def _yours(self, guild_id: int, me: int, period: Period, roles: Collection[Role]) -> str:
        """The caller's place, or why they have none: hidden, counted only in a wider
        period, a mentor (whose mentee's milestones are the mentee's), or not yet."""
        if (await self.bot.store.profiles.profile(guild_id, me)).leaderboard_hidden:
            return _(messages.HIDDEN)
        store = self.bot.store.leaderboard
        place = await store.place(guild_id, period, me)
        if place is not None:
            return messages.your_place(place, period, badges(roles))
        counts = await store.confirmed(guild_id, me, discord.utils.utcnow())
        wider = next((other for other in WIDER[period] if counts[other]), None)
        if wider is not None:
            return messages.elsewhere(period, counts[wider], wider)
        if Role.MENTOR in roles:
            return _(messages.MENTOR_UNRANKED)
        return _(messages.FIRST_WAITING)
