"""The reminder loop: plan what is due, charge missed pledges, deliver the outbox.

Planning queues notices with permanent keys in the same transaction that moves the
pair's alarm, so a crash between planning and sending loses nothing and a rerun adds
nothing; the outbox then delivers each exactly once (see `cogs.common.outbox`).
"""

from __future__ import annotations

from datetime import datetime

import discord

from bot.app import TandemBot
from bot.reminders import plan

# Large enough that a backlog drains in few transactions, small enough to hold the
# connection for well under a second.
MISS_BATCH = 50_000


class ReminderLoop:
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot
        self._wakeup: int | None = None
        self._revision = -1

    def _asleep(self, now: datetime) -> bool:
        """Nothing can be due before the cached wake-up unless the store changed since."""
        if self._revision != self.bot.store.db.revision:
            return False
        return self._wakeup is None or now.timestamp() < self._wakeup

    async def tick(self) -> None:
        now = discord.utils.utcnow()
        if self._asleep(now):
            return
        store = self.bot.store.reminders
        for state in await store.due(now):
            await store.apply(state.partnership_id, plan(state, now), now)
        while await self.bot.store.milestones.charge_missed(now, MISS_BATCH) == MISS_BATCH:
            pass
        await self.bot.outbox.flush()
        self._revision = self.bot.store.db.revision
        self._wakeup = await store.next_wakeup()
