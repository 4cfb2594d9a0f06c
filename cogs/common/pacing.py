"""Every request the bot makes to Discord waits for its place in the send budget.

The budget (`bot.pacing`, shared through `bot.store.budget`) lets at most
`TANDEM_SEND_RATE` requests begin in any second, across every process of the bot, so
discord.py never has to sleep on Discord's global limit. Interaction replies travel
outside the bot's HTTP client and outside that limit, so they are never paced.

The outbox takes a send's place before it marks the row attempted (`Pacer.take`): if
the place comes too late for the row's claim, the row is given back instead of sent.
The place taken is then the send's own, so the request does not queue a second time.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from datetime import datetime
from typing import Any

import discord
from discord.http import Route

from bot.app import TandemBot

# Set by `Pacer.take` for the one request that follows in the same task.
_place_taken: ContextVar[bool] = ContextVar("tandem_place_taken", default=False)


class Pacer:
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot
        self.per_second = bot.settings.send_rate

    def install(self) -> None:
        """Route the bot's HTTP requests through the budget (when it has one)."""
        if not self.per_second:
            return
        request = self.bot.http.request

        async def paced(route: Route, **options: Any) -> Any:
            if _place_taken.get():
                _place_taken.set(False)
            else:
                await self._wait(await self._place())
            return await request(route, **options)

        # setattr: a type checker refuses replacing a method by assignment.
        setattr(self.bot.http, "request", paced)  # noqa: B010

    async def take(self, deadline: datetime) -> bool:
        """Take the next request's place, and wait for it, if it begins by `deadline`.

        False when it would begin later: nothing waits then, and the place goes unused.
        """
        if not self.per_second:
            return True
        start = await self._place()
        if start > deadline:
            return False
        await self._wait(start)
        _place_taken.set(True)
        return True

    async def _place(self) -> datetime:
        return await self.bot.store.budget.take(discord.utils.utcnow(), self.per_second)

    @staticmethod
    async def _wait(start: datetime) -> None:
        delay = (start - discord.utils.utcnow()).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)
