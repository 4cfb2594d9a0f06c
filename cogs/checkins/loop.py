"""The reminder loop: plan what is due, then deliver each notice exactly once.

Planning writes notices with permanent keys in the same transaction that moves the
pair's alarm, so a crash between planning and sending loses nothing and a rerun adds
nothing. Delivery marks a notice as attempted before sending; if an attempt's outcome
is unknown (a crash or an error after Discord may have posted it), the next attempt
first looks in the thread for the message and only sends when it is not there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import discord

from bot.app import TandemBot
from bot.models import Partnership
from bot.reminders import CHECKIN, HEADS_UP, MISSED, NUDGE, ONE_SIDED, REMATCH_OFFER, TRIAL, plan
from bot.store.database import from_timestamp
from bot.store.reminders import PendingNotice
from cogs.checkins import messages
from cogs.checkins.views import CheckinButton, RematchButton, TrialButton, view_of
from cogs.ledger.messages import missed
from cogs.pairing.threads import ensure_thread, member_zones, pings

log = logging.getLogger(__name__)
HISTORY_LOOKBACK = 25
# Large enough that a backlog drains in few transactions, small enough to hold the
# connection for well under a second.
MISS_BATCH = 50_000
# Pairing opens the thread itself; the loop only repairs pairs older than this.
THREAD_GRACE = timedelta(minutes=5)
Rendered = tuple[str, discord.ui.View | None]


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
            await store.apply(state.partnership_id, plan(state, now))
        while await self.bot.store.milestones.charge_missed(now, MISS_BATCH) == MISS_BATCH:
            pass
        await self._repair_threads(now)
        for notice in await store.unsent():
            await self._deliver(notice, now)
        self._revision = self.bot.store.db.revision
        self._wakeup = await store.next_wakeup()

    async def _repair_threads(self, now: datetime) -> None:
        """Open the thread of a pair whose pairing could not (a Discord error at the time)."""
        for partnership in await self.bot.store.pairing.threadless(now - THREAD_GRACE):
            try:
                await ensure_thread(self.bot, partnership)
            except Exception:
                log.warning(
                    "could not open the thread of partnership %s", partnership.id, exc_info=True
                )

    async def _deliver(self, notice: PendingNotice, now: datetime) -> None:
        store = self.bot.store
        partnership = await store.pairing.partnership(notice.partnership_id)
        if partnership is None or partnership.ended_at is not None:
            await store.reminders.finish(notice, "void")
            return
        await store.reminders.mark_attempted(notice, now)
        try:
            content, view = await self._render(notice, partnership)
            thread = await ensure_thread(self.bot, partnership)
            if notice.status == "attempted" and await self._already_posted(
                thread, content, notice.attempted_at
            ):
                await store.reminders.finish(notice, "sent")
                return
            message = await thread.send(
                content, view=view or discord.utils.MISSING, allowed_mentions=pings(partnership)
            )
        except Exception:
            # One pair's trouble (a Discord error, a deleted partner channel) must not hold
            # up anyone else's reminders; this notice stays due and is retried next tick.
            log.warning(
                "could not post %s for partnership %s; retrying next tick",
                notice.kind,
                partnership.id,
                exc_info=True,
            )
            return
        await store.reminders.finish(notice, "sent", message.id)

    async def _already_posted(
        self, thread: discord.Thread, content: str, since: datetime | None
    ) -> bool:
        after = (since or discord.utils.utcnow()) - timedelta(minutes=1)
        me = self.bot.user
        async for message in thread.history(limit=HISTORY_LOOKBACK, after=after):
            if me is not None and message.author.id == me.id and message.content == content:
                return True
        return False

    async def _render(self, notice: PendingNotice, partnership: Partnership) -> Rendered:
        if notice.kind == HEADS_UP:
            zones = await member_zones(self.bot, partnership)
            return messages.heads_up(partnership, from_timestamp(notice.episode), zones), None
        if notice.kind == MISSED:
            return await self._render_missed(partnership, notice.episode), None
        return _RENDERERS[notice.kind](partnership, notice.member_id)

    async def _render_missed(self, partnership: Partnership, run_at: int) -> str:
        missed_now = await self.bot.store.milestones.missed_in_run(
            partnership.id, from_timestamp(run_at)
        )
        config = await self.bot.store.guilds.get(partnership.guild_id)
        return missed(missed_now, config.currency if config else "points")


_RENDERERS: dict[str, Callable[[Partnership, int], Rendered]] = {
    CHECKIN: lambda p, _member: (messages.checkin_due(p), view_of(CheckinButton(p.id))),
    NUDGE: lambda _p, member: (messages.nudge(member), None),
    REMATCH_OFFER: lambda p, member: (
        messages.rematch_offer(p, member),
        view_of(RematchButton(p.id, member)),
    ),
    ONE_SIDED: lambda p, member: (
        messages.one_sided(p, member),
        view_of(RematchButton(p.id, member)),
    ),
    TRIAL: lambda p, _member: (
        messages.trial_question(p),
        view_of(TrialButton(p.id, "keep"), TrialButton(p.id, "switch")),
    ),
}
