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
        for state in await store.due(now):
            await store.apply(state, plan(state, now), now)

    return Job("reminders", run, store.next_alarm)
