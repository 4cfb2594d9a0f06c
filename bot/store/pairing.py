"""The matching queue, invitations, partnerships and member profiles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.errors import UserError
from bot.matching import Seeker, choose_partner, course_key, pair_schedule
from bot.models import Invitation, Partnership, QueueResult
from bot.schedule import WeeklyTime
from bot.store.database import PAIR_MEMBERS, Database, from_timestamp, pair_members, to_timestamp

_PARTNERSHIP_COLUMNS = (
    "p.id, p.guild_id, c.name, p.timezone, p.weekday, p.minute, p.created_at, p.thread_id,"
    f" p.ended_at, {PAIR_MEMBERS}"
)
_PARTNERSHIP_FROM = (
    " FROM partnerships p JOIN courses c ON c.guild_id = p.guild_id AND c.course_key = p.course_key"
)
_SEEKER_COLUMNS = "user_id, pace, timezone, weekday, minute, queued_at, priority"


def _partnership(row: Any) -> Partnership:
    return Partnership(
        id=row[0],
        guild_id=row[1],
        course=row[2],
        weekly=WeeklyTime(weekday=row[4], minute=row[5], zone=row[3]),
        created_at=from_timestamp(row[6]),
        thread_id=row[7],
        ended_at=None if row[8] is None else from_timestamp(row[8]),
        members=pair_members(row[9]),
    )


def _seeker(row: Any) -> Seeker:
    return Seeker(
        user_id=row[0],
        pace=row[1],
        weekly=WeeklyTime(weekday=row[3], minute=row[4], zone=row[2]),
        queued_at=from_timestamp(row[5]),
        priority=bool(row[6]),
    )


class PairingStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- profiles and courses -------------------------------------------------
    async def zone_of(self, guild_id: int, user_id: int) -> str | None:
        value = await self._db.fetch_value(
            "SELECT timezone FROM profiles WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return None if value is None else str(value)

    async def set_zone(self, guild_id: int, user_id: int, zone: str) -> None:
        async with self._db.transaction() as conn:
            await _set_zone(conn, guild_id, user_id, zone, overwrite=True)

    async def course_names(self, guild_id: int, typed: str, limit: int = 25) -> list[str]:
        rows = await self._db.fetch_all(
            "SELECT name FROM courses WHERE guild_id = ? AND course_key LIKE ? ESCAPE '\\'"
            " ORDER BY name LIMIT ?",
            (guild_id, "%" + _like_escape(typed.casefold().strip()) + "%", limit),
        )
        return [str(row[0]) for row in rows]

    # -- partnerships -----------------------------------------------------------
    async def partnership(self, partnership_id: int) -> Partnership | None:
        row = await self._db.fetch_one(
            f"SELECT {_PARTNERSHIP_COLUMNS}{_PARTNERSHIP_FROM} WHERE p.id = ?", (partnership_id,)
        )
        return None if row is None else _partnership(row)

    async def active_partnerships(self, guild_id: int, user_id: int) -> list[Partnership]:
        rows = await self._db.fetch_all(
            f"SELECT {_PARTNERSHIP_COLUMNS}{_PARTNERSHIP_FROM}"
            " JOIN partnership_members m ON m.partnership_id = p.id"
            " WHERE m.guild_id = ? AND m.user_id = ? AND m.active = 1 ORDER BY c.name",
            (guild_id, user_id),
        )
        return [_partnership(row) for row in rows]

    async def partnership_in_thread(self, thread_id: int) -> Partnership | None:
        row = await self._db.fetch_one(
            f"SELECT {_PARTNERSHIP_COLUMNS}{_PARTNERSHIP_FROM}"
            " WHERE p.thread_id = ? AND p.ended_at IS NULL",
            (thread_id,),
        )
        return None if row is None else _partnership(row)

    async def threadless(self, created_before: datetime) -> list[Partnership]:
        """Active pairs whose thread could not be opened when they were paired."""
        rows = await self._db.fetch_all(
            f"SELECT {_PARTNERSHIP_COLUMNS}{_PARTNERSHIP_FROM}"
            " WHERE p.thread_id IS NULL AND p.ended_at IS NULL AND p.created_at <= ?",
            (to_timestamp(created_before),),
        )
        return [_partnership(row) for row in rows]

    async def set_thread(self, partnership_id: int, thread_id: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE partnerships SET thread_id = ? WHERE id = ?", (thread_id, partnership_id)
            )

    async def end(
        self, partnership_id: int, by: int | None, reason: str | None, now: datetime
    ) -> bool:
        """End once; False when someone else already ended it."""
        async with self._db.transaction() as conn:
            return await _end(conn, partnership_id, by, reason, now)

    # -- the queue --------------------------------------------------------------
    async def queue_and_match(
        self, guild_id: int, course: str, key: str, seeker: Seeker, now: datetime
    ) -> QueueResult:
        """Queue the member and pair them at once with the best waiting match, atomically."""
        async with self._db.transaction() as conn:
            partnership_id, updated = await _queue_and_match(
                conn, guild_id, course, key, seeker, now
            )
        return await self._result(partnership_id, updated)

    async def end_and_requeue(
        self, partnership: Partnership, member_id: int, reason: str, now: datetime
    ) -> QueueResult | None:
        """End the pair and put `member_id` first in line, all in one transaction.

        Returns None when the pair had already ended. With the pace known from the queue
        the member is queued (and maybe matched) at once; otherwise they keep priority
        for their next `/partner find`.
        """
        key = course_key(partnership.course)
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT pace FROM partnership_members WHERE partnership_id = ? AND user_id = ?",
                (partnership.id, member_id),
            )
            pace = next((row[0] for row in rows), None)
            if not await _end(conn, partnership.id, member_id, reason, now):
                return None
            await conn.execute(
                "INSERT INTO priority_grants (guild_id, user_id, course_key) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (partnership.guild_id, member_id, key),
            )
            if pace is None:
                return QueueResult(partnership=None, updated=False, queued=False)
            seeker = Seeker(member_id, pace, partnership.weekly, now, priority=True)
            partnership_id, _ = await _queue_and_match(
                conn, partnership.guild_id, partnership.course, key, seeker, now
            )
        return await self._result(partnership_id, updated=False)

    async def _result(self, partnership_id: int | None, updated: bool) -> QueueResult:
        found = None if partnership_id is None else await self.partnership(partnership_id)
        return QueueResult(partnership=found, updated=updated)

    async def leave_queue(self, guild_id: int, user_id: int, key: str | None) -> list[str]:
        """Remove the member's queue entries (one course or all); names what was left."""
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT c.name FROM queue_entries q JOIN courses c"
                " ON c.guild_id = q.guild_id AND c.course_key = q.course_key"
                " WHERE q.guild_id = ? AND q.user_id = ? AND (? IS NULL OR q.course_key = ?)"
                " ORDER BY c.name",
                (guild_id, user_id, key, key),
            )
            await conn.execute(
                "DELETE FROM queue_entries WHERE guild_id = ? AND user_id = ?"
                " AND (? IS NULL OR course_key = ?)",
                (guild_id, user_id, key, key),
            )
        return [str(row[0]) for row in rows]

    async def queued_courses(self, guild_id: int, user_id: int) -> list[str]:
        rows = await self._db.fetch_all(
            "SELECT c.name FROM queue_entries q JOIN courses c"
            " ON c.guild_id = q.guild_id AND c.course_key = q.course_key"
            " WHERE q.guild_id = ? AND q.user_id = ? ORDER BY c.name",
            (guild_id, user_id),
        )
        return [str(row[0]) for row in rows]

    # -- invitations ------------------------------------------------------------
    async def invite(
        self,
        guild_id: int,
        inviter: int,
        invitee: int,
        course: str,
        key: str,
        weekly: WeeklyTime,
        now: datetime,
    ) -> Invitation:
        async with self._db.transaction() as conn:
            await _refuse_if_partnered(conn, guild_id, key, inviter, "You already have")
            await _refuse_if_partnered(conn, guild_id, key, invitee, "They already have")
            await _remember_course(conn, guild_id, key, course)
            await _set_zone(conn, guild_id, inviter, weekly.zone, overwrite=False)
            cursor = await conn.execute(
                "INSERT INTO invitations"
                " (guild_id, inviter_id, invitee_id, course_key, timezone, weekday, minute, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    guild_id,
                    inviter,
                    invitee,
                    key,
                    weekly.zone,
                    weekly.weekday,
                    weekly.minute,
                    to_timestamp(now),
                ),
            )
            invitation_id = cursor.lastrowid
        assert invitation_id is not None
        return Invitation(invitation_id, guild_id, inviter, invitee, course, weekly, "pending")

    async def invitation(self, invitation_id: int) -> Invitation | None:
        row = await self._db.fetch_one(
            "SELECT i.id, i.guild_id, i.inviter_id, i.invitee_id, c.name, i.timezone, i.weekday,"
            " i.minute, i.status FROM invitations i JOIN courses c"
            " ON c.guild_id = i.guild_id AND c.course_key = i.course_key WHERE i.id = ?",
            (invitation_id,),
        )
        if row is None:
            return None
        weekly = WeeklyTime(weekday=row[6], minute=row[7], zone=row[5])
        return Invitation(row[0], row[1], row[2], row[3], row[4], weekly, row[8])

    async def decline(self, invitation_id: int, now: datetime) -> bool:
        async with self._db.transaction() as conn:
            return await _answer(conn, invitation_id, "declined", now)

    async def accept(self, invitation: Invitation, now: datetime) -> Partnership:
        """Claim the invitation and create the partnership; a second press finds it answered."""
        async with self._db.transaction() as conn:
            if not await _answer(conn, invitation.id, "accepted", now):
                raise UserError("This invitation has already been answered.")
            key = await _invitation_course_key(conn, invitation.id)
            await _refuse_if_partnered(
                conn, invitation.guild_id, key, invitation.inviter_id, "They already have"
            )
            await _refuse_if_partnered(
                conn, invitation.guild_id, key, invitation.invitee_id, "You already have"
            )
            await _set_zone(
                conn,
                invitation.guild_id,
                invitation.invitee_id,
                invitation.weekly.zone,
                overwrite=False,
            )
            partnership_id = await _create_partnership(
                conn,
                invitation.guild_id,
                key,
                {invitation.inviter_id: None, invitation.invitee_id: None},
                invitation.weekly,
                now,
            )
        found = await self.partnership(partnership_id)
        assert found is not None
        return found


