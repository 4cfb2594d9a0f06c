"""Privacy: a member's data exported as a file, or erased after a confirmation."""

from __future__ import annotations

from bot.app import TandemBot
from cogs.privacy.cog import PrivacyCog
from cogs.privacy.views import EraseButton


async def setup(bot: TandemBot) -> None:
    bot.add_dynamic_items(EraseButton)
    await bot.add_cog(PrivacyCog(bot))
