"""The one loop that runs every feature's timed work (see `bot.scheduler`)."""

from __future__ import annotations

from datetime import datetime

from bot.app import TandemBot
from bot.scheduler import Job
from cogs.scheduler.cog import SchedulerCog


async def setup(bot: TandemBot) -> None:
    # Loaded last: the messages the other jobs queued this tick start going out in the
    # same tick (in the background: the tick does not wait for a peak to be sent).
    async def deliver(_now: datetime) -> None:
        bot.outbox.deliver_due()

    bot.scheduler.register(Job("outbox", deliver, bot.store.outbox.next_due))
    await bot.add_cog(SchedulerCog(bot))
