"""The outbox: every message Tandem owes Discord, queued with the change it announces.

A row names its occasion (kind, pair or channel, episode, member) and is rendered from the
stored state only when it is delivered. Queue it inside the transaction of the change
(`queue`), then deliver it (`bot`-side `Outbox.flush`): a crash or a Discord error
between the two delays the message, and can never lose or repeat it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.models import NoticeKind, OutboxStatus
from bot.pacing import Priority
from bot.shards import Shards
from bot.store.database import Connection, Database, from_timestamp, pair_members_of, to_timestamp

# A message still undelivered this long after it was queued is given up on and shown to
# moderators; until then each failure doubles the wait, up to an hour.
GIVE_UP_AFTER = timedelta(days=7)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)

_COLUMNS = (
    "id, key, guild_id, partnership_id, channel_id, kind, episode, member_id, revision,"
    " status, attempts, first_attempt_at, due_at, message_id, attempt_digest, claimed_until"
)
_ROW = f"SELECT {_COLUMNS} FROM outbox"
# How long a claim on a message holds while it is delivered: far longer than one post
# takes, even rate-limited; a process that dies mid-delivery holds it this long.
CLAIM = timedelta(minutes=2)
# A claim ends with the delivery's outcome (sent, void, postponed).
_UNCLAIMED = "claimed_by = NULL, claimed_until = NULL"
_UNSENT = "('pending', 'attempted')"
# A row's `bot.pacing.Priority`, spelled as migration 0021's `outbox_due_in_order` index
# spells it, so the due query reads that index instead of sorting what is due.
PRIORITY = (
    f"(CASE WHEN kind = '{NoticeKind.CHECKIN}' THEN {Priority.REMINDER:d}"
    f" WHEN partnership_id IS NOT NULL THEN {Priority.THREAD:d} ELSE {Priority.CHANNEL:d} END)"
)
# Show a message again: a new revision, due now, its earlier failures forgotten.
_REDRAWN = (
    "revision = outbox.revision + 1, status = CASE"
    " WHEN outbox.status IN ('sent', 'void', 'failed') THEN 'pending' ELSE outbox.status END,"
    " attempts = CASE WHEN outbox.status IN ('sent', 'void', 'failed') THEN 0"
    " ELSE outbox.attempts END,"
    " first_attempt_at = CASE WHEN outbox.status IN ('sent', 'void', 'failed') THEN NULL"
    " ELSE outbox.first_attempt_at END"
)
# A new message waits behind the channel's messages still waiting out a failure, so a
# channel's messages go out in the order they were queued.
DUE_BEHIND = (
    "COALESCE((SELECT MAX(w.due_at) FROM outbox w WHERE w.status IN ('pending', 'attempted')"
    " AND w.guild_id = :guild AND w.partnership_id IS NOT DISTINCT FROM :pair"
    " AND w.channel_id IS NOT DISTINCT FROM :channel AND w.due_at > :now), :now)"
)


@dataclass(frozen=True)
class OutboxRow:
    id: int
    key: str
    guild_id: int
    partnership_id: int | None
    channel_id: int | None
    kind: NoticeKind
    episode: int
    member_id: int
    revision: int
    status: OutboxStatus
    attempts: int
    first_attempt_at: datetime | None
    due_at: datetime
    message_id: int | None
    attempt_digest: str | None = None
    # Until when the holder that read it may deliver it (`OutboxStore.claim`).
    claimed_until: datetime | None = None


@dataclass(frozen=True)
class Undeliverable:
    """A message given up on, for the moderators' `/setup` view."""

    partnership_id: int | None
    channel_id: int | None
    kind: str
    members: tuple[int, ...]


def notice_key(kind: str, partnership_id: int | None, episode: int, member_id: int) -> str:
    """The permanent name of an occasion; the SQL of the miss job spells it the same way."""
    return f"{kind}:{partnership_id or 0}:{episode}:{member_id}"


def retry_delay(failures: int) -> timedelta:
    """Doubling from a minute, capped at an hour: a broken channel costs one try an hour."""
    doublings = min(max(failures - 1, 0), 12)
    return min(FIRST_RETRY * (1 << doublings), LONGEST_RETRY)


