"""Weekly recaps: each server's recap time, queueing each recap once, and what it shows:
the week's check-ins, milestones confirmed and the members behind them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.cadence import DAY, WEEK
from bot.log import get
from bot.models import FORMER_MEMBER, NoticeKind
from bot.recaps import DEFAULT_RECAP, covered_week, latest_occasion
from bot.schedule import WeeklyTime, next_occurrence
from bot.shards import Shards
from bot.store.database import Connection, Database, Row, from_timestamp, to_timestamp
from bot.store.guilds import recap_time_of
from bot.store.leaderboard import Ranked
from bot.store.outbox import queue

log = get("leaderboard")
# Servers whose recap one pass queues; the rest follow on the next tick.
RECAP_BATCH = 200


@dataclass(frozen=True)
class Recap:
    """A recap as queued: the week it covers and the zone its dates are shown in."""

    id: int
    guild_id: int
    starts: datetime
    occasion: datetime
    zone: str


@dataclass(frozen=True)
class Confirmed:
    """A milestone confirmed in a recap's week; `owner_id` is None for a hidden member."""

    owner_id: int | None
    title: str


@dataclass(frozen=True)
class Week:
    """What a recap shows of its week."""

    checkins: int
    confirmed: int  # milestones confirmed
    milestones: list[Confirmed]  # the latest confirmed
    top: list[Ranked]  # the first of those who checked in or finished one, best first
    longest_streak: int  # the longest streak of any member the recap may name

    @property
    def quiet(self) -> bool:
        """A week without a check-in or a milestone confirmed has nothing to recap."""
        return not (self.checkins or self.confirmed)


