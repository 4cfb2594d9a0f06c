"""Opening and closing the private thread of a partnership."""

from __future__ import annotations

import logging

import discord

from bot.app import TandemBot
from bot.errors import UserError
from bot.models import Partnership
from cogs.pairing.messages import thread_name, welcome

log = logging.getLogger(__name__)


async def channel_by_id(
    bot: TandemBot, channel_id: int
) -> discord.abc.GuildChannel | discord.Thread | None:
    channel = bot.get_channel(channel_id)
    if channel is None:
        try:
            fetched = await bot.fetch_channel(channel_id)
        except (discord.NotFound, discord.Forbidden):
            return None
        channel = fetched
    return channel if isinstance(channel, discord.abc.GuildChannel | discord.Thread) else None


async def partner_channel(bot: TandemBot, guild_id: int) -> discord.TextChannel:
    config = await bot.store.guilds.get(guild_id)
    channel = None if config is None else await channel_by_id(bot, config.partner_channel_id)
    if not isinstance(channel, discord.TextChannel):
        raise UserError("The partner channel is missing: ask a moderator to run `/setup` again.")
    return channel


async def member_zones(bot: TandemBot, partnership: Partnership) -> dict[int, str]:
    zones = {}
    for member in partnership.members:
        zone = await bot.store.pairing.zone_of(partnership.guild_id, member)
        zones[member] = zone or partnership.weekly.zone
    return zones


async def open_thread(
    bot: TandemBot, partnership: Partnership, intro: str | None = None
) -> discord.Thread:
    """A private, non-invitable thread with both partners and the welcome (or `intro`)."""
    channel = await partner_channel(bot, partnership.guild_id)
    thread = await channel.create_thread(
        name=thread_name(partnership),
        type=discord.ChannelType.private_thread,
        invitable=False,
        auto_archive_duration=10080,
    )
    await bot.store.pairing.set_thread(partnership.id, thread.id)
    for member in partnership.members:
        try:
            await thread.add_user(discord.Object(id=member))
        except discord.HTTPException:
            # A member who left the server must not leave the other without a thread.
            log.warning("could not add member %s to thread %s", member, thread.id)
    text = intro or welcome(
        partnership, await member_zones(bot, partnership), discord.utils.utcnow()
    )
    await thread.send(text, allowed_mentions=pings(partnership))
    return thread


async def ensure_thread(bot: TandemBot, partnership: Partnership) -> discord.Thread:
    """The pair's thread, ready to post in: unarchived if it slept, recreated if deleted."""
    if partnership.thread_id is None:
        return await open_thread(bot, partnership)
    found = await channel_by_id(bot, partnership.thread_id)
    if not isinstance(found, discord.Thread):
        log.info("recreating the missing thread of partnership %s", partnership.id)
        first, second = partnership.members
        return await open_thread(
            bot,
            partnership,
            f"<@{first}> <@{second}>, your previous partner thread was deleted, so here is a new one. "
            "Everything else is as before.",
        )
    if found.archived:
        await found.edit(archived=False)
    return found


def pings(partnership: Partnership) -> discord.AllowedMentions:
    """Ping the two partners and nobody else, whatever user text the message carries."""
    return discord.AllowedMentions(
        everyone=False, roles=False, users=[discord.Object(id=m) for m in partnership.members]
    )


async def close_thread(bot: TandemBot, partnership: Partnership, text: str) -> None:
    """Tell both partners, then lock and archive; a thread already gone is fine."""
    if partnership.thread_id is None:
        return
    thread = await channel_by_id(bot, partnership.thread_id)
    if not isinstance(thread, discord.Thread):
        return
    try:
        if thread.archived:
            await thread.edit(archived=False)
        await thread.send(text, allowed_mentions=pings(partnership))
        await thread.edit(archived=True, locked=True)
    except discord.HTTPException:
        log.warning("could not close thread %s of partnership %s", thread.id, partnership.id)
