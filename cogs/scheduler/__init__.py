"""The one loop that runs every feature's timed work (see `bot.scheduler`)."""

from __future__ import annotations

from bot.app import TandemBot
from bot.scheduler import Job
from cogs.scheduler.cog import SchedulerCog


async def setup(bot: TandemBot) -> None:
    # Loaded last: the messages the other jobs queued this tick go out in the same tick.
    bot.scheduler.register(
        Job("outbox", lambda _now: bot.outbox.flush(), bot.store.outbox.next_due)
    )
    await bot.add_cog(SchedulerCog(bot))
