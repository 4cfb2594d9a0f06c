"""The matching queue: waiting members of a course, and pairing the best fit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.languages import from_stored
from bot.matching import (
    Seeker,
    choose_among_nearby,
    compatible,
    course_key,
    minute_ranges,
    pace_range,
    pair_schedule,
)
from bot.models import EndCause, Partnership, Requeued, Stored
from bot.schedule import WeeklyTime, utc_minute_of_week
from bot.store.courses import remember_course
from bot.store.database import Connection, Database, from_timestamp, to_timestamp
from bot.store.invitations import withdraw_in_course
from bot.store.partnerships import (
    YOU_HAVE_A_PARTNER,
    PartnershipStore,
    create_partnership,
    end_pair,
    grant_priority,
    refuse_if_partnered,
)
from bot.store.profiles import set_zone

_SEEKER_COLUMNS = "user_id, pace, timezone, weekday, minute, queued_at, priority, languages"


def _seeker(row: Any) -> Seeker:
    return Seeker(
        user_id=row["user_id"],
        pace=row["pace"],
        weekly=WeeklyTime(weekday=row["weekday"], minute=row["minute"], zone=row["timezone"]),
        queued_at=from_timestamp(row["queued_at"]),
        priority=bool(row["priority"]),
        languages=frozenset(from_stored(row["languages"])),
    )


class QueueStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def queue(
        self, guild_id: int, course: str, key: str, seeker: Seeker, now: datetime
    ) -> tuple[str, bool]:
        """Join (or update a place in) the course's queue.

        Returns the course's name as first written in this server, and True when the
        member was already waiting (their preferences are updated, their place kept).
        """
        async with self._db.transaction() as conn:
            await refuse_if_partnered(conn, guild_id, key, seeker.user_id, YOU_HAVE_A_PARTNER)
            name = await remember_course(conn, guild_id, key, course)
            await set_zone(conn, guild_id, seeker.user_id, seeker.weekly.zone, overwrite=False)
            return name, await _upsert_queue_entry(conn, guild_id, key, seeker)

    async def best_candidate(
        self, guild_id: int, key: str, user_id: int, now: datetime
    ) -> Seeker | None:
        """Who the waiting member should be paired with now, if anyone; changes nothing.

        The `queue_by_time` index narrows the course's queue to members whose stored
        UTC minute lies near this member's time; pace narrows it further, and only those
        are ranked (`bot.matching.choose_among_nearby`). Former partners are left out:
        they can find each other again by invitation.
        """
        row = await self._db.fetch_one(
            f"SELECT {_SEEKER_COLUMNS} FROM queue_entries"
            " WHERE guild_id = ? AND course_key = ? AND user_id = ?",
            (guild_id, key, user_id),
        )
        if row is None:
            return None
        me = _seeker(row)
        slowest, fastest = pace_range(me.pace)
        nearby = []
        for low, high in minute_ranges(me.weekly, now):
            nearby += await self._db.fetch_all(
                f"SELECT {_SEEKER_COLUMNS} FROM queue_entries"
                " WHERE guild_id = :guild AND course_key = :key"
                " AND utc_minute BETWEEN :low AND :high AND pace BETWEEN :slowest AND :fastest"
                f" AND user_id != :user AND user_id NOT IN ({_FORMER_PARTNERS})",
                {
                    "guild": guild_id,
                    "key": key,
                    "user": user_id,
                    "low": low,
                    "high": high,
                    "slowest": slowest,
                    "fastest": fastest,
                },
            )
        return choose_among_nearby(me, [_seeker(found) for found in nearby], now)

    async def former_partners_waiting(self, guild_id: int, key: str, user_id: int) -> list[int]:
        """Waiting members this one was paired with before: why a short queue may not match."""
        rows = await self._db.fetch_all(
            "SELECT user_id FROM queue_entries WHERE guild_id = :guild AND course_key = :key"
            f" AND user_id != :user AND user_id IN ({_FORMER_PARTNERS}) ORDER BY queued_at",
            {"guild": guild_id, "key": key, "user": user_id},
        )
        return [int(row["user_id"]) for row in rows]

    async def nobody_shares_language(self, guild_id: int, key: str, user_id: int) -> bool:
        """True when the member stated languages and others wait in the course, every one
        of whom stated others: why a queue with members in it may not match."""
        row = await self._db.fetch_one(
            "SELECT languages FROM queue_entries"
            " WHERE guild_id = ? AND course_key = ? AND user_id = ?",
            (guild_id, key, user_id),
        )
        mine = () if row is None else from_stored(row["languages"])
        if not mine:
            return False
        shared = " OR ".join(
            f"(',' || languages || ',') LIKE :code{number}" for number in range(len(mine))
        )
        found = await self._db.fetch_one(
            "SELECT COUNT(*) AS waiting,"
            f" COALESCE(SUM(CASE WHEN languages = '' OR {shared} THEN 1 ELSE 0 END), 0)"
            " AS sharing"
            " FROM queue_entries WHERE guild_id = :guild AND course_key = :key"
            " AND user_id != :user",
            {"guild": guild_id, "key": key, "user": user_id}
            | {f"code{number}": f"%,{code},%" for number, code in enumerate(mine)},
        )
        assert found is not None
        return bool(found["waiting"] > 0 and found["sharing"] == 0)

    async def pair(
        self, guild_id: int, key: str, first: int, second: int, now: datetime
    ) -> Stored[Partnership] | None:
        """Pair two members if both still wait and still fit; None when that changed."""
        async with self._db.transaction() as conn:
            seekers = [await _queued_seeker(conn, guild_id, key, user) for user in (first, second)]
            one, other = seekers
            if one is None or other is None or not compatible(one, other, now):
                return None
            partnership_id, notices = await create_partnership(
                conn,
                guild_id,
                key,
                {other.user_id: other.pace, one.user_id: one.pace},
                pair_schedule(one, other),
                now,
            )
            notices += await withdraw_in_course(conn, guild_id, key, [first, second], now)
        found = await PartnershipStore(self._db).partnership(partnership_id)
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
            rows = await conn.fetch_all(
                "SELECT pace FROM partnership_members WHERE partnership_id = ? AND user_id = ?",
                (partnership.id, member_id),
            )
            pace = next((row["pace"] for row in rows), None)
            notices = await end_pair(conn, partnership.id, member_id, cause, None, now)
            if not notices:
                return Stored(Requeued(ended=False, queued=False))
            await grant_priority(conn, partnership.guild_id, member_id, key)
            if pace is not None:
                seeker = Seeker(member_id, pace, partnership.weekly, now, priority=True)
                await _upsert_queue_entry(conn, partnership.guild_id, key, seeker)
        return Stored(Requeued(ended=True, queued=pace is not None), notices)

    async def leave_queue(self, guild_id: int, user_id: int, key: str | None) -> list[str]:
        """Remove the member's queue entries (one course or all); names what was left."""
        async with self._db.transaction() as conn:
            rows = await conn.fetch_all(
                "SELECT c.name FROM queue_entries q JOIN courses c"
                " ON c.guild_id = q.guild_id AND c.course_key = q.course_key"
                " WHERE q.guild_id = ? AND q.user_id = ? AND (CAST(? AS TEXT) IS NULL OR q.course_key = ?)"
                " ORDER BY c.name",
                (guild_id, user_id, key, key),
            )
            await conn.execute(
                "DELETE FROM queue_entries WHERE guild_id = ? AND user_id = ?"
                " AND (CAST(? AS TEXT) IS NULL OR course_key = ?)",
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


# Members `:user` was ever paired with in the course `:key` of server `:guild`.
_FORMER_PARTNERS = (
    "SELECT other.user_id FROM partnership_members mine JOIN partnership_members other"
    " ON other.partnership_id = mine.partnership_id"
    " WHERE mine.guild_id = :guild AND mine.course_key = :key AND mine.user_id = :user"
)


async def _upsert_queue_entry(conn: Connection, guild_id: int, key: str, seeker: Seeker) -> bool:
    """Insert, or update preferences in place keeping the place in line; True if updated."""
    existing = await conn.fetch_all(
        "SELECT 1 FROM queue_entries WHERE guild_id = ? AND course_key = ? AND user_id = ?",
        (guild_id, key, seeker.user_id),
    )
    await conn.execute(
        "INSERT INTO queue_entries"
        " (guild_id, user_id, course_key, pace, timezone, weekday, minute, queued_at, priority,"
        " utc_minute, languages) VALUES (:guild, :user, :course, :pace, :zone, :weekday,"
        " :minute, :queued,"
        " CASE WHEN :priority = 1 OR EXISTS (SELECT 1 FROM priority_grants g"
        "  WHERE g.guild_id = :guild AND g.user_id = :user AND g.course_key = :course)"
        " THEN 1 ELSE 0 END, :utc_minute,"
        # A copy of the profile's languages, which `ProfileStore.update_profile` keeps current.
        " COALESCE((SELECT p.languages FROM profiles p"
        "  WHERE p.guild_id = :guild AND p.user_id = :user), ''))"
        " ON CONFLICT (guild_id, course_key, user_id) DO UPDATE SET pace = excluded.pace,"
        " timezone = excluded.timezone, weekday = excluded.weekday, minute = excluded.minute,"
        " priority = CASE WHEN excluded.priority = 1 THEN 1 ELSE queue_entries.priority END,"
        " utc_minute = excluded.utc_minute, languages = excluded.languages",
        {
            "guild": guild_id,
            "user": seeker.user_id,
            "course": key,
            "pace": seeker.pace,
            "zone": seeker.weekly.zone,
            "weekday": seeker.weekly.weekday,
            "minute": seeker.weekly.minute,
            "queued": to_timestamp(seeker.queued_at),
            "priority": int(seeker.priority),
            # Where the check-in falls as of now; `bot.matching.minute_ranges` allows
            # for the daylight-saving shifts that move it later.
            "utc_minute": utc_minute_of_week(seeker.weekly, seeker.queued_at),
        },
    )
    return bool(existing)


async def _queued_seeker(conn: Connection, guild_id: int, key: str, user_id: int) -> Seeker | None:
    rows = await conn.fetch_all(
        f"SELECT {_SEEKER_COLUMNS} FROM queue_entries WHERE guild_id = ? AND course_key = ? AND user_id = ?",
        (guild_id, key, user_id),
    )
    return next((_seeker(row) for row in rows), None)
