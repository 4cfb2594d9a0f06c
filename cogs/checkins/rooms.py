"""Voice rooms on Discord's side: creating a pair's private channel, deleting it on time,
and noticing what changed while Tandem was away (`bot.store.voice` keeps the rest).

Creation and deletion follow the outbox's discipline: the room is stored first, one
attempt claims it, a Discord error leaves it to the scheduler's next pass with a growing
delay, and a retry first looks for the channel an interrupted attempt may have made, so
a pair never gets two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import discord

from bot.app import TandemBot
from bot.log import get
from bot.models import FORMER_MEMBER, Partnership, RoomStatus, VoiceFault
from bot.scheduler import Job
from bot.store.voice import Room
from cogs.common.threads import VOICE_CATEGORY_NEEDS, missing_permissions, pair_name

log = get("voice")

# Discord's JSON error code for a server at its 500 channels.
CHANNEL_LIMIT_CODE = 30013
TOO_MANY_REQUESTS = 429
# What each partner may do in their room; the bot grants only what it has itself.
PARTNER_MAY = discord.PermissionOverwrite(view_channel=True, connect=True, speak=True)
# The bot keeps the right to delete the room whatever the category allows later.
BOT_MAY = discord.PermissionOverwrite(
    view_channel=True, connect=True, speak=True, manage_channels=True
)
OTHERS_MAY_NOT = discord.PermissionOverwrite(view_channel=False, connect=False)


@dataclass(frozen=True)
class Opening:
    """What became of an attempt to open a room: its channel, or why not (yet)."""

    room: Room
    channel_id: int | None = None
    fault: VoiceFault | None = None
    missing: tuple[str, ...] = ()  # the permissions a `MISSING_PERMISSIONS` fault names
    held: bool = False  # another attempt is opening it right now


async def open_room(bot: TandemBot, room: Room) -> Opening:
    """Create (or adopt) the room's channel once; a refusal is stored for `/setup`."""
    claimed = await bot.store.voice.claim(room, discord.utils.utcnow())
    if claimed is None:
        return Opening(room, held=True)
    category = await _category(bot, room.guild_id)
    if category is None:
        return await _refused(bot, claimed, VoiceFault.CATEGORY_GONE)
    if missing := missing_permissions(category, VOICE_CATEGORY_NEEDS):
        return await _refused(bot, claimed, VoiceFault.MISSING_PERMISSIONS, tuple(missing))
    return await _make(bot, claimed, category)


async def _make(bot: TandemBot, room: Room, category: discord.CategoryChannel) -> Opening:
    """The channel itself: a Discord error is a refusal for good, or a try later."""
    partnership = await bot.store.partnerships.partnership(room.partnership_id)
    assert partnership is not None, "a room belongs to a stored pair"
    name = await pair_name(bot, partnership)
    used = await bot.store.voice.channels_in_use(room.guild_id)
    try:
        channel = _made_before(category, partnership, name, used) or await create_channel(
            category, partnership, name
        )
    except discord.Forbidden:
        missing = missing_permissions(category, VOICE_CATEGORY_NEEDS)
        return await _refused(bot, room, VoiceFault.MISSING_PERMISSIONS, tuple(missing))
    except discord.HTTPException as error:
        if error.code == CHANNEL_LIMIT_CODE:
            return await _refused(bot, room, VoiceFault.CHANNEL_LIMIT)
        log.warning("could not open voice room %s yet: %s", room.id, error)
        slowed = VoiceFault.RATE_LIMITED if error.status == TOO_MANY_REQUESTS else None
        later = await bot.store.voice.retry_later(room, discord.utils.utcnow(), slowed)
        await bot.outbox.flush(later.notices)
        return Opening(later.value)
    now = discord.utils.utcnow()
    opened = await bot.store.voice.opened(room, channel.id, now)
    inside = await bot.store.voice.present(opened.value, set(channel.voice_states), now)
    await bot.outbox.flush(opened.notices + inside.notices)
    return Opening(opened.value, channel.id)


async def close_room(bot: TandemBot, room: Room) -> None:
    """Delete the room's channel (already gone is as good), then count its call."""
    claimed = await bot.store.voice.claim(room, discord.utils.utcnow())
    if claimed is None:
        return
    channel = await _channel(bot, claimed)
    try:
        if channel is not None:
            await channel.delete()
    except discord.NotFound:
        pass
    except discord.HTTPException as error:
        log.warning("could not close voice room %s yet: %s", room.id, error)
        refused = VoiceFault.MISSING_PERMISSIONS if isinstance(error, discord.Forbidden) else None
        await bot.store.voice.retry_later(claimed, discord.utils.utcnow(), refused)
        return
    closed = await bot.store.voice.closed(claimed, discord.utils.utcnow())
    await bot.outbox.flush(closed.notices)


