"""The ledger's timed work: charge each milestone missed at its deadline, once."""

from __future__ import annotations

from datetime import datetime

from bot.app import TandemBot
from bot.log import get
from bot.scheduler import Job

log = get("ledger")
# Large enough that a backlog drains in few transactions, small enough to hold the
# connection for well under a second.
MISS_BATCH = 50_000


def misses_job(bot: TandemBot) -> Job:
    store = bot.store.milestones

    async def run(now: datetime) -> None:
        while (charged := await store.charge_missed(now, MISS_BATCH)) > 0:
            log.info("marked %d milestones missed at %s and charged their pledges", charged, now)
            if charged < MISS_BATCH:
                break

    return Job("misses", run, store.next_deadline)
