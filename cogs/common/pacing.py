"""Every request the bot makes to Discord waits for its place in the send budget.

The budget (`bot.pacing`, shared through `bot.store.budget`) lets at most
`TANDEM_SEND_RATE` requests begin in any second, across every process of the bot, so
discord.py never has to sleep on Discord's global limit. Interaction replies travel
outside the bot's HTTP client and outside that limit, so they are never paced.

The outbox takes a send's place before it marks the row attempted (`Pacer.place`): if
the place would come too late for the row's claim, nothing is taken and the row is
given back instead of sent. The send then waits for its place and makes its request
there (`Pacer.at`), without queueing a second time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

import discord
from discord.http import Route

from bot.app import TandemBot

# Set by `Pacer.at` while the request whose place was taken is made.
_place_taken: ContextVar[bool] = ContextVar("tandem_place_taken", default=False)


class Pacer:
    """The bot's side of the send budget: every HTTP request waits for its place."""

    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot
        self.per_second = bot.settings.send_rate

    def install(self) -> None:
        """Route the bot's HTTP requests through the budget (when it has one)."""
        if not self.per_second:
            return
        request = self.bot.http.request

        async def paced(route: Route, **options: Any) -> Any:
            if not _place_taken.get():
                start = await self.place()
                assert start is not None  # no deadline: always a place
                await _wait_for(start)
            return await request(route, **options)

        # setattr: a type checker refuses replacing a method by assignment.
        setattr(self.bot.http, "request", paced)  # noqa: B010

    async def place(self, deadline: datetime | None = None) -> datetime | None:
        """The next request's place, taken; None (nothing taken) if it begins after `deadline`."""
        if not self.per_second:
            return discord.utils.utcnow()
        return await self.bot.store.budget.take(discord.utils.utcnow, self.per_second, deadline)

    @asynccontextmanager
    async def at(self, start: datetime) -> AsyncIterator[None]:
        """Wait for `start`, then make the block's request in that place."""
        await _wait_for(start)
        token = _place_taken.set(True)
        try:
            yield
        finally:
            _place_taken.reset(token)


async def _wait_for(start: datetime) -> None:
    delay = (start - discord.utils.utcnow()).total_seconds()
    if delay > 0:
        await asyncio.sleep(delay)
