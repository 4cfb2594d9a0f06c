"""The matching queue: waiting members of a course, and pairing the best fit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.errors import UserError
from bot.i18n import _
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
from bot.models import EndCause, Joined, Partnership, Requeued, Stored
from bot.schedule import MINUTES_PER_WEEK, WeeklyTime, utc_minute_of_week, utc_minute_until
from bot.store.courses import remember_course
from bot.store.database import Connection, Database, Row, from_timestamp, to_timestamp
from bot.store.invitations import withdraw_in_course
from bot.store.partnerships import (
    PARTNERED,
    YOU_HAVE_A_PARTNER,
    PartnershipStore,
    create_partnership,
    end_pair,
    grant_priority,
)
from bot.store.profiles import set_zone

_SEEKER_COLUMNS = "user_id, pace, timezone, weekday, minute, queued_at, priority, languages"
# How many of the best-ranked candidates in each stretch of the week the search reads:
# SQL ranks them as `bot.matching.choose_partner` does, which then checks the few.
SHORTLIST = 3
# The waiting members whose stored UTC minute may no longer hold at `:now`.
STALE_TIMES = (
    "SELECT guild_id, course_key, user_id, timezone, weekday, minute FROM queue_entries"
    " WHERE utc_until <= :now"
)
# The member `:user`'s place in the queue of course `:key` in server `:guild`.
_WAITING = "FROM queue_entries WHERE guild_id = :guild AND course_key = :key AND user_id = :user"
# What a search reads first, in one statement: the member's own row (`mine` 1, last),
# and the course's rows (`mine` 0) whose stored UTC minute may no longer hold at `:now`,
# as `STALE_TIMES` finds them, only the searched course's and in user order: a search
# never waits on, or writes, another course's rows, and two searches lock rows alike.
_ME_AND_STALE = (
    f"SELECT 1 AS mine, guild_id, course_key, {_SEEKER_COLUMNS} {_WAITING}"
    f" UNION ALL SELECT 0, guild_id, course_key, {_SEEKER_COLUMNS} FROM queue_entries"
    " WHERE utc_until <= :now AND guild_id = :guild AND course_key = :key"
    " ORDER BY mine, user_id"
)


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
    ) -> Joined:
        """Join (or update a place in) the course's queue; a member already waiting has
        their preferences updated and their place kept."""
        async with self._db.transaction() as conn:
            found = await conn.fetch_one(  # both tests in one statement
                f"SELECT EXISTS ({PARTNERED}) AS partnered, EXISTS (SELECT 1 {_WAITING}) AS waiting",
                {"guild": guild_id, "key": key, "user": seeker.user_id},
            )
            assert found is not None
            if found["partnered"]:
                raise UserError(_(YOU_HAVE_A_PARTNER))
            name = await remember_course(conn, guild_id, key, course)
            await set_zone(conn, guild_id, seeker.user_id, seeker.weekly.zone, overwrite=False)
            languages = await _upsert_queue_entry(conn, guild_id, key, seeker)
            return Joined(course=name, updated=bool(found["waiting"]), languages=languages)

    async def best_candidate(
        self, guild_id: int, key: str, user_id: int, now: datetime
    ) -> Seeker | None:
        """Who the waiting member should be paired with now, if anyone.

        The `queue_by_time` index narrows the course's queue to members whose UTC minute
        lies within the time rule of this member's, and pace narrows it further; SQL
        keeps those whose languages fit and ranks them as `bot.matching.choose_partner`
        does, so only the first few are read and checked (`choose_among_nearby`),
        however long the queue. Former partners are left out: they can find each other
        again by invitation. Only the stored minutes a daylight-saving change moved are
        written, first: each member's once per change, spread over the week before it
        (each at their last check-in before it), so the search can trust every minute.
        """
        rows = await self._db.fetch_all(
            _ME_AND_STALE,
            {"guild": guild_id, "key": key, "user": user_id, "now": to_timestamp(now)},
        )
        if not rows or not rows[-1]["mine"]:
            return None
        me = _seeker(rows[-1])
        stale = [row for row in rows if not row["mine"]]
        if stale:
            async with self._db.transaction() as conn:
                await refresh_times(conn, stale, now)
        slowest, fastest = pace_range(me.pace)
        shares, fits, codes = _language_tests(me.languages)
        params: dict[str, object] = codes | {
            "guild": guild_id,
            "key": key,
            "user": user_id,
            "pace": me.pace,
            "slowest": slowest,
            "fastest": fastest,
            "centre": utc_minute_of_week(me.weekly, now),
            "shortlist": SHORTLIST,
        }
        apart = "ABS(utc_minute - :centre)"
        nearby = []
        for low, high in minute_ranges(me.weekly, now):
            nearby += await self._db.fetch_all(
                f"SELECT {_SEEKER_COLUMNS} FROM queue_entries"
                " WHERE guild_id = :guild AND course_key = :key"
                " AND utc_minute BETWEEN :low AND :high AND pace BETWEEN :slowest AND :fastest"
                f" AND user_id != :user AND user_id NOT IN ({_FORMER_PARTNERS}) AND {fits}"
                f" ORDER BY priority DESC, {shares} DESC, ABS(pace - :pace),"
                f" CASE WHEN {apart} * 2 > {MINUTES_PER_WEEK}"
                f" THEN {MINUTES_PER_WEEK} - {apart} ELSE {apart} END, queued_at, user_id"
                " LIMIT :shortlist",
                params | {"low": low, "high": high},
            )
        return choose_among_nearby(me, [_seeker(found) for found in nearby], now)

    async def former_partners_waiting(self, guild_id: int, key: str, user_id: int) -> list[int]:
        """Waiting members this one was paired with before: why a short queue may not match.

        Read from the member's former pairs to the queue (`CROSS JOIN` keeps SQLite in
        that order), so a long queue costs nothing."""
        rows = await self._db.fetch_all(
            "SELECT DISTINCT q.user_id, q.queued_at FROM partnership_members mine"
            " CROSS JOIN partnership_members other CROSS JOIN queue_entries q"
            " WHERE mine.guild_id = :guild AND mine.course_key = :key AND mine.user_id = :user"
            " AND other.partnership_id = mine.partnership_id AND other.user_id != :user"
            " AND q.guild_id = :guild AND q.course_key = :key AND q.user_id = other.user_id"
            " ORDER BY q.queued_at",
            {"guild": guild_id, "key": key, "user": user_id},
        )
        return [int(row["user_id"]) for row in rows]

    async def nobody_shares_language(
        self, guild_id: int, key: str, user_id: int, languages: frozenset[str]
    ) -> bool:
        """True when others wait in the course, every one of whom stated languages none
        of which is in the member's `languages` (stated, so not empty): why a queue with
        members in it may not match. Stops at the first who shares one."""
        _shares, fits, codes = _language_tests(languages)
        others = (
            "FROM queue_entries WHERE guild_id = :guild AND course_key = :key AND user_id != :user"
        )
        found = await self._db.fetch_one(
            f"SELECT EXISTS (SELECT 1 {others}) AS waiting,"
            f" EXISTS (SELECT 1 {others} AND {fits}) AS sharing",
            {"guild": guild_id, "key": key, "user": user_id} | codes,
        )
        assert found is not None
        return bool(found["waiting"]) and not found["sharing"]

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


def _language_tests(mine: frozenset[str]) -> tuple[str, str, dict[str, str]]:
    """SQL for `bot.matching.shares_language` (1 or 0) and `languages_compatible` with a
    member who stated `mine`, on a queue row, and the parameters they bind."""
    codes = {f"code{number}": f"%,{code},%" for number, code in enumerate(sorted(mine))}
    found = " OR ".join(f"(',' || languages || ',') LIKE :{name}" for name in codes)
    shares = f"(CASE WHEN {found or '1 = 0'} THEN 1 ELSE 0 END)"
    return shares, f"(languages = '' OR {shares} = 1)" if mine else "1 = 1", codes


async def refresh_times(conn: Connection, stale: list[Row], now: datetime) -> None:
    """Store where each of the `stale` rows' (from `STALE_TIMES`) weekly time falls in the
    UTC week as of `now`, and until when, unless the member changed it meanwhile."""
    await conn.executemany(
        "UPDATE queue_entries SET utc_minute = :utc_minute, utc_until = :utc_until"
        " WHERE guild_id = :guild AND course_key = :key AND user_id = :user"
        " AND timezone = :zone AND weekday = :weekday AND minute = :minute",
        [
            {
                "guild": row["guild_id"],
                "key": row["course_key"],
                "user": row["user_id"],
                "zone": row["timezone"],
                "weekday": row["weekday"],
                "minute": row["minute"],
            }
            | _utc_place(
                WeeklyTime(weekday=row["weekday"], minute=row["minute"], zone=row["timezone"]),
                now,
            )
            for row in stale
        ],
    )


def _utc_place(weekly: WeeklyTime, reference: datetime) -> dict[str, int]:
    """The stored UTC minute of `weekly` as of `reference`, and until when it holds."""
    minute, until = utc_minute_until(weekly, reference)
    return {"utc_minute": minute, "utc_until": to_timestamp(until)}


async def _upsert_queue_entry(
    conn: Connection, guild_id: int, key: str, seeker: Seeker
) -> frozenset[str]:
    """Insert, or update preferences in place keeping the place in line; returns the
    languages the member stated, as the place now holds them."""
    row = await conn.fetch_one(
        "INSERT INTO queue_entries"
        " (guild_id, user_id, course_key, pace, timezone, weekday, minute, queued_at, priority,"
        " utc_minute, utc_until, languages) VALUES (:guild, :user, :course, :pace, :zone, :weekday,"
        " :minute, :queued,"
        " CASE WHEN :priority = 1 OR EXISTS (SELECT 1 FROM priority_grants g"
        "  WHERE g.guild_id = :guild AND g.user_id = :user AND g.course_key = :course)"
        " THEN 1 ELSE 0 END, :utc_minute, :utc_until,"
        # A copy of the profile's languages, which `ProfileStore.update_profile` keeps current.
        " COALESCE((SELECT p.languages FROM profiles p"
        "  WHERE p.guild_id = :guild AND p.user_id = :user), ''))"
        " ON CONFLICT (guild_id, course_key, user_id) DO UPDATE SET pace = excluded.pace,"
        " timezone = excluded.timezone, weekday = excluded.weekday, minute = excluded.minute,"
        " priority = CASE WHEN excluded.priority = 1 THEN 1 ELSE queue_entries.priority END,"
        " utc_minute = excluded.utc_minute, utc_until = excluded.utc_until,"
        " languages = excluded.languages RETURNING languages",
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
        }
        | _utc_place(seeker.weekly, seeker.queued_at),
    )
    assert row is not None
    return frozenset(from_stored(row["languages"]))


async def _queued_seeker(conn: Connection, guild_id: int, key: str, user_id: int) -> Seeker | None:
    rows = await conn.fetch_all(
        f"SELECT {_SEEKER_COLUMNS} FROM queue_entries WHERE guild_id = ? AND course_key = ? AND user_id = ?",
        (guild_id, key, user_id),
    )
    return next((_seeker(row) for row in rows), None)
