"""Partnerships: reading them, making one, and ending one kindly."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from bot.errors import UserError
from bot.i18n import N_, _
from bot.log import get
from bot.models import (
    Badges,
    Cadence,
    EndCause,
    NoticeKind,
    Partnership,
    RequestKind,
    Role,
    Stored,
)
from bot.schedule import WeeklyTime
from bot.store.database import (
    PAIR_MEMBERS,
    PAIR_ROLES,
    Connection,
    Database,
    Reads,
    from_timestamp,
    pair_members,
    pair_roles,
    to_timestamp,
)
from bot.store.misses import still_open, take_turn
from bot.store.outbox import queue, redraw_posted
from bot.store.pauses import end_pauses_of_pair
from bot.store.requests import withdraw

log = get("pairing")
# A pledge due this soon is still judged when its pair ends: ending is no way out of it.
PLEDGE_LOCK = timedelta(hours=48)
# Why a pair cannot be made: the member asking, or the one asked, already has a partner there.
YOU_HAVE_A_PARTNER = N_(
    "You already have a partner in this course. End that partnership first with `/partner end`."
)
THEY_HAVE_A_PARTNER = N_(
    "They already have a partner in this course. End that partnership first with `/partner end`."
)

_COLUMNS = (
    "p.id, p.guild_id, c.name AS course, p.timezone, p.weekday, p.minute, p.created_at,"
    f" p.thread_id, p.ended_at, p.ended_by, p.end_cause, p.end_reason, {PAIR_MEMBERS} AS members,"
    f" {PAIR_ROLES} AS roles, p.cadence, p.cadence_anchor, p.trial_at"
)
_FROM = (
    " FROM partnerships p JOIN courses c ON c.guild_id = p.guild_id AND c.course_key = p.course_key"
)


def _partnership(row: Any) -> Partnership:
    ended_at, cause = row["ended_at"], row["end_cause"]
    anchor, trial_at = row["cadence_anchor"], row["trial_at"]
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
        roles=pair_roles(row["roles"]),
        cadence=Cadence(row["cadence"]),
        cadence_anchor=None if anchor is None else date.fromisoformat(str(anchor)),
        trial_at=None if trial_at is None else from_timestamp(trial_at),
    )


async def read_partnership(reads: Reads, partnership_id: int) -> Partnership | None:
    """A pair as it is, read by the caller's database or inside its transaction."""
    row = await reads.fetch_one(f"SELECT {_COLUMNS}{_FROM} WHERE p.id = ?", (partnership_id,))
    return None if row is None else _partnership(row)


class PartnershipStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def partnership(self, partnership_id: int) -> Partnership | None:
        return await read_partnership(self._db, partnership_id)

    async def active_partnerships(self, guild_id: int, user_id: int) -> list[Partnership]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS}{_FROM}"
            " JOIN partnership_members m ON m.partnership_id = p.id"
            " WHERE m.guild_id = ? AND m.user_id = ? AND m.active = 1 ORDER BY c.name",
            (guild_id, user_id),
        )
        return [_partnership(row) for row in rows]

    async def partnerships_with_pools(self, guild_id: int, user_id: int) -> list[Partnership]:
        """The member's active pairs and ended pairs whose pool holds entries, newest first."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS}{_FROM}"
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
            f"SELECT {_COLUMNS}{_FROM}"
            " WHERE p.thread_id = ? ORDER BY p.ended_at IS NULL DESC, p.id DESC",
            (thread_id,),
        )
        return None if row is None else _partnership(row)

    async def badges(self, guild_id: int, user_ids: Collection[int]) -> Badges:
        """What their active pairs show beside these members, in one read. Callers pass
        a page of members (the leaderboard's ten and the caller, a recap's top, a
        cheer's one), so the parameters stay few."""
        wanted = sorted(set(user_ids))
        if not wanted:
            return Badges(roles={}, fortnightly=frozenset())
        rows = await self._db.fetch_all(
            "SELECT DISTINCT m.user_id, m.role, p.cadence FROM partnership_members m"
            " JOIN partnerships p ON p.id = m.partnership_id"
            " WHERE m.guild_id = ? AND m.active = 1"
            f" AND m.user_id IN ({','.join('?' * len(wanted))})",
            (guild_id, *wanted),
        )
        roles: dict[int, set[Role]] = {}
        for row in rows:
            if row["role"] != Role.PEER:
                roles.setdefault(int(row["user_id"]), set()).add(Role(row["role"]))
        return Badges(
            roles={member: frozenset(found) for member, found in roles.items()},
            fortnightly=frozenset(
                int(row["user_id"]) for row in rows if row["cadence"] == Cadence.EVERY_TWO_WEEKS
            ),
        )

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
            notices = await end_pair(conn, partnership_id, by, cause, reason, now)
        return Stored(bool(notices), notices)


async def end_pair(
    conn: Connection,
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
    ended = await conn.fetch_one(
        "UPDATE partnerships SET ended_at = ?, ended_by = ?, end_cause = ?, end_reason = ?,"
        " alarm_at = NULL WHERE id = ? AND ended_at IS NULL RETURNING guild_id",
        (to_timestamp(now), by, cause, reason, partnership_id),
    )
    if ended is None:
        return ()
    await conn.execute(
        "UPDATE partnership_members SET active = 0 WHERE partnership_id = ?", (partnership_id,)
    )
    await end_pauses_of_pair(conn, partnership_id, now)
    await take_turn(conn)  # a miss batch must not record one missed that this voids
    await conn.execute(
        f"UPDATE milestones SET status = 'void' WHERE partnership_id = :pair"
        f" AND {still_open('milestones')} AND (deadline_at > :locked"
        " OR (CAST(:judged AS BIGINT) IS NOT NULL AND owner_id != :judged))",
        {
            "pair": partnership_id,
            "locked": to_timestamp(now + PLEDGE_LOCK),
            "judged": judged_only,
        },
    )
    pair = {"pair": partnership_id}
    withdrawn = await withdraw(conn, RequestKind.SCHEDULE, "r.partnership_id = :pair", pair, now)
    withdrawn += await withdraw(conn, RequestKind.CADENCE, "r.partnership_id = :pair", pair, now)
    # A pledge still judged keeps its deadline: nobody can move it once the pair has ended.
    withdrawn += await withdraw(
        conn,
        RequestKind.MILESTONE,
        "m.partnership_id = :pair AND (r.kind = 'reschedule' OR m.status = 'void')",
        pair,
        now,
    )
    # Messages still showing their buttons are drawn without them: the trial and the
    # reviews show the outcome, the reminders lose **Check in** and **My progress**, the
    # breaks' notices **Come back early**.
    withdrawn += await redraw_posted(
        conn,
        partnership_id,
        (NoticeKind.TRIAL, NoticeKind.REVIEW, NoticeKind.CHECKIN, NoticeKind.PAUSE_STARTED),
        now,
    )
    farewell = await queue(
        conn, ended["guild_id"], NoticeKind.FAREWELL, now, partnership_id=partnership_id
    )
    return (*withdrawn, farewell)


async def end_all(
    conn: Connection, guild_id: int, user_id: int, cause: EndCause, now: datetime
) -> list[int]:
    """End every active pair of a member who is going; their partners go first next time."""
    rows = await conn.fetch_all(
        "SELECT mine.partnership_id, mine.course_key, other.user_id AS partner"
        " FROM partnership_members mine JOIN partnership_members other"
        " ON other.partnership_id = mine.partnership_id AND other.user_id != mine.user_id"
        " WHERE mine.guild_id = ? AND mine.user_id = ? AND mine.active = 1",
        (guild_id, user_id),
    )
    notices: list[int] = []
    for row in rows:
        notices += await end_pair(
            conn, row["partnership_id"], user_id, cause, None, now, judged_only=user_id
        )
        await grant_priority(conn, guild_id, row["partner"], row["course_key"])
        log.info(
            "partnership %s ended (%s): member %s is going", row["partnership_id"], cause, user_id
        )
    return notices


async def grant_priority(conn: Connection, guild_id: int, user_id: int, key: str) -> None:
    await conn.execute(
        "INSERT INTO priority_grants (guild_id, user_id, course_key) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (guild_id, user_id, key),
    )


# A member `:user` with an active partner in the course `:key` of server `:guild`.
PARTNERED = (
    "SELECT 1 FROM partnership_members"
    " WHERE guild_id = :guild AND course_key = :key AND user_id = :user AND active = 1"
)


async def refuse_if_partnered(
    conn: Connection, guild_id: int, key: str, user_id: int, refusal: str
) -> None:
    """Refuse with `refusal` (`YOU_HAVE_A_PARTNER` or `THEY_HAVE_A_PARTNER`) if the member
    already has an active partner in the course."""
    rows = await conn.fetch_all(PARTNERED, {"guild": guild_id, "key": key, "user": user_id})
    if rows:
        raise UserError(_(refusal))


async def create_partnership(
    conn: Connection,
    guild_id: int,
    key: str,
    paces: Mapping[int, int | None],
    weekly: WeeklyTime,
    now: datetime,
    roles: Mapping[int, Role] | None = None,
) -> tuple[int, tuple[int, ...]]:
    """A new pair with its welcome queued, due for the reminders job's first look at once.

    `roles` makes it a mentorship (each member's `Role`); without it both are peers.
    Both leave the course's queue; the caller withdraws their other invitations in the
    course (`bot.store.invitations.withdraw_in_course`): each has a partner there now.
    """
    partnership_id = await conn.fetch_value(
        "INSERT INTO partnerships (guild_id, course_key, timezone, weekday, minute, created_at,"
        " next_checkin_at, alarm_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
    await conn.executemany(
        "INSERT INTO partnership_members (partnership_id, guild_id, course_key, user_id, pace,"
        " seat, role) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                partnership_id,
                guild_id,
                key,
                user_id,
                pace,
                seat,
                (roles or {}).get(user_id, Role.PEER),
            )
            for seat, (user_id, pace) in enumerate(paces.items())
        ],
    )
    for table in ("queue_entries", "priority_grants"):
        await conn.execute(
            f"DELETE FROM {table} WHERE guild_id = ? AND course_key = ? AND user_id IN (?, ?)",
            (guild_id, key, *paces),
        )
    welcome = await queue(conn, guild_id, NoticeKind.WELCOME, now, partnership_id=partnership_id)
    return partnership_id, (welcome,)
