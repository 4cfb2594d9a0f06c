"""The matching queue, invitations, partnerships and member profiles."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.errors import UserError
from bot.matching import Seeker, choose_partner, compatible, course_key, pair_schedule
from bot.models import (
    EndCause,
    Invitation,
    InvitationStatus,
    NoticeKind,
    Partnership,
    Profile,
    RequestKind,
    Requeued,
    Stored,
)
from bot.schedule import WeeklyTime
from bot.store.database import PAIR_MEMBERS, Database, from_timestamp, pair_members, to_timestamp
from bot.store.outbox import queue, redraw
from bot.store.requests import withdraw

# A pledge due this soon is still judged when its pair ends: ending is no way out of it.
PLEDGE_LOCK = timedelta(hours=48)

_PARTNERSHIP_COLUMNS = (
    "p.id, p.guild_id, c.name AS course, p.timezone, p.weekday, p.minute, p.created_at,"
    f" p.thread_id, p.ended_at, p.ended_by, p.end_cause, p.end_reason, {PAIR_MEMBERS} AS members"
)
_PARTNERSHIP_FROM = (
    " FROM partnerships p JOIN courses c ON c.guild_id = p.guild_id AND c.course_key = p.course_key"
)
_SEEKER_COLUMNS = "user_id, pace, timezone, weekday, minute, queued_at, priority"
_INVITATION = (
    "SELECT i.id, i.guild_id, i.inviter_id, i.invitee_id, c.name AS course, i.timezone, i.weekday,"
    " i.minute, i.status, i.channel_id FROM invitations i JOIN courses c"
    " ON c.guild_id = i.guild_id AND c.course_key = i.course_key"
)


def _partnership(row: Any) -> Partnership:
    ended_at, cause = row["ended_at"], row["end_cause"]
    return Partnership(
        id=row["id"],
        guild_id=row["guild_id"],
        course=row["course"],
        weekly=WeeklyTime(weekday=row["weekday"], minute=row["minute"], zone=row["timezone"]),
        created_at=from_timestamp(row["created_at"]),
        thread_id=row["thread_id"],
        ended_at=None if ended_at is None else from_timestamp(ended_at),
        ended_by=row["ended_by"],
        end_cause=None if cause is None else EndCause(cause),
        end_reason=row["end_reason"],
        members=pair_members(row["members"]),
    )


def _seeker(row: Any) -> Seeker:
    return Seeker(
        user_id=row["user_id"],
        pace=row["pace"],
        weekly=WeeklyTime(weekday=row["weekday"], minute=row["minute"], zone=row["timezone"]),
        queued_at=from_timestamp(row["queued_at"]),
        priority=bool(row["priority"]),
    )


def _invitation(row: Any) -> Invitation:
    return Invitation(
        id=row["id"],
        guild_id=row["guild_id"],
        inviter_id=row["inviter_id"],
        invitee_id=row["invitee_id"],
        course=row["course"],
        weekly=WeeklyTime(weekday=row["weekday"], minute=row["minute"], zone=row["timezone"]),
        status=InvitationStatus(row["status"]),
        channel_id=row["channel_id"],
    )


class PairingStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- profiles and courses -------------------------------------------------
    async def profile(self, guild_id: int, user_id: int) -> Profile:
        row = await self._db.fetch_one(
            "SELECT timezone, leaderboard_hidden FROM profiles WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        if row is None:
            return Profile()
        return Profile(zone=row["timezone"], leaderboard_hidden=bool(row["leaderboard_hidden"]))

    async def zone_of(self, guild_id: int, user_id: int) -> str | None:
        return (await self.profile(guild_id, user_id)).zone

    async def update_profile(
        self, guild_id: int, user_id: int, *, zone: str | None, hidden: bool | None
    ) -> Profile:
        """Change what is named (None keeps a setting) in one go; returns the profile."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO profiles (guild_id, user_id, timezone, leaderboard_hidden)"
                " VALUES (:guild, :user, :zone, COALESCE(:hidden, 0))"
                " ON CONFLICT DO UPDATE SET timezone = COALESCE(:zone, timezone),"
                " leaderboard_hidden = COALESCE(:hidden, leaderboard_hidden)"
                " RETURNING timezone, leaderboard_hidden",
                {
                    "guild": guild_id,
                    "user": user_id,
                    "zone": zone,
                    "hidden": None if hidden is None else int(hidden),
                },
            )
            row = await cursor.fetchone()
        assert row is not None
        return Profile(zone=row["timezone"], leaderboard_hidden=bool(row["leaderboard_hidden"]))

    async def course_names(self, guild_id: int, typed: str, limit: int = 25) -> list[str]:
        rows = await self._db.fetch_all(
            "SELECT name FROM courses WHERE guild_id = ? AND course_key LIKE ? ESCAPE '\\'"
            " ORDER BY name LIMIT ?",
            (guild_id, "%" + _like_escape(course_key(typed) if typed.strip() else "") + "%", limit),
        )
        return [str(row["name"]) for row in rows]

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

    async def partnerships_with_pools(self, guild_id: int, user_id: int) -> list[Partnership]:
        """The member's active pairs and ended pairs whose pool holds entries, newest first."""
        rows = await self._db.fetch_all(
            f"SELECT {_PARTNERSHIP_COLUMNS}{_PARTNERSHIP_FROM}"
            " JOIN partnership_members m ON m.partnership_id = p.id"
            " WHERE m.guild_id = ? AND m.user_id = ? AND (m.active = 1 OR EXISTS"
            "  (SELECT 1 FROM ledger_entries e WHERE e.partnership_id = p.id))"
            " ORDER BY m.active DESC, p.id DESC",
            (guild_id, user_id),
        )
        return [_partnership(row) for row in rows]

    async def partnership_in_thread(self, thread_id: int) -> Partnership | None:
        """The pair whose thread this is, the newest if a thread ever served two."""
        row = await self._db.fetch_one(
            f"SELECT {_PARTNERSHIP_COLUMNS}{_PARTNERSHIP_FROM}"
            " WHERE p.thread_id = ? ORDER BY p.ended_at IS NULL DESC, p.id DESC",
            (thread_id,),
        )
        return None if row is None else _partnership(row)

    async def set_thread(self, partnership_id: int, thread_id: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE partnerships SET thread_id = ? WHERE id = ?", (thread_id, partnership_id)
            )

    async def end(
        self,
        partnership_id: int,
        by: int | None,
        cause: EndCause,
        reason: str | None,
        now: datetime,
    ) -> Stored[bool]:
        """End once, telling both in the thread; False when it had already ended."""
        async with self._db.transaction() as conn:
            notices = await _end(conn, partnership_id, by, cause, reason, now)
        return Stored(bool(notices), notices)

    # -- the queue --------------------------------------------------------------
    async def queue(
        self, guild_id: int, course: str, key: str, seeker: Seeker, now: datetime
    ) -> tuple[str, bool]:
        """Join (or update a place in) the course's queue.

        Returns the course's name as first written in this server, and True when the
        member was already waiting (their preferences are updated, their place kept).
        """
        async with self._db.transaction() as conn:
            await _refuse_if_partnered(conn, guild_id, key, seeker.user_id, "You already have")
            name = await _remember_course(conn, guild_id, key, course)
            await _set_zone(conn, guild_id, seeker.user_id, seeker.weekly.zone, overwrite=False)
            return name, await _upsert_queue_entry(conn, guild_id, key, seeker)

    async def best_candidate(
        self, guild_id: int, key: str, user_id: int, now: datetime
    ) -> Seeker | None:
        """Who the waiting member should be paired with now, if anyone; changes nothing.

        Former partners are left out: they can find each other again by invitation.
        """
        me = await self._db.fetch_one(
            f"SELECT {_SEEKER_COLUMNS} FROM queue_entries"
            " WHERE guild_id = ? AND course_key = ? AND user_id = ?",
            (guild_id, key, user_id),
        )
        if me is None:
            return None
        waiting = await self._db.fetch_all(
            f"SELECT {_SEEKER_COLUMNS} FROM queue_entries"
            " WHERE guild_id = :guild AND course_key = :key AND user_id != :user"
            f" AND user_id NOT IN ({_FORMER_PARTNERS})",
            {"guild": guild_id, "key": key, "user": user_id},
        )
        return choose_partner(_seeker(me), [_seeker(row) for row in waiting], now)

    async def former_partners_waiting(self, guild_id: int, key: str, user_id: int) -> list[int]:
        """Waiting members this one was paired with before: why a short queue may not match."""
        rows = await self._db.fetch_all(
            "SELECT user_id FROM queue_entries WHERE guild_id = :guild AND course_key = :key"
            f" AND user_id != :user AND user_id IN ({_FORMER_PARTNERS}) ORDER BY queued_at",
            {"guild": guild_id, "key": key, "user": user_id},
        )
        return [int(row["user_id"]) for row in rows]

    async def pair(
        self, guild_id: int, key: str, first: int, second: int, now: datetime
    ) -> Stored[Partnership] | None:
        """Pair two members if both still wait and still fit; None when that changed."""
        async with self._db.transaction() as conn:
            seekers = [await _queued_seeker(conn, guild_id, key, user) for user in (first, second)]
            one, other = seekers
            if one is None or other is None or not compatible(one, other, now):
                return None
            partnership_id, notices = await _create_partnership(
                conn,
                guild_id,
                key,
                {other.user_id: other.pace, one.user_id: one.pace},
                pair_schedule(one, other),
                now,
            )
        found = await self.partnership(partnership_id)
        assert found is not None
        return Stored(found, notices)

    async def end_and_requeue(
        self, partnership: Partnership, member_id: int, cause: EndCause, now: datetime
    ) -> Stored[Requeued]:
        """End the pair kindly and put `member_id` first in line, in one transaction.

        With the pace known from the queue the member waits again at once (the caller
        then looks for a match); otherwise they keep priority for their next
        `/partner find`.
        """
        key = course_key(partnership.course)
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT pace FROM partnership_members WHERE partnership_id = ? AND user_id = ?",
                (partnership.id, member_id),
            )
            pace = next((row["pace"] for row in rows), None)
            notices = await _end(conn, partnership.id, member_id, cause, None, now)
            if not notices:
                return Stored(Requeued(ended=False, queued=False))
            await _grant_priority(conn, partnership.guild_id, member_id, key)
            if pace is not None:
                seeker = Seeker(member_id, pace, partnership.weekly, now, priority=True)
                await _upsert_queue_entry(conn, partnership.guild_id, key, seeker)
        return Stored(Requeued(ended=True, queued=pace is not None), notices)

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
        return [str(row["name"]) for row in rows]

    async def queued_courses(self, guild_id: int, user_id: int) -> list[str]:
        rows = await self._db.fetch_all(
            "SELECT c.name FROM queue_entries q JOIN courses c"
            " ON c.guild_id = q.guild_id AND c.course_key = q.course_key"
            " WHERE q.guild_id = ? AND q.user_id = ? ORDER BY c.name",
            (guild_id, user_id),
        )
        return [str(row["name"]) for row in rows]

    # -- members who are gone ---------------------------------------------------
    async def forget_waiting(self, guild_id: int, user_id: int, now: datetime) -> Stored[None]:
        """A member found gone: out of every queue, their pending invitations withdrawn."""
        async with self._db.transaction() as conn:
            notices = await forget_waiting(conn, guild_id, user_id, now)
        return Stored(None, notices)

    async def member_left(self, guild_id: int, user_id: int, now: datetime) -> Stored[None]:
        """Everything a departure changes, at once: queues, invitations, requests, pairs.

        Their partners are told in the thread and go first in line next time; ledger
        history stays exactly as it was.
        """
        async with self._db.transaction() as conn:
            notices = list(await forget_waiting(conn, guild_id, user_id, now))
            notices += await withdraw_requests_of(conn, guild_id, user_id, now)
            notices += await end_all(conn, guild_id, user_id, EndCause.LEFT, now)
        return Stored(None, tuple(notices))

    # -- invitations ------------------------------------------------------------
    async def invite(
        self,
        guild_id: int,
        inviter: int,
        invitee: int,
        course: str,
        weekly: WeeklyTime,
        channel_id: int,
        now: datetime,
    ) -> Stored[Invitation]:
        """Store the invitation and queue its message in `channel_id`; one per course at a time."""
        key = course_key(course)
        async with self._db.transaction() as conn:
            await _refuse_if_partnered(conn, guild_id, key, inviter, "You already have")
            await _refuse_if_partnered(conn, guild_id, key, invitee, "They already have")
            await _remember_course(conn, guild_id, key, course)
            await _set_zone(conn, guild_id, inviter, weekly.zone, overwrite=False)
            try:
                cursor = await conn.execute(
                    "INSERT INTO invitations (guild_id, inviter_id, invitee_id, course_key,"
                    " timezone, weekday, minute, created_at, channel_id)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        guild_id,
                        inviter,
                        invitee,
                        key,
                        weekly.zone,
                        weekly.weekday,
                        weekly.minute,
                        to_timestamp(now),
                        channel_id,
                    ),
                )
            except sqlite3.IntegrityError:
                raise UserError(
                    f"You already invited <@{invitee}> for **{course}**; that invitation is "
                    "still waiting for their answer."
                ) from None
            invitation_id = cursor.lastrowid
            assert invitation_id is not None
            notice = await queue(
                conn,
                guild_id,
                NoticeKind.INVITATION,
                now,
                channel_id=channel_id,
                episode=invitation_id,
            )
        invitation = Invitation(
            invitation_id,
            guild_id,
            inviter,
            invitee,
            course,
            weekly,
            InvitationStatus.PENDING,
            channel_id,
        )
        return Stored(invitation, (notice,))

    async def invitation(self, invitation_id: int) -> Invitation | None:
        row = await self._db.fetch_one(f"{_INVITATION} WHERE i.id = ?", (invitation_id,))
        return None if row is None else _invitation(row)

    async def withdraw_invitation(self, invitation_id: int, now: datetime) -> None:
        """Withdraw a pending invitation (one that could never be shown)."""
        async with self._db.transaction() as conn:
            await _answer(conn, invitation_id, InvitationStatus.VOID, now)

    async def decline(self, invitation: Invitation, now: datetime) -> Stored[None]:
        async with self._db.transaction() as conn:
            if not await _answer(conn, invitation.id, InvitationStatus.DECLINED, now):
                raise UserError("This invitation has already been answered.")
            notices = await _redraw_invitations(conn, [invitation], now)
        return Stored(None, notices)

    async def accept(self, invitation: Invitation, now: datetime) -> Stored[Partnership]:
        """Claim the invitation and create the partnership; a second press finds it answered."""
        key = course_key(invitation.course)
        async with self._db.transaction() as conn:
            if not await _answer(conn, invitation.id, InvitationStatus.ACCEPTED, now):
                raise UserError("This invitation has already been answered.")
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
            partnership_id, notices = await _create_partnership(
                conn,
                invitation.guild_id,
                key,
                {invitation.inviter_id: None, invitation.invitee_id: None},
                invitation.weekly,
                now,
            )
            notices += await _redraw_invitations(conn, [invitation], now)
        found = await self.partnership(partnership_id)
        assert found is not None
        return Stored(found, notices)


