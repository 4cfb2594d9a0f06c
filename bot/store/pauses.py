"""Planned pauses: starting and ending them, and the spans the clocks skip (`bot.pauses`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.errors import UserError
from bot.i18n import N_, _
from bot.mentors import refuse_pause
from bot.models import NoticeKind, Partnership, Pause, Stored
from bot.pauses import Span, check_new_pause
from bot.store.database import Connection, Database, Reads, Row, from_timestamp, to_timestamp
from bot.store.outbox import queue, redraw
from bot.store.streaks import member_spans, record_streak, span_of

# A second `/pause` this soon after the first, asking the same, is the same request again.
SAME_REQUEST = timedelta(minutes=2)
# A break's **Come back early** pressed during a later break.
EARLIER_BREAK = N_("This button was for an earlier break, so your current break goes on.")
_PAUSE = (
    "SELECT id, partnership_id, user_id, weeks, starts_at, planned_ends_at, ends_at FROM pauses"
)


class PauseStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def pause(self, pause_id: int) -> Pause | None:
        row = await self._db.fetch_one(f"{_PAUSE} WHERE id = ?", (pause_id,))
        return None if row is None else _pause(row)

    async def current(self, partnership_id: int, user_id: int, now: datetime) -> Pause | None:
        return await _current(self._db, partnership_id, user_id, now)

    async def paused_members(self, partnership_id: int, instant: datetime) -> set[int]:
        """The partners on a break at `instant`: a reminder for then leaves them out."""
        rows = await self._db.fetch_all(
            "SELECT user_id FROM pauses WHERE partnership_id = ? AND starts_at <= ? AND ends_at > ?",
            (partnership_id, to_timestamp(instant), to_timestamp(instant)),
        )
        return {row["user_id"] for row in rows}

    async def start(
        self, partnership: Partnership, user_id: int, weeks: int, now: datetime, zone: str
    ) -> Stored[Pause]:
        """Begin a break now, tell the partner, and let the clocks re-plan, together.

        `zone` is the member's own, for the dates in a refusal. A mentor, who never checks
        in, has nothing to pause (`bot.mentors.refuse_pause`).
        """
        refuse_pause(partnership, user_id)
        async with self._db.transaction() as conn:
            await conn.serialize(f"tandem pauses {partnership.guild_id}:{user_id}")
            if not await _lasts(conn, partnership.id):
                raise UserError(_("This partnership has ended, so there is nothing to pause."))
            current = await _current(conn, partnership.id, user_id, now)
            if current is not None and _same_request(current, weeks, now):
                return Stored(current, repeated=True)
            spans = await member_spans(conn, partnership.guild_id, user_id)
            zones = (partnership.weekly.zone, zone)
            span = check_new_pause(spans, current is not None, weeks, now, zones)
            row = await conn.fetch_one(
                "INSERT INTO pauses (partnership_id, guild_id, user_id, weeks, starts_at,"
                " planned_ends_at, ends_at) VALUES (:pair, :guild, :user, :weeks, :start, :end,"
                " :end) RETURNING id",
                {
                    "pair": partnership.id,
                    "guild": partnership.guild_id,
                    "user": user_id,
                    "weeks": weeks,
                    "start": to_timestamp(span.start),
                    "end": to_timestamp(span.end),
                },
            )
            assert row is not None
            pause = Pause(row["id"], partnership.id, user_id, weeks, span, span.end)
            notice = await _announce(conn, partnership, pause, NoticeKind.PAUSE_STARTED, now)
        return Stored(pause, (notice,))

    async def end(
        self, partnership: Partnership, user_id: int, now: datetime, pause_id: int | None = None
    ) -> Stored[Pause]:
        """Come back early: the break ends now, the partner is told, and the break's notice
        is redrawn without its **Come back early** button.

        Asked again within moments (a double press), it is the same request. `pause_id`
        is the break a **Come back early** button belongs to: it ends that one only, and a
        later break goes on.
        """
        async with self._db.transaction() as conn:
            await conn.serialize(f"tandem pauses {partnership.guild_id}:{user_id}")
            current = await _current(conn, partnership.id, user_id, now)
            if current is not None and pause_id is not None and current.id != pause_id:
                raise UserError(_(EARLIER_BREAK))
            if current is None:
                return Stored(await _just_ended(conn, partnership.id, user_id, now), repeated=True)
            await conn.execute(
                "UPDATE pauses SET ends_at = ? WHERE id = ?", (to_timestamp(now), current.id)
            )
            pause = replace(current, span=Span(current.span.start, now))
            notice = await _announce(conn, partnership, pause, NoticeKind.PAUSE_ENDED, now)
            # The break's notice loses its **Come back early** button.
            shown = await redraw(
                conn, NoticeKind.PAUSE_STARTED, partnership.id, [pause.id], now, user_id
            )
        return Stored(pause, (notice, *shown))


async def end_pauses_of_pair(conn: Connection, partnership_id: int, now: datetime) -> None:
    """A partnership that ends ends its breaks too: they no longer hold anyone's streak."""
    rows = await conn.fetch_all(
        "UPDATE pauses SET ends_at = :now WHERE partnership_id = :pair AND ends_at > :now"
        " RETURNING guild_id, user_id",
        {"pair": partnership_id, "now": to_timestamp(now)},
    )
    for row in rows:
        await record_streak(conn, row["guild_id"], row["user_id"], now)


