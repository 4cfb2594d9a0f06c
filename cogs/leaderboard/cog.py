"""`/leaderboard`: members ranked by confirmed milestones, then by check-in streak."""

from __future__ import annotations

from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot
from bot.checkins import streak
from bot.replies import NO_PINGS
from cogs.common import guild_id_of
from cogs.common.text import mention, weeks_label

PERIODS = {"week": timedelta(days=7), "month": timedelta(days=30), "all": None}
TOP = 10


class LeaderboardCog(commands.Cog):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="leaderboard", description="Members ranked by confirmed milestones, then streak"
    )
    @app_commands.describe(period="Which milestones count")
    @app_commands.choices(period=[app_commands.Choice(name=name, value=name) for name in PERIODS])
    @app_commands.guild_only()
    async def leaderboard(
        self, interaction: discord.Interaction[TandemBot], period: str = "week"
    ) -> None:
        guild_id = guild_id_of(interaction)
        span = PERIODS.get(period, PERIODS["week"])
        now = discord.utils.utcnow()
        store = self.bot.store.leaderboard
        counts = await store.confirmed_counts(guild_id, None if span is None else now - span)
        weeks = await self.bot.store.checkins.weeks_of(guild_id, list(counts))
        ranking = sorted(counts, key=lambda user: (-counts[user], -streak(weeks[user], now), user))
        lines = [
            f"{place}. {mention(user)}: {counts[user]} milestone{'' if counts[user] == 1 else 's'}, "
            f"🔥 {weeks_label(streak(weeks[user], now))}"
            for place, user in enumerate(ranking[:TOP], start=1)
        ]
        me = interaction.user.id
        hidden = (await self.bot.store.profiles.profile(guild_id, me)).leaderboard_hidden
        if hidden:
            mine = "You are hidden from the leaderboard (`/profile leaderboard:show` to appear)."
        elif me in counts:
            mine = f"You are **#{ranking.index(me) + 1}** of {len(ranking)}."
        else:
            mine = "You have no confirmed milestones in this period yet. Your first one is waiting!"
        title = {"week": "this week", "month": "the last 30 days", "all": "all time"}.get(
            period, "this week"
        )
        body = "\n".join(lines) or "No confirmed milestones yet."
        await interaction.response.send_message(
            f"**Leaderboard, {title}**\n{body}\n\n{mine}", ephemeral=True, allowed_mentions=NO_PINGS
        )
