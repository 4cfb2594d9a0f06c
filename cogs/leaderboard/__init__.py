"""Leaderboard: celebrations of confirmed milestones and `/leaderboard`."""

from __future__ import annotations

from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot
from bot.checkins import streak
from bot.models import FORMER_MEMBER, MilestoneStatus, NoticeKind, Partnership
from bot.replies import NO_PINGS
from bot.store.outbox import OutboxRow
from cogs.common import guild_id_of
from cogs.common.outbox import Rendered
from cogs.common.text import mention

PERIODS = {"week": timedelta(days=7), "month": timedelta(days=30), "all": None}
TOP = 10


def weeks_label(count: int) -> str:
    return f"{count} week{'' if count == 1 else 's'}"


async def render_celebration(
    bot: TandemBot, row: OutboxRow, _partnership: Partnership | None
) -> Rendered | None:
    """A public cheer with the title and streak only; check-in answers never leave the thread.

    A member who hides from the leaderboard is not named: the cheer is anonymous.
    """
    milestone = await bot.store.milestones.milestone(row.episode)
    if milestone is None or milestone.status is not MilestoneStatus.CONFIRMED:
        # Its member erased their data after the cheer: it stays a cheer, for nobody.
        return None if row.message_id is None else Rendered(embed=cheer("A member", None))
    owner = milestone.owner_id
    profile = await bot.store.profiles.profile(milestone.guild_id, owner)
    if profile.leaderboard_hidden or owner <= FORMER_MEMBER:
        who, weeks = "A member", None
    else:
        who = mention(owner)
        weeks = streak(
            await bot.store.checkins.weeks(milestone.guild_id, owner), discord.utils.utcnow()
        )
    return Rendered(embed=cheer(f"{who} completed **{milestone.title or 'a milestone'}**", weeks))


def cheer(description: str, weeks: int | None) -> discord.Embed:
    embed = discord.Embed(
        title="🎉 Milestone reached!", description=description, colour=discord.Colour.gold()
    )
    if weeks is not None:
        embed.add_field(name="Check-in streak", value=weeks_label(weeks))
    return embed


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


async def setup(bot: TandemBot) -> None:
    bot.outbox.register(NoticeKind.CELEBRATION, render_celebration)
    await bot.add_cog(LeaderboardCog(bot))
