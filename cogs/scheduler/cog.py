"""The `discord.ext.tasks` loop that ticks the scheduler every reminder interval."""

from __future__ import annotations

import discord
from discord.ext import commands, tasks

from bot.app import TandemBot
from bot.log import get

log = get("scheduler")


class SchedulerCog(commands.Cog):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.loop.change_interval(seconds=self.bot.settings.reminder_interval_seconds)
        self.loop.start()

    async def cog_unload(self) -> None:
        self.loop.cancel()

    @tasks.loop(seconds=60)
    async def loop(self) -> None:
        try:
            await self.bot.scheduler.tick(discord.utils.utcnow())
        except Exception:
            # The loop must survive anything; what failed is retried next tick.
            log.exception("scheduler tick failed")

    @loop.before_loop
    async def _wait_until_ready(self) -> None:
        await self.bot.wait_until_ready()
