"""Weekly check-ins: the form, schedule changes, planned pauses and the reminders job."""

from __future__ import annotations

from bot.app import TandemBot
from cogs.checkins import notices
from cogs.checkins.cog import CheckinCog
from cogs.checkins.jobs import reminders_job
from cogs.checkins.pause import PauseCog
from cogs.checkins.views import DYNAMIC_ITEMS


async def setup(bot: TandemBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    notices.register(bot.outbox)
    bot.scheduler.register(reminders_job(bot))
    await bot.add_cog(CheckinCog(bot))
    await bot.add_cog(PauseCog(bot))