class RecapStore:
    def __init__(self, db: Database, shards: Shards) -> None:
        self._db = db
        self._shards = shards

    async def recap_time(self, guild_id: int) -> WeeklyTime:
        row = await self._db.fetch_one(
            "SELECT recap_weekday, recap_minute, recap_zone FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        )
        return DEFAULT_RECAP if row is None else recap_time_of(row)

    async def next_due(self) -> int | None:
        """Unix time of the earliest recap due on these shards, read from its index."""
        value = await self._db.fetch_value(
            f"SELECT MIN(next_recap_at) FROM guild_settings WHERE {self._shards.sql()}"
        )
        return None if value is None else int(value)

    async def queue_due(self, now: datetime) -> int:
        """Queue each due server's recap for its latest occasion, once; returns how many.

        The recap row is unique per server and occasion and its message is queued with
        it, so two processes, or a rerun after a crash, never post a recap twice.
        """
        async with self._db.transaction() as conn:
            due = await conn.fetch_all(
                "SELECT guild_id, leaderboard_channel_id, recap_weekday, recap_minute,"
                " recap_zone FROM guild_settings WHERE next_recap_at <= ?"
                f" AND {self._shards.sql()} ORDER BY next_recap_at LIMIT ?",
                (to_timestamp(now), RECAP_BATCH),
            )
            queued = [await _queue_recap(conn, row, now) for row in due]
        return sum(queued)

    async def recap(self, recap_id: int) -> Recap | None:
        row = await self._db.fetch_one(
            "SELECT id, guild_id, starts_at, occasion_at, zone FROM recaps WHERE id = ?",
            (recap_id,),
        )
        if row is None:
            return None
        return Recap(
            id=row["id"],
            guild_id=row["guild_id"],
            starts=from_timestamp(row["starts_at"]),
            occasion=from_timestamp(row["occasion_at"]),
            zone=row["zone"],
        )

    async def week(self, recap: Recap, members: int, milestones: int) -> Week:
        """What the recap's week holds: its check-ins and confirmations counted, the
        latest `milestones` confirmed, and the first `members` of those who checked in or
        finished a milestone, by milestones then streak.

        Read through the `checkins_by_time` and `milestones_confirmed` indexes. A member
        who hides from the leaderboard (or whose data was erased) is counted, never named.
        """
        params = _week_of(recap)
        checkins = await self._db.fetch_value(
            f"SELECT COUNT(*) FROM checkins c WHERE {_CHECKED_IN}", params
        )
        confirmed = await self._db.fetch_value(
            f"SELECT COUNT(*) FROM milestones m WHERE {_IN_WEEK}", params
        )
        rows = await self._db.fetch_all(
            f"SELECT m.owner_id, m.title, {_HIDDEN} AS hidden FROM milestones m {_PROFILE}"
            f" WHERE {_IN_WEEK} ORDER BY m.confirmed_at DESC, m.id DESC LIMIT ?",
            (*params, milestones),
        )
        return Week(
            checkins=int(checkins),
            confirmed=int(confirmed),
            milestones=[
                Confirmed(
                    None if row["hidden"] or row["owner_id"] <= FORMER_MEMBER else row["owner_id"],
                    row["title"],
                )
                for row in rows
            ],
            top=await self._top(recap, members),
            longest_streak=int(
                await self._db.fetch_value(
                    f"SELECT COALESCE(MAX(streak), 0) FROM ({_ACTIVE}) AS active",
                    _active_params(recap),
                )
            ),
        )

    async def _top(self, recap: Recap, limit: int) -> list[Ranked]:
        """Who confirmed the most milestones in the recap's own week, then by streak,
        among those who checked in or finished one in it.

        The week, not the live leaderboard, so a recap Discord delayed still ranks the
        week it is about; members who hide (or were erased) are not ranked.
        """
        rows = await self._db.fetch_all(
            f"{_ACTIVE} ORDER BY confirmed DESC, streak DESC, a.user_id LIMIT ?",
            (*_active_params(recap), limit),
        )
        return [Ranked(row["user_id"], int(row["confirmed"]), int(row["streak"])) for row in rows]


# A recap's week of confirmations, read through the `milestones_confirmed` index, and of
# check-ins, through `checkins_by_time`.
_IN_WEEK = (
    "m.guild_id = ? AND m.status = 'confirmed' AND m.confirmed_at >= ? AND m.confirmed_at < ?"
)
_CHECKED_IN = "c.guild_id = ? AND c.created_at >= ? AND c.created_at < ?"
_PROFILE = "LEFT JOIN profiles p ON p.guild_id = m.guild_id AND p.user_id = m.owner_id"
_HIDDEN = "COALESCE(p.leaderboard_hidden, 0)"
# The members a recap may name: each who checked in or finished a milestone in its week,
# with the milestones confirmed then and their streak as the leaderboard keeps it.
_ACTIVE = (
    "SELECT a.user_id, SUM(a.confirmed) AS confirmed, MAX(COALESCE(l.streak, 0)) AS streak"
    f" FROM (SELECT m.owner_id AS user_id, 1 AS confirmed FROM milestones m WHERE {_IN_WEEK}"
    f" UNION ALL SELECT c.user_id, 0 FROM checkins c WHERE {_CHECKED_IN}) AS a"
    " LEFT JOIN profiles p ON p.guild_id = ? AND p.user_id = a.user_id"
    " LEFT JOIN leaderboard l ON l.guild_id = ? AND l.user_id = a.user_id"
    f" WHERE {_HIDDEN} = 0 AND a.user_id > ? GROUP BY a.user_id"
)


def _week_of(recap: Recap) -> tuple[int, int, int]:
    return recap.guild_id, to_timestamp(recap.starts), to_timestamp(recap.occasion)


def _active_params(recap: Recap) -> tuple[int, ...]:
    """`_ACTIVE`'s parameters: the week twice (milestones, check-ins), the server twice."""
    return (*_week_of(recap), *_week_of(recap), recap.guild_id, recap.guild_id, FORMER_MEMBER)


async def _queue_recap(conn: Connection, row: Row, now: datetime) -> int:
    weekly = recap_time_of(row)
    occasion = latest_occasion(weekly, now)
    starts, _ = covered_week(weekly, occasion)
    # After a moderator moved the recap time (earlier or later), the week starts where
    # the last recap ended, so no milestone is in two recaps or in none; a last recap a
    # week before the week's start (downtime skipped one; 6 days 23 hours of the clock
    # across a DST change) leaves only the latest week to recap.
    previous = await conn.fetch_value(
        "SELECT MAX(occasion_at) FROM recaps WHERE guild_id = ? AND occasion_at < ?",
        (row["guild_id"], to_timestamp(occasion)),
    )
    if previous is not None and from_timestamp(previous) > starts - WEEK + DAY / 2:
        starts = from_timestamp(previous)
    made = await conn.fetch_one(
        "INSERT INTO recaps (guild_id, occasion_at, starts_at, zone, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, occasion_at) DO NOTHING RETURNING id",
        (
            row["guild_id"],
            to_timestamp(occasion),
            to_timestamp(starts),
            weekly.zone,
            to_timestamp(now),
        ),
    )
    await conn.execute(
        "UPDATE guild_settings SET next_recap_at = ? WHERE guild_id = ?",
        (to_timestamp(next_occurrence(weekly, now)), row["guild_id"]),
    )
    if made is None:
        return 0
    await queue(
        conn,
        row["guild_id"],
        NoticeKind.RECAP,
        now,
        channel_id=row["leaderboard_channel_id"],
        episode=int(made["id"]),
    )
    log.info("queued the recap of guild %s for %s", row["guild_id"], occasion)
    return 1