# Members `:user` was ever paired with in the course `:key` of server `:guild`.
_FORMER_PARTNERS = (
    "SELECT other.user_id FROM partnership_members mine JOIN partnership_members other"
    " ON other.partnership_id = mine.partnership_id"
    " WHERE mine.guild_id = :guild AND mine.course_key = :key AND mine.user_id = :user"
)


async def _end(
    conn: aiosqlite.Connection,
    partnership_id: int,
    by: int | None,
    cause: EndCause,
    reason: str | None,
    now: datetime,
    *,
    judged_only: int | None = None,
) -> tuple[int, ...]:
    """End the pair and queue its farewell; returns nothing when it had already ended.

    Open milestones due within 48 hours are still judged at their deadline; later ones
    are void (nobody is left to confirm them). When `judged_only` names a member who is
    going, only their pledges stay judged: their partner's could never be confirmed.
    Requests that can no longer be honoured are withdrawn.
    """
    cursor = await conn.execute(
        "UPDATE partnerships SET ended_at = ?, ended_by = ?, end_cause = ?, end_reason = ?,"
        " alarm_at = NULL WHERE id = ? AND ended_at IS NULL RETURNING guild_id",
        (to_timestamp(now), by, cause, reason, partnership_id),
    )
    ended = await cursor.fetchone()
    if ended is None:
        return ()
    await conn.execute(
        "UPDATE partnership_members SET active = 0 WHERE partnership_id = ?", (partnership_id,)
    )
    await conn.execute(
        "UPDATE milestones SET status = 'void' WHERE partnership_id = :pair AND status = 'open'"
        " AND (deadline_at > :locked OR (:judged IS NOT NULL AND owner_id != :judged))",
        {
            "pair": partnership_id,
            "locked": to_timestamp(now + PLEDGE_LOCK),
            "judged": judged_only,
        },
    )
    pair = {"pair": partnership_id}
    withdrawn = await withdraw(conn, RequestKind.SCHEDULE, "r.partnership_id = :pair", pair, now)
    # A pledge still judged keeps its deadline: nobody can move it once the pair has ended.
    withdrawn += await withdraw(
        conn,
        RequestKind.MILESTONE,
        "m.partnership_id = :pair AND (r.kind = 'reschedule' OR m.status = 'void')",
        pair,
        now,
    )
    farewell = await queue(
        conn, ended["guild_id"], NoticeKind.FAREWELL, now, partnership_id=partnership_id
    )
    return (*withdrawn, farewell)