async def _end(
    conn: aiosqlite.Connection,
    partnership_id: int,
    by: int | None,
    reason: str | None,
    now: datetime,
) -> bool:
    cursor = await conn.execute(
        "UPDATE partnerships SET ended_at = ?, ended_by = ?, end_reason = ?, alarm_at = NULL"
        " WHERE id = ? AND ended_at IS NULL",
        (to_timestamp(now), by, reason, partnership_id),
    )
    if cursor.rowcount == 0:
        return False
    await conn.execute(
        "UPDATE partnership_members SET active = 0 WHERE partnership_id = ?", (partnership_id,)
    )
    await conn.execute(
        "UPDATE milestones SET status = 'void' WHERE partnership_id = ? AND status = 'open'",
        (partnership_id,),
    )
    return True


async def _queue_and_match(
    conn: aiosqlite.Connection, guild_id: int, course: str, key: str, seeker: Seeker, now: datetime
) -> tuple[int | None, bool]:
    """Queue, then pair with the best compatible waiting member who was never a partner before."""
    await _refuse_if_partnered(conn, guild_id, key, seeker.user_id, "You already have")
    await _remember_course(conn, guild_id, key, course)
    await _set_zone(conn, guild_id, seeker.user_id, seeker.weekly.zone, overwrite=False)
    updated = await _upsert_queue_entry(conn, guild_id, key, seeker)
    waiting = await conn.execute_fetchall(
        f"SELECT {_SEEKER_COLUMNS} FROM queue_entries"
        " WHERE guild_id = :guild AND course_key = :key AND user_id != :user AND user_id NOT IN"
        " (SELECT other.user_id FROM partnership_members mine JOIN partnership_members other"
        "  ON other.partnership_id = mine.partnership_id"
        "  WHERE mine.guild_id = :guild AND mine.course_key = :key AND mine.user_id = :user)",
        {"guild": guild_id, "key": key, "user": seeker.user_id},
    )
    me = await _queued_seeker(conn, guild_id, key, seeker.user_id)
    partner = choose_partner(me, [_seeker(row) for row in waiting], now)
    if partner is None:
        return None, updated
    partnership_id = await _create_partnership(
        conn,
        guild_id,
        key,
        {partner.user_id: partner.pace, me.user_id: me.pace},
        pair_schedule(me, partner),
        now,
    )
    return partnership_id, updated


