"""Progress: `/progress` and the **My progress** button, a picture of a partnership anyone
in it can look at."""

from __future__ import annotations

from bot.app import TandemBot
from cogs.progress.cog import ProgressCog
from cogs.progress.views import ProgressButton


async def setup(bot: TandemBot) -> None:
    bot.add_dynamic_items(ProgressButton)
    await bot.add_cog(ProgressCog(bot))