async def pair_spans(
    reads: Reads, partnership_ids: Sequence[int]
) -> dict[tuple[int, int], tuple[Span, ...]]:
    """Each member's breaks in these partnerships (a reminder batch), by (pair, member)."""
    rows = await reads.fetch_all(
        "SELECT partnership_id, user_id, starts_at, ends_at FROM pauses"
        f" WHERE partnership_id IN ({','.join('?' * len(partnership_ids))}) ORDER BY starts_at",
        list(partnership_ids),
    )
    spans: dict[tuple[int, int], list[Span]] = defaultdict(list)
    for row in rows:
        spans[(row["partnership_id"], row["user_id"])].append(span_of(row))
    return {member: tuple(found) for member, found in spans.items()}


async def _announce(
    conn: Connection, partnership: Partnership, pause: Pause, kind: NoticeKind, now: datetime
) -> int:
    """The partner's notice, the pair's re-planned reminders and the member's streak end."""
    await conn.execute(
        "UPDATE partnerships SET alarm_at = ? WHERE id = ? AND ended_at IS NULL",
        (to_timestamp(now), partnership.id),
    )
    await record_streak(conn, partnership.guild_id, pause.member_id, now)
    return await queue(
        conn,
        partnership.guild_id,
        kind,
        now,
        partnership_id=partnership.id,
        episode=pause.id,
        member_id=pause.member_id,
    )


async def _lasts(reads: Reads, partnership_id: int) -> bool:
    row = await reads.fetch_one(
        "SELECT 1 AS lasting FROM partnerships WHERE id = ? AND ended_at IS NULL",
        (partnership_id,),
    )
    return row is not None


async def _current(reads: Reads, partnership_id: int, user_id: int, now: datetime) -> Pause | None:
    row = await reads.fetch_one(
        f"{_PAUSE} WHERE partnership_id = ? AND user_id = ? AND starts_at <= ? AND ends_at > ?",
        (partnership_id, user_id, to_timestamp(now), to_timestamp(now)),
    )
    return None if row is None else _pause(row)


async def _just_ended(reads: Reads, partnership_id: int, user_id: int, now: datetime) -> Pause:
    """The break this member ended early moments ago, or a UserError: there is none."""
    row = await reads.fetch_one(
        f"{_PAUSE} WHERE partnership_id = ? AND user_id = ? AND ends_at <= ? AND ends_at > ?"
        " AND ends_at < planned_ends_at ORDER BY ends_at DESC LIMIT 1",
        (partnership_id, user_id, to_timestamp(now), to_timestamp(now - SAME_REQUEST)),
    )
    if row is None:
        raise UserError(_("You are not on a break in this partnership."))
    return _pause(row)


def _same_request(current: Pause, weeks: int, now: datetime) -> bool:
    return current.weeks == weeks and now - current.span.start < SAME_REQUEST


def _pause(row: Row) -> Pause:
    return Pause(
        id=row["id"],
        partnership_id=row["partnership_id"],
        member_id=row["user_id"],
        weeks=row["weeks"],
        span=span_of(row),
        planned_end=from_timestamp(row["planned_ends_at"]),
    )