async def queue(
    conn: Connection,
    guild_id: int,
    kind: str,
    now: datetime,
    *,
    partnership_id: int | None = None,
    channel_id: int | None = None,
    episode: int = 0,
    member_id: int = 0,
    refresh: bool = False,
) -> int:
    """Queue a message inside the caller's transaction; returns its row id.

    Queueing an occasion twice changes nothing, unless `refresh` asks for the message
    to be shown again (drawn anew and edited in place once delivered).
    """
    row = await conn.fetch_one(
        "INSERT INTO outbox (key, guild_id, partnership_id, channel_id, kind, episode, member_id,"
        f" due_at, created_at) VALUES (:key, :guild, :pair, :channel, :kind, :episode, :member,"
        f" {DUE_BEHIND}, :now)"
        f" ON CONFLICT (key) DO UPDATE SET {_REDRAWN if refresh else 'revision = outbox.revision'}"
        + (", due_at = excluded.due_at" if refresh else "")
        + " RETURNING id",
        {
            "key": notice_key(kind, partnership_id, episode, member_id),
            "guild": guild_id,
            "pair": partnership_id,
            "channel": channel_id,
            "kind": kind,
            "episode": episode,
            "member": member_id,
            "now": to_timestamp(now),
        },
    )
    assert row is not None
    return int(row["id"])


async def redraw(
    conn: Connection,
    kind: str,
    partnership_id: int | None,
    episodes: list[int],
    now: datetime,
    member_id: int = 0,
) -> tuple[int, ...]:
    """Have messages already queued for these occasions drawn again and edited in place.

    An answered or withdrawn request then shows its outcome instead of its buttons.
    Occasions never queued stay that way: there is nothing on Discord to redraw.
    `member_id` names the member of occasions queued for one (a break's notice).
    """
    redrawn = []
    for episode in episodes:
        row = await conn.fetch_one(
            f"UPDATE outbox SET {_REDRAWN}, due_at = ? WHERE key = ? RETURNING id",
            (to_timestamp(now), notice_key(kind, partnership_id, episode, member_id)),
        )
        if row is not None:
            redrawn.append(int(row["id"]))
    return tuple(redrawn)


async def redraw_posted(
    conn: Connection, partnership_id: int, kinds: tuple[str, ...], now: datetime
) -> tuple[int, ...]:
    """Have the pair's posted messages of these kinds drawn again, e.g. when the pair ends."""
    rows = await conn.fetch_all(
        f"UPDATE outbox SET {_REDRAWN}, due_at = ? WHERE partnership_id = ?"
        f" AND kind IN ({','.join('?' * len(kinds))}) AND message_id IS NOT NULL RETURNING id",
        (to_timestamp(now), partnership_id, *kinds),
    )
    return tuple(int(row["id"]) for row in rows)


def _row(row: Any) -> OutboxRow:
    first, claimed = row["first_attempt_at"], row["claimed_until"]
    return OutboxRow(
        id=row["id"],
        key=row["key"],
        guild_id=row["guild_id"],
        partnership_id=row["partnership_id"],
        channel_id=row["channel_id"],
        kind=NoticeKind(row["kind"]),
        episode=row["episode"],
        member_id=row["member_id"],
        revision=row["revision"],
        status=OutboxStatus(row["status"]),
        attempts=row["attempts"],
        first_attempt_at=None if first is None else from_timestamp(first),
        due_at=from_timestamp(row["due_at"]),
        message_id=row["message_id"],
        attempt_digest=row["attempt_digest"],
        claimed_until=None if claimed is None else from_timestamp(claimed),
    )


