"""Voice rooms: a pair's room from the press that asks for it to its deletion, and the
stays in it that make a call count as the week's check-in (`bot.calls`).

A room is stored before its channel exists ('opening'), so the channel is created under
the same discipline as a message in the outbox: one claimed attempt at a time, retried
with growing delays after a Discord error, and looked for before it is created again
(the Discord side adopts a channel an interrupted attempt left). Its closing is a time
in the same row (`due_at`), read through an index by the scheduler, so a room left by a
crash or a deploy is closed on the next pass. While partners are inside, the scheduler
also notes every minute that they still are (`seen_at`): a stay Tandem could not see
end (it was offline) ends there, so a call is never longer than Tandem saw it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.calls import (
    LONGEST_ROOM,
    Stay,
    closes_at,
    counts,
    time_together,
    whole_minutes,
)
from bot.errors import UserError
from bot.i18n import ngettext
from bot.models import CheckinVia, NoticeKind, Partnership, RoomStatus, Stored, VoiceFault
from bot.shards import Shards
from bot.store.checkins import file_checkin
from bot.store.database import Connection, Database, Reads, Row, from_timestamp, to_timestamp
from bot.store.guilds import note_voice_fault
from bot.store.outbox import queue, redraw, retry_delay
from bot.store.partnerships import read_partnership

# How long an attempt holds a room while it creates or deletes its channel: far longer
# than one request takes; a process that dies mid-way holds it this long.
ROOM_CLAIM = timedelta(minutes=2)
# While partners are in a room, how often Tandem notes that they still are.
HEARTBEAT = timedelta(minutes=1)
_ACTIVE = "('opening', 'open')"
_COLUMNS = (
    "id, guild_id, partnership_id, opened_by, status, channel_id, opened_at, due_at, attempts"
)
_ROOM = f"SELECT {_COLUMNS} FROM voice_rooms"


@dataclass(frozen=True)
class Room:
    id: int
    guild_id: int
    partnership_id: int
    opened_by: int | None
    status: RoomStatus
    channel_id: int | None
    opened_at: datetime  # asked for while opening; the channel's creation once open
    due_at: datetime
    attempts: int


@dataclass(frozen=True)
class Call:
    """A room's call as it stands: minutes both partners spent together, and whether
    they made the week's check-in."""

    minutes: int
    counted: bool


def _room(row: Row) -> Room:
    return Room(
        id=row["id"],
        guild_id=row["guild_id"],
        partnership_id=row["partnership_id"],
        opened_by=row["opened_by"],
        status=RoomStatus(row["status"]),
        channel_id=row["channel_id"],
        opened_at=from_timestamp(row["opened_at"]),
        due_at=from_timestamp(row["due_at"]),
        attempts=row["attempts"],
    )


async def _stays(reads: Reads, room_id: int) -> list[Stay]:
    rows = await reads.fetch_all(
        "SELECT user_id, joined_at, left_at FROM voice_presence WHERE room_id = ?", (room_id,)
    )
    return [
        Stay(
            row["user_id"],
            from_timestamp(row["joined_at"]),
            None if row["left_at"] is None else from_timestamp(row["left_at"]),
        )
        for row in rows
    ]


async def _in_use(reads: Reads, guild_id: int) -> int:
    """Rooms that count against the server's cap: open, or being opened."""
    count = await reads.fetch_value(
        f"SELECT COUNT(*) FROM voice_rooms WHERE guild_id = ? AND status IN {_ACTIVE}",
        (guild_id,),
    )
    return int(count)


def _full(cap: int) -> str:
    return ngettext(
        "This server's only voice room is in use. Try again once it closes.",
        "All {count} voice rooms of this server are in use. Try again once one closes.",
        cap,
        count=cap,
    )