async def _refuse_if_partnered(
    conn: aiosqlite.Connection, guild_id: int, key: str, user_id: int, who: str
) -> None:
    rows = await conn.execute_fetchall(
        "SELECT 1 FROM partnership_members WHERE guild_id = ? AND course_key = ? AND user_id = ? AND active = 1",
        (guild_id, key, user_id),
    )
    if rows:
        raise UserError(
            f"{who} a partner in this course. End that partnership first with `/partner end`."
        )


async def _remember_course(conn: aiosqlite.Connection, guild_id: int, key: str, name: str) -> None:
    await conn.execute(
        "INSERT INTO courses (guild_id, course_key, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (guild_id, key, name),
    )


async def _set_zone(
    conn: aiosqlite.Connection, guild_id: int, user_id: int, zone: str, *, overwrite: bool
) -> None:
    conflict = "DO UPDATE SET timezone = excluded.timezone" if overwrite else "DO NOTHING"
    await conn.execute(
        f"INSERT INTO profiles (guild_id, user_id, timezone) VALUES (?, ?, ?) ON CONFLICT {conflict}",
        (guild_id, user_id, zone),
    )


async def _upsert_queue_entry(
    conn: aiosqlite.Connection, guild_id: int, key: str, seeker: Seeker
) -> bool:
    """Insert, or update preferences in place keeping the place in line; True if updated."""
    existing = await conn.execute_fetchall(
        "SELECT 1 FROM queue_entries WHERE guild_id = ? AND course_key = ? AND user_id = ?",
        (guild_id, key, seeker.user_id),
    )
    await conn.execute(
        "INSERT INTO queue_entries"
        " (guild_id, user_id, course_key, pace, timezone, weekday, minute, queued_at, priority)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ? OR EXISTS (SELECT 1 FROM priority_grants g"
        "  WHERE g.guild_id = ?1 AND g.user_id = ?2 AND g.course_key = ?3))"
        " ON CONFLICT (guild_id, course_key, user_id) DO UPDATE SET pace = excluded.pace,"
        " timezone = excluded.timezone, weekday = excluded.weekday, minute = excluded.minute,"
        " priority = max(priority, excluded.priority)",
        (
            guild_id,
            seeker.user_id,
            key,
            seeker.pace,
            seeker.weekly.zone,
            seeker.weekly.weekday,
            seeker.weekly.minute,
            to_timestamp(seeker.queued_at),
            int(seeker.priority),
        ),
    )
    return bool(existing)


