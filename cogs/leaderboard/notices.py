"""How the leaderboard's outbox rows are drawn: the cheer of a confirmed milestone, the recap."""

from __future__ import annotations

import discord

from bot.app import TandemBot
from bot.models import FORMER_MEMBER, MilestoneStatus, NoticeKind, Partnership
from bot.store.outbox import OutboxRow
from cogs.common.outbox import Outbox, Rendered, outcome
from cogs.common.text import mention, streak_label
from cogs.leaderboard.recap import render_recap


async def render_celebration(
    bot: TandemBot, row: OutboxRow, _partnership: Partnership | None
) -> Rendered | None:
    """A public cheer with the title and streak only; check-in answers never leave the thread.

    A member who hides from the leaderboard is not named: the cheer is anonymous.
    """
    milestone = await bot.store.milestones.milestone(row.episode)
    if milestone is None or milestone.status is not MilestoneStatus.CONFIRMED:
        # Its member erased their data after the cheer: it stays a cheer, for nobody.
        return outcome(row, Rendered(embed=cheer("A member", None)))
    owner = milestone.owner_id
    profile = await bot.store.profiles.profile(milestone.guild_id, owner)
    if profile.leaderboard_hidden or owner <= FORMER_MEMBER:
        who, streak = "A member", None
    else:
        who = mention(owner)
        count = await bot.store.checkins.streak(milestone.guild_id, owner, discord.utils.utcnow())
        fortnightly = await bot.store.partnerships.every_two_weeks(milestone.guild_id, [owner])
        streak = streak_label(count, weekly=not fortnightly)
    return Rendered(embed=cheer(f"{who} completed **{milestone.title or 'a milestone'}**", streak))


def cheer(description: str, streak: str | None) -> discord.Embed:
    embed = discord.Embed(
        title="🎉 Milestone reached!", description=description, colour=discord.Colour.gold()
    )
    if streak is not None:
        embed.add_field(name="Check-in streak", value=streak)
    return embed


def register(outbox: Outbox) -> None:
    outbox.register(NoticeKind.CELEBRATION, render_celebration)
    outbox.register(NoticeKind.RECAP, render_recap)
