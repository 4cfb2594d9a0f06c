"""Delivering the outbox: each queued message posted (or edited in place) exactly once.

A command stores its change and queues the messages that announce it in one
transaction, answers the member, then calls `flush` with those rows: a Discord error
leaves them waiting, and the scheduler's outbox job retries them with growing delays. Each kind
of message has one renderer, registered by the feature that owns it, which draws the
message from what is stored *now*; so a late message never contradicts the store.

Exactly once: a row is claimed for this process's delivery (a claim stored in the row,
lapsing after `CLAIM` in `bot.store.outbox`), then marked attempted just before sending, with a digest of what
it sends; if the outcome of an attempt is unknown (a crash, a lost reply), the next
attempt first looks in the channel for the message with that digest. Found, it is
adopted (and brought up to date if the store changed since); only when it is not there
is it sent. Processes sharing one database never deliver the same row at once, and one
that dies mid-delivery leaves its row to the others once its claim lapses.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum, auto
from typing import Any

import discord

from bot.app import TandemBot
from bot.i18n import N_, _, speaking
from bot.log import get
from bot.models import NoticeKind, OutboxStatus, Partnership, Stored
from bot.replies import NO_PINGS, describe
from bot.store.outbox import OutboxRow
from cogs.common.languages import pair_language, server_language
from cogs.common.pacing import Pacer
from cogs.common.pictures import picture_file
from cogs.common.text import pinging
from cogs.common.threads import channel_by_id, ensure_thread

log = get("outbox")
# The most messages one history request returns: how far a lost reply is looked for.
HISTORY_LOOKBACK = 100
# Why a message waits, woven into a reply's sentence (`Delivery.problem`); translated when
# a delivery returns it, in the language of the member the reply answers.
# Translators: why a message to a partner waits; completes "…as soon as it can (…)".
DISCORD_TROUBLE = N_("Discord did not take the message just now; I'll keep trying")
# Translators: why a message to a partner waits; completes "…as soon as it can (…)".
BEING_POSTED = N_("it is being posted right now")
# Translators: why a message to a partner waits; completes "…as soon as it can (…)".
DISCORD_BUSY = N_("Discord is busy just now; it goes out in a few minutes")
# A send's place in the budget comes at least this long before its claim's end, or the
# row is given back, not begun; and the send is abandoned (its outcome looked up by
# digest on the next attempt) if it has not finished within `SEND_WITHIN`, so a claim
# always outlives the send it covers, even when Discord makes discord.py wait or retry.
SEND_MARGIN = timedelta(seconds=30)
SEND_WITHIN = timedelta(seconds=25)
# Due rows read at a time, and how many channels one process delivers to side by side:
# enough to keep the budget's pace while each request waits on Discord.
DUE_BATCH = 200
CHANNELS_AT_ONCE = 8


class NoPlaceInTime(Exception):
    """The send budget has no place for this send before its claim would lapse."""


class ClaimLapsed(Exception):
    """This process took too long: its claim on the row lapsed, so it must not send."""


@dataclass(frozen=True)
class Rendered:
    """A message as drawn from the store: what to say, whom to ping, which buttons."""

    content: str = ""
    embed: discord.Embed | None = None
    buttons: tuple[discord.ui.Item[Any], ...] = ()
    pings: tuple[int, ...] = ()
    # Lock and archive the thread once this (a farewell) is posted.
    close_thread: bool = False
    # A picture posted with the message, as (file name, PNG bytes); its digest is the text's.
    picture: tuple[str, bytes] | None = None

    def view(self) -> discord.ui.View | None:
        if not self.buttons:
            return None
        view = discord.ui.View(timeout=None)
        for item in self.buttons:
            view.add_item(item)
        return view

    def digest(self) -> str:
        return digest_of(self.content, self.embed)

    def files(self) -> list[discord.File]:
        if self.picture is None:
            return []
        name, data = self.picture
        return [picture_file(data, name)]


def digest_of(content: str, embed: discord.Embed | None) -> str:
    """What a message says, in a few bytes: how a lost reply is recognised in a channel."""
    parts = [content]
    if embed is not None:
        parts += [embed.title or "", embed.description or "", embed.footer.text or ""]
        parts.append(embed.author.name or "")
        parts += [f"{f.name}={f.value}" for f in embed.fields]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def message_digest(message: discord.Message) -> str:
    return digest_of(message.content, message.embeds[0] if message.embeds else None)


def pair_of(partnership: Partnership | None) -> Partnership:
    """The pair of a row queued for a pair's thread (every kind but channel messages)."""
    assert partnership is not None, "this kind of message always belongs to a pair"
    return partnership