class VoiceStore:
    def __init__(self, db: Database, shards: Shards) -> None:
        self._db = db
        self._shards = shards

    async def open(
        self, partnership: Partnership, presser: int, cap: int, now: datetime
    ) -> Stored[Room]:
        """The pair's room: the one already open or opening (`repeated`), else a new one.

        A new room is refused with a `UserError` once `cap` rooms are open in the server.
        Presses of both partners at once take turns, so a pair never gets two rooms and
        a server never more than its cap.
        """
        async with self._db.transaction() as conn:
            await conn.serialize(f"voice rooms {partnership.guild_id}")
            existing = await conn.fetch_one(
                f"{_ROOM} WHERE partnership_id = ? AND status IN {_ACTIVE}", (partnership.id,)
            )
            if existing is not None:
                return Stored(_room(existing), repeated=True)
            if await _in_use(conn, partnership.guild_id) >= cap:
                raise UserError(_full(cap))
            row = await conn.fetch_one(
                "INSERT INTO voice_rooms (guild_id, partnership_id, opened_by, opened_at, due_at)"
                f" VALUES (?, ?, ?, ?, ?) RETURNING {_COLUMNS}",
                (
                    partnership.guild_id,
                    partnership.id,
                    presser,
                    to_timestamp(now),
                    to_timestamp(now),
                ),
            )
        assert row is not None
        return Stored(_room(row))

    async def in_use(self, guild_id: int) -> int:
        """How many rooms count against the server's cap now, for `/setup`'s status."""
        return await _in_use(self._db, guild_id)

    async def room(self, room_id: int) -> Room | None:
        row = await self._db.fetch_one(f"{_ROOM} WHERE id = ?", (room_id,))
        return None if row is None else _room(row)

    async def room_in(self, channel_id: int) -> Room | None:
        """The open room whose channel this is; None for any other channel."""
        row = await self._db.fetch_one(
            f"{_ROOM} WHERE channel_id = ? AND status = 'open'", (channel_id,)
        )
        return None if row is None else _room(row)

    async def open_in(self, guild_id: int) -> list[Room]:
        """The server's open rooms: what start-up compares with the channels it finds."""
        rows = await self._db.fetch_all(
            f"{_ROOM} WHERE guild_id = ? AND status = 'open' ORDER BY id", (guild_id,)
        )
        return [_room(row) for row in rows]

    async def channels_in_use(self, guild_id: int) -> set[int]:
        """The server's channels that are some room's: never adopted for another room."""
        rows = await self._db.fetch_all(
            f"SELECT channel_id FROM voice_rooms WHERE guild_id = ? AND status IN {_ACTIVE}"
            " AND channel_id IS NOT NULL",
            (guild_id,),
        )
        return {row["channel_id"] for row in rows}

    async def claim(self, room: Room, now: datetime) -> Room | None:
        """Hold the room while its channel is created or deleted; None if it is held (by
        another process, or by this one's command while its scheduler looks), or done
        with meanwhile. Never re-entrant: one attempt at a time, whoever makes it."""
        async with self._db.transaction() as conn:
            row = await conn.fetch_one(
                f"UPDATE voice_rooms SET claimed_until = :until WHERE id = :id"
                f" AND status IN {_ACTIVE} AND (claimed_until IS NULL OR claimed_until <= :now)"
                f" RETURNING {_COLUMNS}",
                {"until": to_timestamp(now + ROOM_CLAIM), "id": room.id, "now": to_timestamp(now)},
            )
        return None if row is None else _room(row)

    async def opened(self, room: Room, channel_id: int, now: datetime) -> Stored[Room]:
        """Its channel exists: the room is open from now, the thread is told, the
        server's last fault is forgotten."""
        async with self._db.transaction() as conn:
            row = await conn.fetch_one(
                "UPDATE voice_rooms SET status = 'open', channel_id = ?, opened_at = ?, due_at = ?,"
                " seen_at = ?, claimed_until = NULL WHERE id = ? AND status = 'opening'"
                f" RETURNING {_COLUMNS}",
                (
                    channel_id,
                    to_timestamp(now),
                    to_timestamp(closes_at(now, [])),
                    to_timestamp(now),
                    room.id,
                ),
            )
            if row is None:
                return Stored(room, repeated=True)
            await note_voice_fault(conn, room.guild_id, None)
            notice = await _announce(conn, room, now)
        return Stored(_room(row), (notice,))

    async def retry_later(
        self, room: Room, now: datetime, fault: VoiceFault | None = None
    ) -> Stored[Room]:
        """Discord did not create (or delete) the channel just now: try again, later each
        time, `fault` shown in `/setup` meanwhile. A room that could not open within its
        longest life is given up, and its thread told so."""
        attempts = room.attempts + 1
        gave_up = room.status is RoomStatus.OPENING and now >= room.opened_at + LONGEST_ROOM
        async with self._db.transaction() as conn:
            row = await conn.fetch_one(
                "UPDATE voice_rooms SET attempts = ?, due_at = ?, status = ?, closed_at = ?,"
                f" claimed_until = NULL WHERE id = ? RETURNING {_COLUMNS}",
                (
                    attempts,
                    to_timestamp(now + retry_delay(attempts)),
                    RoomStatus.FAILED if gave_up else room.status,
                    to_timestamp(now) if gave_up else None,
                    room.id,
                ),
            )
            if fault is not None:
                await note_voice_fault(conn, room.guild_id, fault)
            notices = (await _announce(conn, room, now),) if gave_up else ()
        assert row is not None
        return Stored(_room(row), notices)

    async def failed(self, room: Room, fault: VoiceFault, now: datetime) -> None:
        """Discord refused the room for good: nothing opens, `/setup` shows why."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE voice_rooms SET status = 'failed', closed_at = ?, claimed_until = NULL"
                " WHERE id = ? AND status = 'opening'",
                (to_timestamp(now), room.id),
            )
            await note_voice_fault(conn, room.guild_id, fault)

    async def beat(self, room: Room, now: datetime) -> bool:
        """An open room's time came: True when it is to close now; else Tandem notes who
        is still inside (`seen_at`) and when to look again."""
        async with self._db.transaction() as conn:
            stays = await _stays(conn, room.id)
            if closes_at(room.opened_at, stays) <= now:
                return True
            await _reschedule(conn, room, now)
        return False

    async def closed(self, room: Room, now: datetime, *, seen: bool = True) -> Stored[None]:
        """Its channel is gone (deleted on time, or by a moderator by hand): whoever was
        still inside left now (or, when Tandem was not there to `seen` it, when Tandem
        last knew they were inside), the call is counted, the thread's message says so."""
        async with self._db.transaction() as conn:
            changed = await conn.execute(
                "UPDATE voice_rooms SET status = 'closed', closed_at = ?, claimed_until = NULL"
                " WHERE id = ? AND status = 'open'",
                (to_timestamp(now), room.id),
            )
            if not changed:
                return Stored(None, repeated=True)
            await conn.execute(
                f"UPDATE voice_presence SET left_at = {'?' if seen else _LAST_SEEN}"
                " WHERE room_id = ? AND left_at IS NULL",
                (to_timestamp(now), room.id) if seen else (room.id, room.id),
            )
            notices = await _count(conn, room, now)
            notices += await redraw(
                conn, NoticeKind.ROOM_OPENED, room.partnership_id, [room.id], now
            )
        return Stored(None, notices)

    async def joined(self, room: Room, user_id: int, now: datetime) -> None:
        """A partner came in (anyone else is not recorded): a stay begins, the room stays."""
        async with self._db.transaction() as conn:
            await _join(conn, room, user_id, now)
            await _reschedule(conn, room, now)

    async def left(self, room: Room, user_id: int, now: datetime) -> Stored[None]:
        """A partner went out: their stay ends, the room's closing moves, and a call of
        both that lasted long enough becomes the week's check-in."""
        async with self._db.transaction() as conn:
            if not await _leave(conn, room, user_id, to_timestamp(now)):
                return Stored(None, repeated=True)
            await _reschedule(conn, room, now)
            return Stored(None, await _count(conn, room, now))

    async def present(self, room: Room, user_ids: set[int], now: datetime) -> Stored[None]:
        """Who is in the room now, as Discord reports it (after a restart, or when an
        interrupted attempt's channel is adopted). A stay of a partner no longer there
        ends when Tandem last knew they were inside; partners found inside begin one."""
        async with self._db.transaction() as conn:
            staying = await conn.fetch_all(
                "SELECT user_id FROM voice_presence WHERE room_id = ? AND left_at IS NULL",
                (room.id,),
            )
            seen = await conn.fetch_value(
                "SELECT COALESCE(seen_at, opened_at) FROM voice_rooms WHERE id = ?", (room.id,)
            )
            ended = False
            for row in staying:
                if row["user_id"] not in user_ids:
                    ended = await _leave(conn, room, row["user_id"], seen) or ended
            for user_id in user_ids:
                await _join(conn, room, user_id, now)
            await _reschedule(conn, room, now)
            return Stored(None, await _count(conn, room, now) if ended else ())

    async def call(self, room_id: int, now: datetime) -> Call | None:
        """The room's call as it stands, for its messages."""
        row = await self._db.fetch_one(
            "SELECT partnership_id, counted_week FROM voice_rooms WHERE id = ?", (room_id,)
        )
        if row is None:
            return None
        partnership = await read_partnership(self._db, row["partnership_id"])
        if partnership is None:
            return None
        together = time_together(await _stays(self._db, room_id), partnership.members, now)
        return Call(whole_minutes(together), row["counted_week"] is not None)

    async def due(self, now: datetime, limit: int = 50) -> list[Room]:
        """Rooms whose channel is to be created or deleted, or whose partners are to be
        noted as still inside, now; oldest first."""
        rows = await self._db.fetch_all(
            f"{_ROOM} WHERE status IN {_ACTIVE} AND due_at <= ? AND {self._shards.sql()}"
            " ORDER BY due_at, id LIMIT ?",
            (to_timestamp(now), limit),
        )
        return [_room(row) for row in rows]

    async def next_due(self) -> int | None:
        value = await self._db.fetch_value(
            f"SELECT MIN(due_at) FROM voice_rooms WHERE status IN {_ACTIVE}"
            f" AND {self._shards.sql()}"
        )
        return None if value is None else int(value)


