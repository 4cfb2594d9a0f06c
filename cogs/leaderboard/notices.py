"""How the leaderboard's outbox rows are drawn: the cheer of a confirmed milestone, the recap."""

from __future__ import annotations

import discord

from bot.app import TandemBot
from bot.i18n import _
from bot.models import FORMER_MEMBER, MilestoneStatus, NoticeKind, Partnership
from bot.store.outbox import OutboxRow
from cogs.common.outbox import Outbox, Rendered, outcome
from cogs.common.text import streak_label
from cogs.common.threads import guild_member
from cogs.leaderboard import messages
from cogs.leaderboard.recap import render_recap


async def render_celebration(
    bot: TandemBot, row: OutboxRow, _partnership: Partnership | None
) -> Rendered | None:
    """A public cheer with the title and streak only; check-in answers never leave the thread.

    The member is named as text, with their avatar, as the embed's author: a mention in
    an embed shows as "@unknown-user" to readers whose client has not met them. A member
    who hides from the leaderboard is not named: the cheer is anonymous. Nobody is pinged.
    """
    milestone = await bot.store.milestones.milestone(row.episode)
    if milestone is None or milestone.status is not MilestoneStatus.CONFIRMED:
        # Its member erased their data after the cheer: it stays a cheer, for nobody.
        return outcome(row, Rendered(embed=cheer(_(messages.FORGOTTEN))))
    owner, guild_id = milestone.owner_id, milestone.guild_id
    title = milestone.title or _(messages.UNTITLED)
    profile = await bot.store.profiles.profile(guild_id, owner)
    hidden = profile.leaderboard_hidden or owner <= FORMER_MEMBER
    member = None if hidden else await guild_member(bot, guild_id, owner)
    if member is None:  # hidden, or gone from the server: a cheer without a name
        return Rendered(embed=cheer(messages.completed(_(messages.ANONYMOUS), title)))
    count = await bot.store.checkins.streak(guild_id, owner, discord.utils.utcnow())
    fortnightly = (await bot.store.partnerships.badges(guild_id, [owner])).fortnightly
    streak = streak_label(count, weekly=not fortnightly)
    name = discord.utils.escape_markdown(member.display_name)
    embed = cheer(messages.completed(name, title), streak)
    embed.set_author(name=member.display_name, icon_url=member.display_avatar.url)
    return Rendered(embed=embed)


def cheer(description: str, streak: str | None = None) -> discord.Embed:
    embed = discord.Embed(
        title=_(messages.CHEER_TITLE), description=description, colour=discord.Colour.gold()
    )
    if streak is not None:
        embed.add_field(name=_(messages.CHEER_STREAK), value=streak)
    return embed


def register(outbox: Outbox) -> None:
    outbox.register(NoticeKind.CELEBRATION, render_celebration)
    outbox.register(NoticeKind.RECAP, render_recap)
