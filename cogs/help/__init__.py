"""`/help`: the rules in a private, paged guide (the same one **How it works** opens)."""

from __future__ import annotations

from bot.app import TandemBot
from cogs.help.cog import HelpCog


async def setup(bot: TandemBot) -> None:
    await bot.add_cog(HelpCog(bot))
