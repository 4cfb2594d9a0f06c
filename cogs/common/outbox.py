"""Delivering the outbox: each queued message posted (or edited in place) exactly once.

A command stores its change and queues the messages that announce it in one
transaction, answers the member, then calls `flush` with those rows: a Discord error
leaves them waiting, and the reminder loop retries them with growing delays. Each kind
of message has one renderer, registered by the feature that owns it, which draws the
message from what is stored *now*; so a late message never contradicts the store.

Exactly once: a row is marked attempted just before sending; if the outcome of an
attempt is unknown (a crash, a lost reply), the next attempt first looks for the
message in the channel and only sends when it is not there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import discord

from bot.app import TandemBot
from bot.models import OutboxStatus, Partnership, Stored
from bot.replies import NO_PINGS, describe
from bot.store.outbox import OutboxRow
from cogs.common.text import pinging
from cogs.common.threads import channel_by_id, ensure_thread

log = logging.getLogger(__name__)
HISTORY_LOOKBACK = 25
DISCORD_TROUBLE = "Discord did not take the message just now; I'll keep trying"


@dataclass(frozen=True)
class Rendered:
    """A message as drawn from the store: what to say, whom to ping, which buttons."""

    content: str = ""
    embed: discord.Embed | None = None
    buttons: tuple[discord.ui.Item[Any], ...] = ()
    pings: tuple[int, ...] = ()
    # Lock and archive the thread once this (a farewell) is posted.
    close_thread: bool = False

    def view(self) -> discord.ui.View | None:
        if not self.buttons:
            return None
        view = discord.ui.View(timeout=None)
        for item in self.buttons:
            view.add_item(item)
        return view

    def matches(self, message: discord.Message) -> bool:
        """Whether `message` is this one, posted by an attempt whose reply was lost."""
        if message.content != self.content:
            return False
        if self.embed is None:
            return not message.embeds
        return any(
            (e.title, e.description) == (self.embed.title, self.embed.description)
            for e in message.embeds
        )


Renderer = Callable[[TandemBot, OutboxRow, Partnership | None], Awaitable[Rendered | None]]
Destination = discord.TextChannel | discord.Thread


@dataclass
class Delivery:
    """What a flush achieved, so a command can tell the member what still waits."""

    sent: set[int] = field(default_factory=set)
    problem: str | None = None

    def done(self, ids: Iterable[int]) -> bool:
        return all(row_id in self.sent for row_id in ids)


async def reply_stored(
    interaction: discord.Interaction[Any],
    partnership: Partnership,
    stored: Stored[Any],
    *,
    saved: str,
    repeated: str,
    partner_is: str,
) -> None:
    """Answer a deferred command with what it stored, after delivering the partner's notice.

    A retried command that stored nothing new says so (`repeated`); otherwise the reply
    says the partner was told in the thread (`partner_is`, e.g. "asked"), or that the
    notice waits for Discord and why.
    """
    outbox: Outbox = interaction.client.outbox
    if stored.repeated:
        text = repeated
    else:
        delivery = await outbox.flush(stored.notices)
        where = f"<#{partnership.thread_id}>" if partnership.thread_id else "your thread"
        text = f"{saved} " + (
            f"Your partner was {partner_is} in {where}."
            if delivery.done(stored.notices)
            else f"Your partner will be {partner_is} in {where} as soon as it can "
            f"({delivery.problem})."
        )
    await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)


class Outbox:
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot
        self._renderers: dict[str, Renderer] = {}
        self._paired_only: set[str] = set()
        # One delivery at a time in this process: rows of one channel go out in order.
        self._lock = asyncio.Lock()

    def register(self, kind: str, renderer: Renderer, *, paired_only: bool = False) -> None:
        """`paired_only` kinds are dropped once their pair has ended (a reminder, a proposal)."""
        self._renderers[kind] = renderer
        if paired_only:
            self._paired_only.add(kind)

    async def flush(self, ids: Iterable[int] | None = None) -> Delivery:
        """Deliver these rows (and whatever waits before them in their channels), or all due."""
        async with self._lock:
            now = discord.utils.utcnow()
            store = self.bot.store.outbox
            rows = await store.due(now) if ids is None else await store.waiting_with(list(ids))
            delivery = Delivery()
            broken: set[tuple[int | None, int | None]] = set()
            for row in rows:
                target = (row.partnership_id, row.channel_id)
                if target in broken:
                    continue
                problem = await self._deliver(row, now)
                if problem is None:
                    delivery.sent.add(row.id)
                else:
                    broken.add(target)
                    delivery.problem = delivery.problem or problem
            return delivery

    async def _deliver(self, row: OutboxRow, now: datetime) -> str | None:
        """Deliver one row; a member-facing reason when it has to wait, else None."""
        store = self.bot.store
        partnership = None
        if row.partnership_id is not None:
            partnership = await store.pairing.partnership(row.partnership_id)
            if partnership is None or (
                row.kind in self._paired_only and partnership.ended_at is not None
            ):
                await store.outbox.void(row)
                return None
        renderer = self._renderers.get(row.kind)
        try:
            if renderer is None:
                raise LookupError(f"no renderer for outbox kind {row.kind!r}")
            rendered = await renderer(self.bot, row, partnership)
            if rendered is None:
                await store.outbox.void(row)
                return None
            destination = await self._destination(row, partnership)
            message = await self._post(destination, row, rendered, now)
            if rendered.close_thread and isinstance(destination, discord.Thread):
                await destination.edit(archived=True, locked=True)
        except Exception as error:
            return await self._postpone(row, error, now)
        await store.outbox.delivered(row, message.id)
        return None

    async def _destination(self, row: OutboxRow, partnership: Partnership | None) -> Destination:
        if partnership is not None:
            return await ensure_thread(self.bot, partnership)
        assert row.channel_id is not None
        channel = await channel_by_id(self.bot, row.channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            raise LookupError(f"channel {row.channel_id} is gone")
        if isinstance(channel, discord.Thread) and channel.archived:
            await channel.edit(archived=False)
        return channel

    async def _post(
        self, destination: Destination, row: OutboxRow, rendered: Rendered, now: datetime
    ) -> discord.Message:
        """Edit the row's message in place when it has one, else send it (once)."""
        mentions = pinging(rendered.pings)
        if row.message_id is not None:
            try:
                return await destination.get_partial_message(row.message_id).edit(
                    content=rendered.content,
                    embed=rendered.embed,
                    view=rendered.view(),
                    allowed_mentions=mentions,
                )
            except discord.NotFound:
                pass  # deleted meanwhile: post it anew
        if row.status is OutboxStatus.ATTEMPTED:
            found = await self._already_posted(destination, rendered, row.first_attempt_at)
            if found is not None:
                return found
        await self.bot.store.outbox.mark_attempted(row, now)
        return await destination.send(
            content=rendered.content or None,
            embed=rendered.embed or discord.utils.MISSING,
            view=rendered.view() or discord.utils.MISSING,
            allowed_mentions=mentions,
        )

    async def _already_posted(
        self, destination: Destination, rendered: Rendered, since: datetime | None
    ) -> discord.Message | None:
        after = (since or discord.utils.utcnow()) - timedelta(minutes=1)
        me = self.bot.user
        async for message in destination.history(limit=HISTORY_LOOKBACK, after=after):
            if me is not None and message.author.id == me.id and rendered.matches(message):
                return message
        return None

    async def _postpone(self, row: OutboxRow, error: Exception, now: datetime) -> str:
        """Wait and retry later; give up after a week, logged once and shown in `/setup`."""
        gave_up = await self.bot.store.outbox.postpone(row, now)
        where = f"pair {row.partnership_id}" if row.partnership_id else f"channel {row.channel_id}"
        if gave_up:
            log.error("gave up on %s %s for %s after a week: %r", row.kind, row.key, where, error)
        else:
            log.warning(
                "could not post %s for %s (attempt %d); retrying later: %r",
                row.kind,
                where,
                row.attempts + 1,
                error,
            )
        # Callers weave the reason into a sentence of their own.
        return (describe(error) or DISCORD_TROUBLE).rstrip(".")
