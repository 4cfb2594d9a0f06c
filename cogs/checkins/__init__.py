"""Weekly check-ins: the form, schedule changes, planned pauses, voice rooms and calls, and
the reminders and voice rooms jobs."""

from __future__ import annotations

from bot.app import TandemBot
from cogs.checkins import calls, notices
from cogs.checkins.cog import CheckinCog
from cogs.checkins.jobs import reminders_job
from cogs.checkins.pause import PauseCog
from cogs.checkins.rooms import rooms_job
from cogs.checkins.views import DYNAMIC_ITEMS


async def setup(bot: TandemBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS, *calls.DYNAMIC_ITEMS)
    notices.register(bot.outbox)
    bot.scheduler.register(reminders_job(bot))
    bot.scheduler.register(rooms_job(bot))
    await bot.add_cog(CheckinCog(bot))
    await bot.add_cog(PauseCog(bot))
    await bot.add_cog(calls.CallCog(bot))