# When Tandem last knew who was in a room (parameter: the room's id).
_LAST_SEEN = "(SELECT COALESCE(r.seen_at, r.opened_at) FROM voice_rooms r WHERE r.id = ?)"


async def _announce(
    conn: Connection, room: Room, now: datetime, kind: NoticeKind = NoticeKind.ROOM_OPENED
) -> int:
    """One of the room's messages in the pair's thread (its link, or its call that
    counted), drawn anew and edited in place as the room changes."""
    return await queue(
        conn,
        room.guild_id,
        kind,
        now,
        partnership_id=room.partnership_id,
        episode=room.id,
        refresh=True,
    )


async def _join(conn: Connection, room: Room, user_id: int, now: datetime) -> None:
    """Begin a partner's stay, unless one is already running; nobody else is recorded."""
    partnership = await read_partnership(conn, room.partnership_id)
    if partnership is None or not partnership.includes(user_id):
        return
    await conn.execute(
        "INSERT INTO voice_presence (room_id, guild_id, user_id, joined_at)"
        " SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM voice_presence"
        " WHERE room_id = ? AND user_id = ? AND left_at IS NULL)",
        (room.id, room.guild_id, user_id, to_timestamp(now), room.id, user_id),
    )


async def _leave(conn: Connection, room: Room, user_id: int, at: int) -> bool:
    """End the member's running stay at `at` (unix seconds, never before it began);
    False when they had none (not a partner, or gone already)."""
    ended = await conn.execute(
        "UPDATE voice_presence SET left_at = CASE WHEN joined_at > ? THEN joined_at ELSE ? END"
        " WHERE room_id = ? AND user_id = ? AND left_at IS NULL",
        (at, at, room.id, user_id),
    )
    return ended > 0


