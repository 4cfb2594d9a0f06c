"""`/leaderboard`: members ranked by confirmed milestones, then by check-in streak."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot
from bot.models import Period, Role
from bot.ranking import shared_places
from bot.replies import NO_PINGS
from cogs.common import guild_id_of
from cogs.common.text import badges, mention, streak_label

TOP = 10
# Mentoring is ranked by nothing: the milestones are the mentee's, and mentors never check in.
MENTOR_UNRANKED = (
    "🧭 You are a **mentor**: your mentee's confirmed milestones count for them, and mentors "
    "don't check in, so mentoring neither ranks you nor costs you a streak."
)
TITLES = {Period.WEEK: "this week", Period.MONTH: "the last 30 days", Period.ALL: "all time"}


class LeaderboardCog(commands.Cog):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="leaderboard", description="Members ranked by confirmed milestones, then streak"
    )
    @app_commands.describe(period="Which milestones count")
    @app_commands.choices(
        period=[app_commands.Choice(name=period, value=period) for period in Period]
    )
    @app_commands.guild_only()
    async def leaderboard(
        self, interaction: discord.Interaction[TandemBot], period: str = Period.WEEK
    ) -> None:
        """The top ten and the caller's own place, read from counts kept up to date."""
        guild_id = guild_id_of(interaction)
        chosen = Period(period) if period in set(Period) else Period.WEEK
        store = self.bot.store.leaderboard
        top = await store.top(guild_id, chosen, discord.utils.utcnow(), TOP)
        me = interaction.user.id
        roles = await self.bot.store.partnerships.active_roles(
            guild_id, [ranked.user_id for ranked in top] + [me]
        )
        fortnightly = await self.bot.store.partnerships.every_two_weeks(
            guild_id, [ranked.user_id for ranked in top]
        )
        lines = [
            f"{place}. {mention(ranked.user_id)}{badges(roles.get(ranked.user_id, ()))}:"
            f" {ranked.confirmed} "
            f"milestone{'' if ranked.confirmed == 1 else 's'}, "
            f"🔥 {streak_label(ranked.streak, weekly=ranked.user_id not in fortnightly)}"
            for place, ranked in zip(
                shared_places([(r.confirmed, r.streak) for r in top]), top, strict=True
            )
        ]
        hidden = (await self.bot.store.profiles.profile(guild_id, me)).leaderboard_hidden
        standing = None if hidden else await store.standing(guild_id, chosen, me)
        if hidden:
            mine = "You are hidden from the leaderboard (`/profile leaderboard:show` to appear)."
        elif standing is not None:
            mine = f"You are **#{standing[0]}** of {standing[1]}{badges(roles.get(me, ()))}."
        elif Role.MENTOR in roles.get(me, ()):
            mine = MENTOR_UNRANKED
        else:
            mine = "You have no confirmed milestones in this period yet. Your first one is waiting!"
        body = "\n".join(lines) or "No confirmed milestones yet."
        await interaction.response.send_message(
            f"**Leaderboard, {TITLES[chosen]}**\n{body}\n\n{mine}",
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