def outcome(row: OutboxRow, rendered: Rendered) -> Rendered | None:
    """What became of a request: shown over its message, or nothing if it never was."""
    return None if row.message_id is None else rendered


Renderer = Callable[[TandemBot, OutboxRow, Partnership | None], Awaitable[Rendered | None]]
GiveUp = Callable[[TandemBot, OutboxRow], Awaitable[None]]
Destination = discord.TextChannel | discord.Thread


@dataclass
class Delivery:
    """What a flush achieved, so a command can tell the member what still waits."""

    sent: set[int] = field(default_factory=set)
    problem: str | None = None

    def done(self, ids: Iterable[int]) -> bool:
        return all(row_id in self.sent for row_id in ids)


class PartnerIs(Enum):
    """What a stored change's notice does to the partner, as the member's reply says it."""

    TOLD = auto()
    ASKED = auto()
    ASKED_TO_CONFIRM = auto()


# Whole sentences per outcome, so each language words them its own way; {where} is the
# pair's thread, {problem} why the notice waits.
_PARTNER_WAS = {
    PartnerIs.TOLD: N_("Your partner was told in {where}."),
    PartnerIs.ASKED: N_("Your partner was asked in {where}."),
    PartnerIs.ASKED_TO_CONFIRM: N_("Your partner was asked to confirm it in {where}."),
}
_PARTNER_WILL_BE = {
    PartnerIs.TOLD: N_("Your partner will be told in {where} as soon as it can ({problem})."),
    PartnerIs.ASKED: N_("Your partner will be asked in {where} as soon as it can ({problem})."),
    PartnerIs.ASKED_TO_CONFIRM: N_(
        "Your partner will be asked to confirm it in {where} as soon as it can ({problem})."
    ),
}


async def reply_stored(
    interaction: discord.Interaction[Any],
    partnership: Partnership,
    stored: Stored[Any],
    *,
    saved: str,
    repeated: str,
    partner_is: PartnerIs,
    view: discord.ui.View | None = None,
) -> None:
    """Answer a deferred command with what it stored, after delivering the partner's notice.

    A retried command that stored nothing new says so (`repeated`); otherwise the reply
    says the partner was told in the thread (`partner_is`), or that the notice waits for
    Discord and why. `view` holds the reply's buttons (a next step).
    """
    outbox: Outbox = interaction.client.outbox
    if stored.repeated:
        text = repeated
    else:
        delivery = await outbox.flush(stored.notices)
        where = f"<#{partnership.thread_id}>" if partnership.thread_id else _("your thread")
        told = (
            _(_PARTNER_WAS[partner_is], where=where)
            if delivery.done(stored.notices)
            else _(_PARTNER_WILL_BE[partner_is], where=where, problem=delivery.problem)
        )
        text = f"{saved} {told}"
    await interaction.followup.send(
        text,
        ephemeral=True,
        allowed_mentions=NO_PINGS,
        view=discord.utils.MISSING if view is None else view,
    )


Target = tuple[int, int | None, int | None]  # a server, and a pair's thread or a channel


def _target(row: OutboxRow) -> Target:
    return (row.guild_id, row.partnership_id, row.channel_id)


def _by_channel(rows: list[OutboxRow]) -> dict[Target, list[OutboxRow]]:
    """Rows grouped by channel, each channel's in queue (id) order."""
    channels: dict[Target, list[OutboxRow]] = {}
    for row in sorted(rows, key=lambda row: row.id):
        channels.setdefault(_target(row), []).append(row)
    return channels