async def _queued_seeker(
    conn: aiosqlite.Connection, guild_id: int, key: str, user_id: int
) -> Seeker:
    rows = await conn.execute_fetchall(
        f"SELECT {_SEEKER_COLUMNS} FROM queue_entries WHERE guild_id = ? AND course_key = ? AND user_id = ?",
        (guild_id, key, user_id),
    )
    return _seeker(next(iter(rows)))


async def _create_partnership(
    conn: aiosqlite.Connection,
    guild_id: int,
    key: str,
    paces: dict[int, int | None],
    weekly: WeeklyTime,
    now: datetime,
) -> int:
    """A new pair, due for the reminder loop's first look right away."""
    cursor = await conn.execute(
        "INSERT INTO partnerships (guild_id, course_key, timezone, weekday, minute, created_at,"
        " next_checkin_at, alarm_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            guild_id,
            key,
            weekly.zone,
            weekly.weekday,
            weekly.minute,
            to_timestamp(now),
            to_timestamp(weekly.next_after(now)),
            to_timestamp(now),
        ),
    )
    partnership_id = cursor.lastrowid
    assert partnership_id is not None
    await conn.executemany(
        "INSERT INTO partnership_members (partnership_id, guild_id, course_key, user_id, pace)"
        " VALUES (?, ?, ?, ?, ?)",
        [(partnership_id, guild_id, key, user_id, pace) for user_id, pace in paces.items()],
    )
    await conn.execute(
        "DELETE FROM queue_entries WHERE guild_id = ? AND course_key = ? AND user_id IN (?, ?)",
        (guild_id, key, *paces),
    )
    await conn.execute(
        "DELETE FROM priority_grants WHERE guild_id = ? AND course_key = ? AND user_id IN (?, ?)",
        (guild_id, key, *paces),
    )
    return partnership_id


async def _answer(
    conn: aiosqlite.Connection, invitation_id: int, status: str, now: datetime
) -> bool:
    cursor = await conn.execute(
        "UPDATE invitations SET status = ?, answered_at = ? WHERE id = ? AND status = 'pending'",
        (status, to_timestamp(now), invitation_id),
    )
    return cursor.rowcount == 1


async def _invitation_course_key(conn: aiosqlite.Connection, invitation_id: int) -> str:
    rows = await conn.execute_fetchall(
        "SELECT course_key FROM invitations WHERE id = ?", (invitation_id,)
    )
    return str(next(iter(rows))[0])


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
