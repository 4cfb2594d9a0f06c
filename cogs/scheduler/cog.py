"""The loop that ticks the scheduler when work is due or the store changed (see
`bot.scheduler`), at most once every reminder interval, and sleeps in between."""

from __future__ import annotations

import asyncio
import contextvars
from datetime import datetime, timedelta

import discord
from discord.ext import commands, tasks

from bot.app import TandemBot
from bot.log import get

log = get("scheduler")

# How long the loop sleeps when no work is due and nothing changes (a sleep needs an end).
LONGEST_NAP = timedelta(days=1)


class SchedulerCog(commands.Cog):
    """A `discord.ext.tasks` loop whose interval is, each time, the wait until the
    scheduler's `next_tick`; a commit that brings that moment forward shortens the
    current sleep (`change_interval` recalculates a sleeping loop) without waking it.

    Sleeps run on the monotonic clock, which stops while the machine is suspended; a
    suspension long enough to oversleep work also drops the gateway, so when Discord is
    back (a new session or a resumed one) the loop looks at once.
    """

    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot
        self._spacing = bot.settings.reminder_interval_seconds
        self._ticked: datetime | None = None
        self._wake: datetime | None = None
        self._context = contextvars.Context()

    async def cog_load(self) -> None:
        # A commit (or an event) may come from any task; the sleep it shortens is re-armed
        # in the context the loop started in, so its timer counts as the bot's own work
        # wherever the call came from (what SimCord's virtual clock tracks).
        self._context = contextvars.copy_context()
        self.bot.store.db.on_commit(self._changed)
        self.loop.start()

    async def cog_unload(self) -> None:
        self.bot.store.db.on_commit(None)
        self.loop.cancel()

    @tasks.loop(seconds=60)
    async def loop(self) -> None:
        now = discord.utils.utcnow()
        look = now if self._ticked is None else self._next_tick()
        # Nothing to look at yet: a nap's end, or the timer fired a hair early.
        if look is not None and now >= look:
            self._ticked = now
            try:
                # A task of its own, that ends: what waits for the bot to be idle (SimCord's
                # settling) sees the tick's end, where the loop itself never ends.
                await asyncio.create_task(self.bot.scheduler.tick(now), name="tandem tick")
            except Exception:
                # The loop must survive anything; what failed is retried next tick.
                log.exception("scheduler tick failed")
        latest = discord.utils.utcnow() + LONGEST_NAP
        look = self._next_tick()
        self._sleep_until(latest if look is None else min(look, latest))

    @loop.before_loop
    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()

    @commands.Cog.listener()
    async def on_connect(self) -> None:
        self._look_now()

    @commands.Cog.listener()
    async def on_resumed(self) -> None:
        self._look_now()

    def _look_now(self) -> None:
        """Back on Discord: wake the loop now, to tick if anything came due meanwhile."""
        if self._ticked is not None:
            self._context.run(self._sleep_until, discord.utils.utcnow())

    def _next_tick(self) -> datetime | None:
        assert self._ticked is not None
        return self.bot.scheduler.next_tick(self._ticked, self._spacing)

    def _changed(self) -> None:
        """The store committed: if that brings the next tick forward, sleep less."""
        if self._ticked is None or self._wake is None:
            return
        look = self._next_tick()
        if look is not None and look < self._wake:
            self._context.run(self._sleep_until, look)

    def _sleep_until(self, wake: datetime) -> None:
        """Set the loop's interval so its current (or coming) sleep ends at `wake`."""
        planned, interval = self.loop.next_iteration, self.loop.seconds
        if planned is None or interval is None:
            return  # the loop was stopped
        last = planned - timedelta(seconds=interval)  # when the loop last woke, by its plan
        self._wake = wake
        self.loop.change_interval(seconds=max(0.0, (wake - last).total_seconds()))
