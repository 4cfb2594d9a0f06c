"""Progress: `/progress`, a picture of a partnership anyone in it can look at."""

from __future__ import annotations

from bot.app import TandemBot
from cogs.progress.cog import ProgressCog


async def setup(bot: TandemBot) -> None:
    await bot.add_cog(ProgressCog(bot))
