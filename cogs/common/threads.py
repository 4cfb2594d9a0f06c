"""The private thread of a partnership: found, reopened, or created, and what it needs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import discord

from bot.app import TandemBot
from bot.errors import UserError
from bot.i18n import N_, _, speaking
from bot.log import get
from bot.models import FORMER_MEMBER, GuildConfig, Partnership
from bot.quiet_hours import awake
from cogs.common.languages import pair_language
from cogs.common.text import mention, pinging, shortened

log = get("threads")

PARTNER_CHANNEL_NEEDS = (
    "view_channel",
    "send_messages_in_threads",
    "create_private_threads",
    "manage_threads",
    "read_message_history",
)
LEADERBOARD_CHANNEL_NEEDS = ("view_channel", "send_messages", "embed_links")
# Voice rooms: creating and deleting them, and granting the partners what the bot grants
# (Discord lets a bot allow in a channel only permissions it has).
VOICE_CATEGORY_NEEDS = ("manage_channels", "view_channel", "connect", "speak")
# Translators: Discord's names of permissions: use the words Discord's server settings
# show in your language.
PERMISSION_NAMES = {
    "view_channel": N_("View Channel"),
    "send_messages_in_threads": N_("Send Messages In Threads"),
    "create_private_threads": N_("Create Private Threads"),
    "manage_threads": N_("Manage Threads"),
    "read_message_history": N_("Read Message History"),
    "send_messages": N_("Send Messages"),
    "embed_links": N_("Embed Links"),
    "manage_channels": N_("Manage Channels"),
    "connect": N_("Connect"),
    "speak": N_("Speak"),
}
# A week of quiet before Discord archives a thread; the longest it allows.
THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080
THREAD_NAME_LIMIT = 100  # Discord's longest channel name


def missing_permissions(channel: discord.abc.GuildChannel, needs: tuple[str, ...]) -> list[str]:
    """Names of the permissions the bot lacks in `channel`, as Discord's settings show them."""
    granted = channel.permissions_for(channel.guild.me)
    return [_(PERMISSION_NAMES[name]) for name in needs if not getattr(granted, name)]


def explain_missing(channel: discord.abc.GuildChannel, needs: tuple[str, ...]) -> str | None:
    missing = missing_permissions(channel, needs)
    if not missing:
        return None
    # Translators: {permissions} are Discord's names of permissions, as its settings show them.
    return _(
        "I'm missing the **{permissions}** permission in {channel}: ask a moderator to give it back",
        permissions=", ".join(missing),
        channel=channel.mention,
    )


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


async def partner_channel(
    bot: TandemBot, guild_id: int, known: GuildConfig | None = None
) -> discord.TextChannel:
    """The server's partner channel, from its settings: `known` when the caller has them
    (`bot.app.checked_settings`), else read."""
    config = known or await bot.store.guilds.get(guild_id)
    channel = None if config is None else await channel_by_id(bot, config.partner_channel_id)
    if not isinstance(channel, discord.TextChannel):
        raise UserError(_("The partner channel is missing: ask a moderator to run `/setup` again."))
    return channel


async def member_zone(bot: TandemBot, partnership: Partnership, user_id: int) -> str:
    """A member's own zone; the pair's zone for a member who never chose one."""
    zone = await bot.store.profiles.zone_of(partnership.guild_id, user_id)
    return zone or partnership.weekly.zone


async def member_zones(bot: TandemBot, partnership: Partnership) -> dict[int, str]:
    return {member: await member_zone(bot, partnership, member) for member in partnership.members}


async def awake_members(
    bot: TandemBot, partnership: Partnership, members: Iterable[int]
) -> tuple[int, ...]:
    """Whom a notice that can wait may ping now: of `members`, those not at night in their
    own zone (`bot.quiet_hours`). The notice still posts; the sleepers just are not pinged."""
    return awake(members, await member_zones(bot, partnership), discord.utils.utcnow())