class OutboxStore:
    def __init__(self, db: Database, shards: Shards) -> None:
        self._db = db
        self._shards = shards

    async def due(self, now: datetime, holder: str = "", limit: int = 200) -> list[OutboxRow]:
        """Unsent messages whose time has come, in the order a peak delivers them.

        Reminders first, then other thread messages, then channel posts, each oldest
        first (`bot.pacing.Priority`), read through `outbox_due_in_order`. Rows another
        holder is delivering are left out: at a peak two processes share the queue.
        """
        rows = await self._db.fetch_all(
            f"{_ROW} WHERE status IN {_UNSENT} AND due_at <= :now AND {self._shards.sql()}"
            " AND (claimed_until IS NULL OR claimed_until <= :now OR claimed_by = :holder)"
            f" ORDER BY {PRIORITY}, due_at, id LIMIT :limit",
            {"now": to_timestamp(now), "holder": holder, "limit": limit},
        )
        return [_row(row) for row in rows]

    async def waiting_with(self, ids: list[int]) -> list[OutboxRow]:
        """Unsent rows for the channels of these rows, in queue order, due or not.

        A command delivers its own messages at once, and what still waits before them
        in the same thread goes first, so a thread never reads out of order.
        """
        found: dict[int, OutboxRow] = {}
        for row_id in sorted(set(ids)):
            rows = await self._db.fetch_all(
                f"{_ROW} WHERE status IN {_UNSENT} AND id <= :id AND guild_id ="
                " (SELECT guild_id FROM outbox WHERE id = :id) AND partnership_id IS NOT DISTINCT"
                " FROM (SELECT partnership_id FROM outbox WHERE id = :id) AND channel_id IS NOT"
                " DISTINCT FROM (SELECT channel_id FROM outbox WHERE id = :id) ORDER BY id",
                {"id": row_id},
            )
            found.update((row["id"], _row(row)) for row in rows)
        return [found[row_id] for row_id in sorted(found)]

    async def claim(self, row: OutboxRow, holder: str, now: datetime) -> OutboxRow | None:
        """Claim the row for `holder`'s delivery, as it is now; None if it is not to be had.

        Not to be had: delivered or void meanwhile, claimed by another holder whose claim
        has not lapsed, or queued behind an earlier message of its channel that another
        holder is delivering (a channel's messages go out in order). Claiming again
        extends one's own claim. Atomic on both engines: on PostgreSQL a second claimer
        waits for the first's row lock, then finds the row claimed.
        """
        stamp = to_timestamp(now)
        async with self._db.transaction() as conn:
            claimed = await conn.fetch_one(
                f"UPDATE outbox SET claimed_by = :holder, claimed_until = :until WHERE id = :id"
                f" AND status IN {_UNSENT} AND (claimed_until IS NULL OR claimed_until <= :now"
                " OR claimed_by = :holder) AND NOT EXISTS (SELECT 1 FROM outbox e"
                f" WHERE e.status IN {_UNSENT} AND e.guild_id = outbox.guild_id"
                " AND e.partnership_id IS NOT DISTINCT FROM outbox.partnership_id"
                " AND e.channel_id IS NOT DISTINCT FROM outbox.channel_id AND e.id < outbox.id"
                " AND e.claimed_until > :now AND e.claimed_by <> :holder)"
                f" RETURNING {_COLUMNS}",
                {
                    "holder": holder,
                    "until": to_timestamp(now + CLAIM),
                    "id": row.id,
                    "now": stamp,
                },
            )
        return None if claimed is None else _row(claimed)

    async def mark_attempted(self, row: OutboxRow, holder: str, now: datetime, digest: str) -> bool:
        """Written just before sending: a crash mid-send is then looked up, not repeated.

        `digest` names what is about to be sent, so the lookup finds it even if the
        message would be drawn differently by then. The first attempt's time is kept:
        the channel is searched from then on. Only while `holder`'s claim still holds:
        False means it lapsed (another process may be delivering it) and nothing is sent.
        """
        async with self._db.transaction() as conn:
            marked = await conn.execute(
                "UPDATE outbox SET status = 'attempted', attempt_digest = ?,"
                " first_attempt_at = COALESCE(first_attempt_at, ?) WHERE id = ?"
                " AND claimed_by = ? AND claimed_until > ?",
                (digest, to_timestamp(now), row.id, holder, to_timestamp(now)),
            )
        return marked == 1

    async def delivered(self, row: OutboxRow, message_id: int | None) -> None:
        """Sent, unless the row was refreshed meanwhile: then it goes out again (an edit)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                f"UPDATE outbox SET {_UNCLAIMED}, message_id = COALESCE(?, message_id),"
                " status = CASE WHEN revision = ? THEN 'sent' ELSE 'pending' END,"
                " attempts = CASE WHEN revision = ? THEN attempts ELSE 0 END WHERE id = ?",
                (message_id, row.revision, row.revision, row.id),
            )

    async def release(self, row: OutboxRow, holder: str) -> None:
        """Give the row back untouched: its send could not begin while the claim holds.

        Still due, it goes out on a later pass (this holder's or another's), once the
        budget has room before a new claim would lapse.
        """
        async with self._db.transaction() as conn:
            await conn.execute(
                f"UPDATE outbox SET {_UNCLAIMED} WHERE id = ? AND claimed_by = ?",
                (row.id, holder),
            )

    async def void(self, row: OutboxRow) -> None:
        """Nothing to say any more (the pair ended, the request was answered meanwhile)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                f"UPDATE outbox SET {_UNCLAIMED}, status = 'void' WHERE id = ?"
                f" AND status IN {_UNSENT}",
                (row.id,),
            )

    async def postpone(self, row: OutboxRow, now: datetime) -> list[OutboxRow]:
        """Wait longer after a failure; returns the rows given up on now (each once).

        A message queued over a week ago is given up on, and so is every other message
        of its channel that waited that long behind it. The channel's other waiting
        messages wait as long as this one, so they still go out in the order they were
        queued once the channel works again.
        """
        failures = row.attempts + 1
        target = (row.guild_id, row.partnership_id, row.channel_id)
        async with self._db.transaction() as conn:
            failed_rows = await conn.fetch_all(
                f"UPDATE outbox SET {_UNCLAIMED}, status = 'failed' WHERE status IN {_UNSENT}"
                " AND guild_id = ? AND partnership_id IS NOT DISTINCT FROM ? AND channel_id IS NOT DISTINCT FROM ?"
                " AND created_at <= ? RETURNING *",
                (*target, to_timestamp(now - GIVE_UP_AFTER)),
            )
            given_up = [_row(failed) for failed in failed_rows]
            if row.id in {failed.id for failed in given_up}:
                return given_up
            due = to_timestamp(now + retry_delay(failures))
            await conn.execute(
                f"UPDATE outbox SET {_UNCLAIMED}, due_at = ?, attempts = ?,"
                " first_attempt_at = COALESCE(first_attempt_at, ?) WHERE id = ?",
                (due, failures, to_timestamp(now), row.id),
            )
            await conn.execute(
                f"UPDATE outbox SET due_at = ? WHERE status IN {_UNSENT} AND due_at < ?"
                " AND id > ? AND guild_id = ? AND partnership_id IS NOT DISTINCT FROM ? AND channel_id IS NOT DISTINCT FROM ?",
                (due, due, row.id, *target),
            )
        return given_up

    async def next_due(self) -> int | None:
        value = await self._db.fetch_value(
            f"SELECT MIN(due_at) FROM outbox WHERE status IN {_UNSENT} AND {self._shards.sql()}"
        )
        return None if value is None else int(value)

    async def undeliverable(self, guild_id: int) -> list[Undeliverable]:
        """Messages given up on in this server, with the members of their pairs."""
        rows = await self._db.fetch_all(
            "SELECT o.partnership_id, o.channel_id, o.kind,"
            f" {pair_members_of('o.partnership_id')} AS members"
            " FROM outbox o WHERE o.guild_id = ? AND o.status = 'failed' ORDER BY o.id",
            (guild_id,),
        )
        return [
            Undeliverable(
                partnership_id=row["partnership_id"],
                channel_id=row["channel_id"],
                kind=NoticeKind(row["kind"]),
                members=tuple(int(m) for m in str(row["members"] or "").split(",") if m),
            )
            for row in rows
        ]