async def withdraw_requests_of(
    conn: aiosqlite.Connection, guild_id: int, user_id: int, now: datetime
) -> tuple[int, ...]:
    """Requests a departing member made can no longer be honoured: a partner can't agree."""
    theirs = {"guild": guild_id, "user": user_id}
    proposed = (
        "r.proposer_id = :user"
        " AND r.partnership_id IN (SELECT id FROM partnerships WHERE guild_id = :guild)"
    )
    return (
        *await withdraw(conn, RequestKind.SCHEDULE, proposed, theirs, now),
        *await withdraw(conn, RequestKind.SETTLE, proposed, theirs, now),
        *await withdraw(
            conn,
            RequestKind.MILESTONE,
            "m.guild_id = :guild AND m.owner_id = :user",
            theirs,
            now,
        ),
    )


async def end_all(
    conn: aiosqlite.Connection, guild_id: int, user_id: int, cause: EndCause, now: datetime
) -> list[int]:
    """End every active pair of a member who is going; their partners go first next time."""
    rows = await conn.execute_fetchall(
        "SELECT mine.partnership_id, mine.course_key, other.user_id AS partner"
        " FROM partnership_members mine JOIN partnership_members other"
        " ON other.partnership_id = mine.partnership_id AND other.user_id != mine.user_id"
        " WHERE mine.guild_id = ? AND mine.user_id = ? AND mine.active = 1",
        (guild_id, user_id),
    )
    notices: list[int] = []
    for row in rows:
        notices += await _end(
            conn, row["partnership_id"], user_id, cause, None, now, judged_only=user_id
        )
        await _grant_priority(conn, guild_id, row["partner"], row["course_key"])
    return notices