def _log_failure(drain: asyncio.Task[Delivery]) -> None:
    """A background delivery that failed is logged; its rows stay due for the next one."""
    if not drain.cancelled() and (error := drain.exception()) is not None:
        log.error("delivering the outbox failed; retrying next tick", exc_info=error)


class ChannelTurns:
    """The threads and channels this process is delivering to right now.

    One delivery at a time per channel keeps its messages in order. A flush that finds
    a channel busy leaves it to the delivery under way (as it leaves a channel another
    process holds) rather than waiting for it; when that delivery ends, `then` runs, so
    what the other flush wanted goes out at once instead of at the next tick.
    """

    def __init__(self, then: Callable[[], object]) -> None:
        self._busy: set[Target] = set()
        self._wanted: set[Target] = set()
        self._then = then

    @contextmanager
    def turn(self, target: Target) -> Iterator[bool]:
        """Whether the turn was had; it ends with the block."""
        if target in self._busy:
            self._wanted.add(target)
            yield False
            return
        self._busy.add(target)
        try:
            yield True
        finally:
            self._busy.discard(target)
            if target in self._wanted:
                self._wanted.discard(target)
                self._then()


class Outbox:
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot
        self._renderers: dict[str, Renderer] = {}
        self._paired_only: set[str] = set()
        self._give_up: dict[str, GiveUp] = {}
        self._turns = ChannelTurns(then=self.deliver_due)
        # The background delivery of everything due (`deliver_due`), and whether it was
        # asked for again since it last read what is due.
        self._draining: asyncio.Task[Delivery] | None = None
        self._asked_again = False
        self.pacer = Pacer(bot)
        self.pacer.install()
        # Names this process's claims on rows it delivers (see `OutboxStore.claim`).
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"

    def register(
        self,
        kind: str,
        renderer: Renderer,
        *,
        paired_only: bool = False,
        on_give_up: GiveUp | None = None,
    ) -> None:
        """`paired_only` kinds are dropped, unshown, once their pair has ended (a reminder).

        `on_give_up` runs once when a message of this kind is given up on, so what it
        announced can be undone (an invitation nobody could see is withdrawn).
        """
        self._renderers[kind] = renderer
        if paired_only:
            self._paired_only.add(kind)
        if on_give_up is not None:
            self._give_up[kind] = on_give_up

    async def flush(self, ids: Iterable[int]) -> Delivery:
        """Deliver these rows now, and whatever waits before them in their channels."""
        wanted = set(ids)
        rows = await self.bot.store.outbox.waiting_with(list(wanted))
        # Rows no longer waiting were delivered (or became moot) meanwhile.
        delivery = Delivery(sent=wanted - {row.id for row in rows})
        await self._deliver_all(_by_channel(rows), delivery)
        return delivery

    def deliver_due(self) -> asyncio.Task[Delivery]:
        """Deliver everything due in the background: one such delivery per process.

        Asked again while it runs, it reads what is due once more before it ends, so a
        job that queues a peak batch by batch (`cogs.checkins.jobs`) has each batch's
        reminders sent while it plans the next. The scheduler's tick does not wait for
        it: a peak takes minutes to send, and other timed work goes on meanwhile.
        """
        self._asked_again = True
        if self._draining is None or self._draining.done():
            self._draining = asyncio.create_task(self._drain_while_asked(), name="tandem outbox")
            self._draining.add_done_callback(_log_failure)
        return self._draining

    async def _drain_while_asked(self) -> Delivery:
        """Drain, and again for as long as someone asked meanwhile."""
        delivery = Delivery()
        while self._asked_again:
            self._asked_again = False
            await self._drain(delivery)
        return delivery

    async def _drain(self, delivery: Delivery) -> None:
        """Everything due, batch after batch, in priority order (`OutboxStore.due`).

        Each channel in a batch is delivered from its oldest waiting message on: a
        reminder never goes out ahead of an older message of its thread that waited out
        a failure. Stops at a short batch, or one that delivered nothing (every row
        waits for Discord, the budget or another process).
        """
        store = self.bot.store.outbox
        while True:
            due = await store.due(discord.utils.utcnow(), self.holder, DUE_BATCH)
            latest = {_target(row): row.id for row in due}  # the due order of channels
            waiting = await store.waiting_with(list(latest.values()))
            channels: dict[Target, list[OutboxRow]] = {target: [] for target in latest}
            channels |= _by_channel(waiting)
            before = len(delivery.sent)
            await self._deliver_all(channels, delivery)
            if len(due) < DUE_BATCH or len(delivery.sent) == before:
                return

    async def _deliver_all(
        self, channels: dict[Target, list[OutboxRow]], delivery: Delivery
    ) -> None:
        """Each channel's rows in order, `CHANNELS_AT_ONCE` channels side by side.

        A few workers take the channels in turn, in the order given (a drain's: the
        priority order of what is due).
        """
        queue = iter(channels.items())

        async def worker() -> None:
            for target, rows in queue:
                await self._deliver_channel(target, rows, delivery)

        async with asyncio.TaskGroup() as group:
            for _ in range(min(CHANNELS_AT_ONCE, len(channels))):
                group.create_task(worker())

    async def _deliver_channel(
        self, target: Target, rows: list[OutboxRow], delivery: Delivery
    ) -> None:
        """One channel's rows, in queue order, stopping at the first that has to wait."""
        with self._turns.turn(target) as mine:
            if not mine:
                delivery.problem = delivery.problem or _(BEING_POSTED)
                return
            for row in rows:
                now = discord.utils.utcnow()
                claimed = await self.bot.store.outbox.claim(row, self.holder, now)
                if claimed is None:  # another process delivers this channel now
                    delivery.problem = delivery.problem or _(BEING_POSTED)
                    return
                problem = await self._deliver(claimed, now)
                if problem is not None:
                    delivery.problem = delivery.problem or problem
                    return
                delivery.sent.add(row.id)

    async def _deliver(self, row: OutboxRow, now: datetime) -> str | None:
        """Deliver one row; a member-facing reason when it has to wait, else None.

        The reason is in the language of whoever flushed (the member a reply answers);
        only the message itself is drawn in its thread's or channel's language."""
        store = self.bot.store
        partnership = None
        if row.partnership_id is not None:
            partnership = await store.partnerships.partnership(row.partnership_id)
            # A reminder or proposal never shown is moot once its pair ended; one already
            # shown is still redrawn (without its buttons).
            if partnership is None or (
                row.kind in self._paired_only
                and partnership.ended_at is not None
                and row.message_id is None
            ):
                await store.outbox.void(row)
                return None
        renderer = self._renderers.get(row.kind)
        try:
            if renderer is None:
                raise LookupError(f"no renderer for outbox kind {row.kind!r}")
            with speaking(await self._language(row, partnership)):
                rendered = await renderer(self.bot, row, partnership)
            if rendered is None:
                await store.outbox.void(row)
                return None
            destination = await self._destination(row, partnership)
            message = await self._post(destination, row, rendered, now)
        except NoPlaceInTime:
            log.info("%s %s waits for the send budget; given back", row.kind, row.key)
            await store.outbox.release(row, self.holder)
            return _(DISCORD_BUSY)
        except ClaimLapsed:
            log.warning(
                "claim on %s %s lapsed before sending; left to its new holder", row.kind, row.key
            )
            return _(BEING_POSTED)
        except Exception as error:
            return await self._postpone(row, error, now)
        await store.outbox.delivered(row, message.id)
        if row.kind is NoticeKind.CHECKIN and row.message_id is None:
            self._observe_lateness(row)
        log.info("sent %s %s as message %s", row.kind, row.key, message.id)
        if rendered.close_thread and isinstance(destination, discord.Thread):
            await self._close(destination)
        return None

    def _observe_lateness(self, row: OutboxRow) -> None:
        """A reminder's episode is its check-in's time: how late the reminder came."""
        checkin_at = datetime.fromtimestamp(row.episode, UTC)
        late = (discord.utils.utcnow() - checkin_at).total_seconds()
        self.bot.metrics.reminder_lateness.observe(max(0.0, late))

    async def _language(self, row: OutboxRow, partnership: Partnership | None) -> str:
        """A partner thread speaks the pair's language; a public channel the server's."""
        if partnership is not None:
            return await pair_language(self.bot, partnership)
        return await server_language(self.bot, row.guild_id)

    async def _close(self, thread: discord.Thread) -> None:
        """Lock and archive after a goodbye; the goodbye stands even if Discord refuses this."""
        try:
            await thread.edit(archived=True, locked=True)
        except discord.HTTPException:
            log.warning("could not lock and archive thread %s", thread.id, exc_info=True)

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
        if row.message_id is not None:
            try:
                return await self._edit(destination.get_partial_message(row.message_id), rendered)
            except discord.NotFound:
                pass  # deleted meanwhile: post it anew
        if row.status is OutboxStatus.ATTEMPTED and row.attempt_digest is not None:
            found = await self._find(destination, row.attempt_digest, row.first_attempt_at)
            if found is not None:
                if message_digest(found) == rendered.digest():
                    return found
                return await self._edit(found, rendered)  # the store changed since: update it
        assert row.claimed_until is not None, "a row is delivered under its claim"
        start = await self.pacer.place(deadline=row.claimed_until - SEND_MARGIN)
        if start is None:
            raise NoPlaceInTime(row.id)
        if not await self.bot.store.outbox.mark_attempted(
            row, self.holder, discord.utils.utcnow(), rendered.digest()
        ):
            raise ClaimLapsed(row.id)
        async with self.pacer.at(start), asyncio.timeout(SEND_WITHIN.total_seconds()):
            return await destination.send(
                content=rendered.content or None,
                embed=rendered.embed or discord.utils.MISSING,
                view=rendered.view() or discord.utils.MISSING,
                files=rendered.files() or discord.utils.MISSING,
                allowed_mentions=pinging(rendered.pings),
            )

    @staticmethod
    async def _edit(
        message: discord.Message | discord.PartialMessage, rendered: Rendered
    ) -> discord.Message:
        return await message.edit(
            content=rendered.content,
            embed=rendered.embed,
            view=rendered.view(),
            attachments=rendered.files() or discord.utils.MISSING,
            allowed_mentions=pinging(rendered.pings),
        )

    async def _find(
        self, destination: Destination, digest: str, since: datetime | None
    ) -> discord.Message | None:
        """The bot's message with this digest posted since the first attempt, if any."""
        after = (since or discord.utils.utcnow()) - timedelta(minutes=1)
        me = self.bot.user
        async for message in destination.history(limit=HISTORY_LOOKBACK, after=after):
            if me is not None and message.author.id == me.id and message_digest(message) == digest:
                return message
        return None

    async def _postpone(self, row: OutboxRow, error: Exception, now: datetime) -> str:
        """Wait and retry later; give up after a week, logged once and shown in `/setup`."""
        self.bot.metrics.outbox_failures.inc()
        given_up = await self.bot.store.outbox.postpone(row, now)
        where = f"pair {row.partnership_id}" if row.partnership_id else f"channel {row.channel_id}"
        for failed in given_up:
            log.error(
                "gave up on %s %s for %s after a week: %r", failed.kind, failed.key, where, error
            )
            undo = self._give_up.get(failed.kind)
            if undo is not None:
                await undo(self.bot, failed)
        if row.id not in {failed.id for failed in given_up}:
            log.warning(
                "could not post %s for %s (attempt %d); retrying later: %r",
                row.kind,
                where,
                row.attempts + 1,
                error,
            )
        # Callers weave the reason into a sentence of their own.
        return (describe(error) or _(DISCORD_TROUBLE)).rstrip(".")
