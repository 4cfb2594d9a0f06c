"""Server setup: `/setup` for moderators (Manage Server)."""

from __future__ import annotations

from bot.app import TandemBot
from cogs.setup.cog import SetupCog


async def setup(bot: TandemBot) -> None:
    await bot.add_cog(SetupCog(bot))