async def forget_waiting(
    conn: aiosqlite.Connection, guild_id: int, user_id: int, now: datetime
) -> tuple[int, ...]:
    await conn.execute(
        "DELETE FROM queue_entries WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    rows = await conn.execute_fetchall(
        f"{_INVITATION} WHERE i.guild_id = ? AND i.status = 'pending'"
        " AND (i.inviter_id = ? OR i.invitee_id = ?)",
        (guild_id, user_id, user_id),
    )
    withdrawn = [_invitation(row) for row in rows]
    for invitation in withdrawn:
        await _answer(conn, invitation.id, InvitationStatus.VOID, now)
    return await _redraw_invitations(conn, withdrawn, now)


async def _grant_priority(
    conn: aiosqlite.Connection, guild_id: int, user_id: int, key: str
) -> None:
    await conn.execute(
        "INSERT INTO priority_grants (guild_id, user_id, course_key) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (guild_id, user_id, key),
    )


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


async def _remember_course(conn: aiosqlite.Connection, guild_id: int, key: str, name: str) -> str:
    """The course's name as first written in this server; `name` if it is new."""
    cursor = await conn.execute(
        "INSERT INTO courses (guild_id, course_key, name) VALUES (?, ?, ?)"
        " ON CONFLICT DO UPDATE SET name = name RETURNING name",
        (guild_id, key, name),
    )
    row = await cursor.fetchone()
    assert row is not None
    return str(row["name"])