async def _reschedule(conn: Connection, room: Room, now: datetime) -> None:
    """Note who is inside as of `now`, and when to look next: the closing time from the
    stays (`bot.calls.closes_at`), or a minute on while partners are still inside."""
    stays = await _stays(conn, room.id)
    due = closes_at(room.opened_at, stays)
    if any(stay.left_at is None for stay in stays):
        due = min(due, now + HEARTBEAT)
    await conn.execute(
        "UPDATE voice_rooms SET due_at = ?, seen_at = ? WHERE id = ? AND status = 'open'",
        (to_timestamp(due), to_timestamp(now), room.id),
    )


async def _count(conn: Connection, room: Room, now: datetime) -> tuple[int, ...]:
    """A call both partners spent long enough in together is the week's check-in of each
    member who checks in (the mentee of a mentorship), filed once under one week; the
    thread gets one line, redrawn with the new total when they talk again. A shorter
    call counts nothing, says nothing."""
    partnership = await read_partnership(conn, room.partnership_id)
    if partnership is None or partnership.ended_at is not None:
        return ()
    together = time_together(await _stays(conn, room.id), partnership.members, now)
    if not counts(together):
        return ()
    counted = await conn.fetch_value(
        "SELECT counted_week FROM voice_rooms WHERE id = ?", (room.id,)
    )
    week = None if counted is None else from_timestamp(counted)
    for member in partnership.members:
        if partnership.checks_in(member):
            filed = await file_checkin(conn, partnership, member, week, now, via=CheckinVia.CALL)
            week = filed.week
    assert week is not None, "every pair has a member who checks in"
    await conn.execute(
        "UPDATE voice_rooms SET counted_week = ? WHERE id = ?", (to_timestamp(week), room.id)
    )
    return (await _announce(conn, room, now, NoticeKind.CALL_COUNTED),)
