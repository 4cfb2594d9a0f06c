"""The moderators' health view: its figures from kept counts and a few index reads, and
the counting of the events behind them, each in the transaction of the event itself.

Migration 0019 keeps the states (active and quiet pairs, members waiting, per course)
with triggers; the events (check-ins due and made, milestones confirmed and missed) are
counted here, per server and UTC day, by the store methods that make them happen. A
view reads one row of counts, at most `WEEKS_SHOWN` weeks of days, a few courses'
longest-waiting members and a bounded count of failed messages: the same few rows in a
server of ten pairs and of 100,000.
"""

from __future__ import annotations

from datetime import datetime

from bot.health import (
    COMPARED,
    COURSES_SHOWN,
    UNDELIVERABLE_COUNTED,
    CourseWait,
    Day,
    DayCount,
    Health,
    blocker,
    checkins_due,
    day_of,
    first_day,
    recent_milestones,
    weekly_shares,
)
from bot.matching import Seeker
from bot.models import NoticeKind, OutboxStatus
from bot.reminders import PairState, Plan
from bot.store.database import Connection, Database, Row, from_timestamp
from bot.store.outbox import notice_key

# The queue's own reading of a waiting member, so the view compares them as matching does.
from bot.store.queue import _SEEKER_COLUMNS, _seeker

# The milestones one batch of the miss job marked (`{source}` and `{chosen}` as the batch
# names them, `:day` the UTC day of its run), counted per server in the same statement
# or transaction as the marking (`bot/store/milestones.py`).
COUNT_MISSED = (
    "INSERT INTO health_days (guild_id, day, milestones_missed)"
    " SELECT m.guild_id, CAST(:day AS BIGINT), COUNT(*) FROM {source} WHERE {chosen}"
    " GROUP BY m.guild_id ON CONFLICT (guild_id, day) DO UPDATE"
    " SET milestones_missed = health_days.milestones_missed + excluded.milestones_missed"
)


async def count_day(
    conn: Connection, guild_id: int, at: datetime, count: DayCount, by: int = 1
) -> None:
    """Add `by` to one of a server's counts of the UTC day of `at`."""
    await conn.execute(
        f"INSERT INTO health_days (guild_id, day, {count}) VALUES (?, ?, ?)"
        f" ON CONFLICT (guild_id, day) DO UPDATE SET {count} = health_days.{count} + excluded.{count}",
        (guild_id, day_of(at), by),
    )


async def count_checkins_due(conn: Connection, guild_id: int, state: PairState, plan: Plan) -> None:
    """The partners a plan's check-in reminder asks (`bot.health.checkins_due`), counted
    once: before the reminder is queued, and only if it never was."""
    for notice in plan.notices:
        if notice.kind != NoticeKind.CHECKIN:
            continue
        at = from_timestamp(notice.episode)
        key = notice_key(notice.kind, state.partnership_id, notice.episode, notice.member_id)
        queued = await conn.fetch_one("SELECT 1 FROM outbox WHERE key = ?", (key,))
        if queued is None and (due := checkins_due(state, at)):
            await count_day(conn, guild_id, at, DayCount.CHECKINS_DUE, due)


async def count_confirmed(conn: Connection, milestone_id: int, now: datetime) -> None:
    """A milestone just confirmed, on its server's count of today."""
    await conn.execute(
        "INSERT INTO health_days (guild_id, day, milestones_confirmed)"
        " SELECT guild_id, CAST(? AS BIGINT), 1 FROM milestones WHERE id = ?"
        " ON CONFLICT (guild_id, day) DO UPDATE"
        " SET milestones_confirmed = health_days.milestones_confirmed + 1",
        (day_of(now), milestone_id),
    )


class HealthStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def health(self, guild_id: int, now: datetime) -> Health:
        """The server's figures as of `now` (see `bot.health`)."""
        counts = await self._db.fetch_one(
            "SELECT active_pairs, quiet_pairs, waiting FROM health_counts WHERE guild_id = ?",
            (guild_id,),
        )
        days = await self._days(guild_id, now)
        confirmed, missed = recent_milestones(days, now)
        return Health(
            active_pairs=int(counts["active_pairs"]) if counts else 0,
            quiet_pairs=int(counts["quiet_pairs"]) if counts else 0,
            waiting=int(counts["waiting"]) if counts else 0,
            weeks=weekly_shares(days, now),
            confirmed=confirmed,
            missed=missed,
            courses=await self._courses(guild_id, now),
            undeliverable=int(
                await self._db.fetch_value(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM outbox WHERE guild_id = ?"
                    " AND status = ? LIMIT ?) AS failed",
                    (guild_id, OutboxStatus.FAILED, UNDELIVERABLE_COUNTED),
                )
            ),
        )

    async def _days(self, guild_id: int, now: datetime) -> list[Day]:
        rows = await self._db.fetch_all(
            "SELECT day, checkins_due, checkins_made, milestones_confirmed, milestones_missed"
            " FROM health_days WHERE guild_id = ? AND day >= ?",
            (guild_id, first_day(now)),
        )
        return [
            Day(
                day=int(row["day"]),
                checkins_due=int(row["checkins_due"]),
                checkins_made=int(row["checkins_made"]),
                milestones_confirmed=int(row["milestones_confirmed"]),
                milestones_missed=int(row["milestones_missed"]),
            )
            for row in rows
        ]

    async def _courses(self, guild_id: int, now: datetime) -> tuple[CourseWait, ...]:
        """The courses with the most members waiting, each with its longest wait and, from
        its `COMPARED` longest-waiting members, what keeps them apart."""
        rows = await self._db.fetch_all(
            "SELECT w.course_key, w.waiting, COALESCE(c.name, w.course_key) AS name"
            " FROM health_waiting w LEFT JOIN courses c"
            " ON c.guild_id = w.guild_id AND c.course_key = w.course_key"
            " WHERE w.guild_id = ? ORDER BY w.waiting DESC, w.course_key DESC LIMIT ?",
            (guild_id, COURSES_SHOWN),
        )
        return tuple([await self._course(guild_id, row, now) for row in rows])

    async def _course(self, guild_id: int, row: Row, now: datetime) -> CourseWait:
        key = str(row["course_key"])
        waiting = [
            _seeker(found)
            for found in await self._db.fetch_all(
                f"SELECT {_SEEKER_COLUMNS} FROM queue_entries WHERE guild_id = ?"
                " AND course_key = ? ORDER BY queued_at LIMIT ?",
                (guild_id, key, COMPARED),
            )
        ]
        return CourseWait(
            course=str(row["name"]),
            waiting=int(row["waiting"]),
            since=waiting[0].queued_at if waiting else now,
            blocker=blocker(waiting, await self._partnered(guild_id, key, waiting), now),
        )

    async def _partnered(
        self, guild_id: int, key: str, waiting: list[Seeker]
    ) -> list[frozenset[int]]:
        """The pairs of these waiting members who were partners in the course before."""
        ids = [seeker.user_id for seeker in waiting]
        if len(ids) < 2:
            return []
        marks = ",".join("?" * len(ids))
        rows = await self._db.fetch_all(
            "SELECT mine.user_id AS one, other.user_id AS other FROM partnership_members mine"
            " JOIN partnership_members other ON other.partnership_id = mine.partnership_id"
            f" AND other.user_id != mine.user_id AND other.user_id IN ({marks})"
            f" WHERE mine.guild_id = ? AND mine.course_key = ? AND mine.user_id IN ({marks})",
            (*ids, guild_id, key, *ids),
        )
        return [frozenset((int(row["one"]), int(row["other"]))) for row in rows]