async def _set_zone(
    conn: aiosqlite.Connection, guild_id: int, user_id: int, zone: str, *, overwrite: bool
) -> None:
    """A zone the member chose replaces the old one; a zone implied by a command only fills a gap."""
    kept = "excluded.timezone" if overwrite else "COALESCE(timezone, excluded.timezone)"
    await conn.execute(
        "INSERT INTO profiles (guild_id, user_id, timezone) VALUES (?, ?, ?)"
        f" ON CONFLICT DO UPDATE SET timezone = {kept}",
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
) -> Seeker | None:
    rows = await conn.execute_fetchall(
        f"SELECT {_SEEKER_COLUMNS} FROM queue_entries WHERE guild_id = ? AND course_key = ? AND user_id = ?",
        (guild_id, key, user_id),
    )
    return next((_seeker(row) for row in rows), None)


async def _create_partnership(
    conn: aiosqlite.Connection,
    guild_id: int,
    key: str,
    paces: dict[int, int | None],
    weekly: WeeklyTime,
    now: datetime,
) -> tuple[int, tuple[int, ...]]:
    """A new pair with its welcome queued, due for the reminder loop's first look at once.

    Both leave the course's queue, and their other invitations in the course are
    withdrawn: each has a partner there now.
    """
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
    for table in ("queue_entries", "priority_grants"):
        await conn.execute(
            f"DELETE FROM {table} WHERE guild_id = ? AND course_key = ? AND user_id IN (?, ?)",
            (guild_id, key, *paces),
        )
    welcome = await queue(conn, guild_id, NoticeKind.WELCOME, now, partnership_id=partnership_id)
    rows = await conn.execute_fetchall(
        f"{_INVITATION} WHERE i.guild_id = ? AND i.course_key = ? AND i.status = 'pending'"
        " AND (i.inviter_id IN (?, ?) OR i.invitee_id IN (?, ?))",
        (guild_id, key, *paces, *paces),
    )
    withdrawn = [_invitation(row) for row in rows]
    for invitation in withdrawn:
        await _answer(conn, invitation.id, InvitationStatus.VOID, now)
    return partnership_id, (welcome, *await _redraw_invitations(conn, withdrawn, now))


async def _answer(
    conn: aiosqlite.Connection, invitation_id: int, status: InvitationStatus, now: datetime
) -> bool:
    cursor = await conn.execute(
        "UPDATE invitations SET status = ?, answered_at = ? WHERE id = ? AND status = 'pending'",
        (status, to_timestamp(now), invitation_id),
    )
    return cursor.rowcount == 1


async def _redraw_invitations(
    conn: aiosqlite.Connection, invitations: list[Invitation], now: datetime
) -> tuple[int, ...]:
    """Show an answered or withdrawn invitation as such, its buttons gone."""
    return await redraw(conn, NoticeKind.INVITATION, None, [i.id for i in invitations], now)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