async def notice_gone(bot: TandemBot, channel_id: int, *, seen: bool = True) -> None:
    """A room's channel was deleted by hand: the room is closed for good, never remade.

    `seen` False: it went while Tandem was away, so partners still counted as inside
    left when Tandem last knew they were there."""
    room = await bot.store.voice.room_in(channel_id)
    if room is None:
        return
    closed = await bot.store.voice.closed(room, discord.utils.utcnow(), seen=seen)
    await bot.outbox.flush(closed.notices)


async def catch_up(bot: TandemBot, guild: discord.Guild) -> None:
    """After a start or a reconnect: rooms deleted meanwhile are closed, and who is in
    each room now is what its stays say (the scheduler then closes what is due)."""
    now = discord.utils.utcnow()
    for room in await bot.store.voice.open_in(guild.id):
        channel = guild.get_channel(room.channel_id or 0)
        if not isinstance(channel, discord.VoiceChannel):
            await notice_gone(bot, room.channel_id or 0, seen=False)
            continue
        present = await bot.store.voice.present(room, set(channel.voice_states), now)
        await bot.outbox.flush(present.notices)


async def leave_server(bot: TandemBot, guild_id: int) -> None:
    """Tandem was removed from a server: its rooms are out of reach, so they are closed."""
    for room in await bot.store.voice.open_in(guild_id):
        await notice_gone(bot, room.channel_id or 0, seen=False)


def rooms_job(bot: TandemBot) -> Job:
    """Open the rooms Discord was too busy for, close the rooms whose time has come, and
    note who is still in the others. One room's trouble never stops the rest."""
    store = bot.store.voice

    async def run(now: datetime) -> None:
        for room in await store.due(now):
            try:
                await _tend(bot, room, now)
            except Exception:
                log.exception("voice room %s: trying again later", room.id)
                await store.retry_later(room, discord.utils.utcnow())

    return Job("voice rooms", run, store.next_due)


async def _tend(bot: TandemBot, room: Room, now: datetime) -> None:
    if room.status is RoomStatus.OPENING:
        await open_room(bot, room)
    elif await bot.store.voice.beat(room, now):
        await close_room(bot, room)


async def _refused(
    bot: TandemBot, room: Room, fault: VoiceFault, missing: tuple[str, ...] = ()
) -> Opening:
    log.warning("voice room %s refused in server %s: %s", room.id, room.guild_id, fault)
    await bot.store.voice.failed(room, fault, discord.utils.utcnow())
    return Opening(room, fault=fault, missing=missing)


async def _category(bot: TandemBot, guild_id: int) -> discord.CategoryChannel | None:
    settings = await bot.store.guilds.voice(guild_id)
    guild = bot.get_guild(guild_id)
    if guild is None or settings.category_id is None:
        return None
    category = guild.get_channel(settings.category_id)
    return category if isinstance(category, discord.CategoryChannel) else None


async def _channel(bot: TandemBot, room: Room) -> discord.abc.GuildChannel | None:
    """The room's channel, None once it is gone or out of Tandem's reach."""
    guild = bot.get_guild(room.guild_id)
    found = None if guild is None else guild.get_channel(room.channel_id or 0)
    if found is not None or room.channel_id is None:
        return found
    try:
        fetched = await bot.fetch_channel(room.channel_id)
    except (discord.NotFound, discord.Forbidden):
        return None
    return fetched if isinstance(fetched, discord.abc.GuildChannel) else None


def _partners(partnership: Partnership) -> list[discord.Object]:
    return [discord.Object(id=m) for m in partnership.members if m > FORMER_MEMBER]


def _made_before(
    category: discord.CategoryChannel, partnership: Partnership, name: str, used: set[int]
) -> discord.VoiceChannel | None:
    """A room an interrupted attempt made for this pair: its name, closed to everyone but
    both partners, and no other room's channel (the same two may share several courses)."""
    partners = _partners(partnership)
    everyone = category.guild.default_role
    for channel in category.voice_channels:
        if (
            channel.id not in used
            and channel.name == name
            and channel.overwrites_for(everyone).connect is False
            and all(channel.overwrites_for(p).connect for p in partners)
        ):
            return channel
    return None


async def create_channel(
    category: discord.CategoryChannel, partnership: Partnership, name: str
) -> discord.VoiceChannel:
    """Named after the pair; visible to the two partners and the bot, no other member."""
    guild = category.guild
    overwrites: dict[
        discord.Role | discord.Member | discord.Object, discord.PermissionOverwrite
    ] = {
        guild.default_role: OTHERS_MAY_NOT,
        guild.me: BOT_MAY,
    }
    overwrites.update((partner, PARTNER_MAY) for partner in _partners(partnership))
    return await category.create_voice_channel(name, overwrites=overwrites)