async def ensure_thread(bot: TandemBot, partnership: Partnership) -> discord.Thread:
    """The pair's thread, ready to post in: unarchived if it slept, created if missing.

    A thread that existed and was deleted is recreated (with a word to both members
    while the pair lasts); a thread never opened (Discord failed at pairing time) is
    opened silently, because the welcome waiting in the outbox follows. A thread the
    bot can no longer see is not recreated: that would give the pair two.
    """
    if partnership.thread_id is None:
        return await _create_thread(bot, partnership)
    found = await _existing_thread(bot, partnership.thread_id)
    if found is None:
        log.info("recreating the missing thread of partnership %s", partnership.id)
        thread = await _create_thread(bot, partnership)
        if partnership.ended_at is None:
            with speaking(await pair_language(bot, partnership)):  # both partners read it
                text = _(
                    "{members}, your previous partner thread was deleted, so here is a new one."
                    " Everything else is as before.",
                    members=" ".join(mention(m) for m in partnership.members),
                )
            await thread.send(text, allowed_mentions=pinging(partnership.members))
        return thread
    if found.archived:
        await found.edit(archived=False)
    return found


async def _existing_thread(bot: TandemBot, thread_id: int) -> discord.Thread | None:
    """The thread, or None when Discord says it is gone; lost access is an error to report."""
    found = bot.get_channel(thread_id)
    if found is None:
        try:
            found = await bot.fetch_channel(thread_id)
        except discord.NotFound:
            return None
        except discord.Forbidden:
            raise UserError(
                _(
                    "I can no longer see this pair's private thread: ask a moderator to give me "
                    "back **View Channel** and **Manage Threads** in the partner channel."
                )
            ) from None
    return found if isinstance(found, discord.Thread) else None


async def guild_member(bot: TandemBot, guild_id: int, user_id: int) -> discord.Member | None:
    """The member as the server shows them (name, avatar), or None when Discord cannot
    tell now: they left, their data was erased, or the lookup failed."""
    guild = bot.get_guild(guild_id)
    if guild is None or user_id <= FORMER_MEMBER:
        return None
    member = guild.get_member(user_id)
    if member is None:
        try:
            member = await guild.fetch_member(user_id)
        except discord.HTTPException:
            return None
    return member


async def pair_name(bot: TandemBot, partnership: Partnership) -> str:
    """`Lena & Marcus`: the pair by name, as it is now (the name of their thread and of
    their voice room). A name Discord cannot give now is left out."""
    names = [
        found.display_name
        for member in partnership.members
        if (found := await guild_member(bot, partnership.guild_id, member))
    ]
    return shortened(" & ".join(names) if names else "Tandem", THREAD_NAME_LIMIT)


async def thread_name(bot: TandemBot, partnership: Partnership) -> str:
    """`Lena & Marcus · Data Science 101`: the pair by name, as it is at creation;
    renaming later is not needed."""
    pair = await pair_name(bot, partnership)
    return shortened(f"{pair} · {partnership.course}", THREAD_NAME_LIMIT)


async def _create_thread(bot: TandemBot, partnership: Partnership) -> discord.Thread:
    """A private, non-invitable thread under the partner channel with both members in it."""
    channel = await partner_channel(bot, partnership.guild_id)
    try:
        thread = await channel.create_thread(
            name=await thread_name(bot, partnership),
            type=discord.ChannelType.private_thread,
            invitable=False,
            auto_archive_duration=THREAD_ARCHIVE_MINUTES,
        )
    except discord.Forbidden:
        problem = explain_missing(channel, PARTNER_CHANNEL_NEEDS)
        if problem is None:
            raise
        raise UserError(problem + ".") from None  # shown alone when a command needs it
    await bot.store.partnerships.set_thread(partnership.id, thread.id)
    for member in partnership.members:
        if member <= FORMER_MEMBER:
            continue
        try:
            await thread.add_user(discord.Object(id=member))
        except discord.HTTPException:
            # A member who left the server must not leave the other without a thread.
            log.warning("could not add member %s to thread %s", member, thread.id)
    return thread
