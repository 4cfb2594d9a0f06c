"""The check-in feature's timed work: plan what each pair is owed (see `bot.reminders`).

Planning queues notices with permanent keys in the same transaction that moves the
pair's alarm, so a crash between planning and sending loses nothing and a rerun adds
nothing; the outbox job then delivers each exactly once (see `cogs.common.outbox`).
"""

from __future__ import annotations

from datetime import datetime

from bot.app import TandemBot
from bot.reminders import plan
from bot.scheduler import Job


def reminders_job(bot: TandemBot) -> Job:
    store = bot.store.reminders

    async def run(now: datetime) -> None:
        # Batch after batch until no alarm is due: at the peak (thousands of pairs due
        # in one minute) each batch's messages go out while the next is planned.
        while states := await store.due(now):
            planned = [await store.apply(state, plan(state, now), now) for state in states]
            bot.outbox.deliver_due()
            if not any(planned):  # every pair changed meanwhile: planned afresh next tick
                return

    return Job("reminders", run, store.next_alarm)
