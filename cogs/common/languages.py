"""Which language a message others read is drawn in: a partner thread speaks the pair's
language, a public channel the server's (see `bot.i18n` for the rules)."""

from __future__ import annotations

from bot.app import TandemBot
from bot.i18n import ENGLISH, shared_language
from bot.models import Partnership


async def server_language(bot: TandemBot, guild_id: int) -> str:
    """The language chosen with `/setup language`, else the server's own as Discord says."""
    chosen = await bot.store.languages.server_language(guild_id)
    if chosen:
        return chosen
    guild = bot.get_guild(guild_id)
    return guild.preferred_locale.value if guild is not None else ENGLISH


async def pair_language(bot: TandemBot, pair: Partnership) -> str:
    """The language both partners use in Discord, else the server's."""
    seen = await bot.store.languages.of_members(pair.members)
    both = shared_language([seen.get(member) for member in pair.members])
    return both or await server_language(bot, pair.guild_id)
