"""Weekly check-ins: the form, schedule changes and the reminder loop."""

from __future__ import annotations

from bot.app import TandemBot
from cogs.checkins import notices
from cogs.checkins.cog import CheckinCog
from cogs.checkins.views import DYNAMIC_ITEMS


async def setup(bot: TandemBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    notices.register(bot.outbox)
    await bot.add_cog(CheckinCog(bot))
