"""The leaderboard: confirmed milestones per member and period, and check-in streaks.

Counts are kept up to date in the transaction of each confirmation, and streaks in the
transaction of each check-in or pause (`record_confirmation`, `bot.store.streaks`), so a ranking is
read ten rows at a time through an index, never recounted from history. Time moves the
rest: a confirmation leaves the week's count 7 days later and the month's 30 days later,
and a streak ends when a week closes without a check-in; `catch_up` applies what is due,
from the scheduler and again before each read, so every period is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.models import FORMER_MEMBER, Milestone, Period
from bot.shards import EVERY_SHARD, Shards
from bot.store.database import Connection, Database, to_timestamp
from bot.store.streaks import HIDDEN

# How long a confirmation counts for each rolling period.
PERIOD_LENGTH = {Period.WEEK: timedelta(days=7), Period.MONTH: timedelta(days=30)}
_COLUMN = {Period.WEEK: "week", Period.MONTH: "month", Period.ALL: "all_time"}


@dataclass(frozen=True)
class Ranked:
    user_id: int
    confirmed: int
    streak: int


async def record_confirmation(
    conn: Connection, milestone: Milestone, confirmed_at: datetime
) -> None:
    """A confirmed milestone counts for its owner now, and leaves each period when due."""
    if milestone.owner_id <= FORMER_MEMBER:
        return
    member = {"guild": milestone.guild_id, "user": milestone.owner_id}
    await conn.execute(
        "INSERT INTO leaderboard (guild_id, user_id, all_time, week, month, hidden)"
        f" VALUES (:guild, :user, 1, 1, 1, {HIDDEN})"
        " ON CONFLICT (guild_id, user_id) DO UPDATE SET all_time = leaderboard.all_time + 1,"
        " week = leaderboard.week + 1, month = leaderboard.month + 1",
        member,
    )
    await conn.executemany(
        "INSERT INTO leaderboard_expiry (milestone_id, period, guild_id, user_id, at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (milestone_id, period) DO NOTHING",
        [
            (
                milestone.id,
                period,
                milestone.guild_id,
                milestone.owner_id,
                to_timestamp(confirmed_at + length),
            )
            for period, length in PERIOD_LENGTH.items()
        ],
    )


async def set_hidden(conn: Connection, guild_id: int, user_id: int, hidden: bool) -> None:
    await conn.execute(
        "UPDATE leaderboard SET hidden = ? WHERE guild_id = ? AND user_id = ?",
        (int(hidden), guild_id, user_id),
    )


async def forget(conn: Connection, guild_id: int, user_id: int) -> None:
    """A member who erased their data is no longer counted anywhere."""
    for table in ("leaderboard", "leaderboard_expiry"):
        await conn.execute(
            f"DELETE FROM {table} WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )


async def catch_up(conn: Connection, now: datetime, shards: Shards = EVERY_SHARD) -> None:
    """Apply what time has done since: confirmations leaving a period, streaks ending.

    A confirmation counts for the week while it is at most 7 days old (as `confirmed_at
    >= now - 7 days`), so it leaves once its expiry lies strictly in the past.
    """
    await conn.serialize("tandem leaderboard catch-up")  # two processes subtract once
    stamp = to_timestamp(now)
    due = await conn.fetch_all(
        "SELECT guild_id, user_id, period, COUNT(*) AS leaving FROM leaderboard_expiry"
        f" WHERE at < ? AND {shards.sql()} GROUP BY guild_id, user_id, period",
        (stamp,),
    )
    for row in due:
        column = _COLUMN[Period(row["period"])]
        await conn.execute(
            f"UPDATE leaderboard SET {column} = {column} - ? WHERE guild_id = ? AND user_id = ?",
            (row["leaving"], row["guild_id"], row["user_id"]),
        )
    await conn.execute(f"DELETE FROM leaderboard_expiry WHERE at < ? AND {shards.sql()}", (stamp,))
    await conn.execute(
        "UPDATE leaderboard SET streak = 0 WHERE streak > 0 AND streak_until < ?"
        f" AND {shards.sql()}",
        (stamp,),
    )


class LeaderboardStore:
    def __init__(self, db: Database, shards: Shards) -> None:
        self._db = db
        self._shards = shards

    async def top(
        self, guild_id: int, period: Period, now: datetime, limit: int = 10
    ) -> list[Ranked]:
        """The best ranked members, confirmed milestones first, then streak, then id.

        Members who hide from the leaderboard are not ranked.
        """
        await self._catch_up_if_due(now)
        column = _COLUMN[period]
        rows = await self._db.fetch_all(
            f"SELECT user_id, {column} AS confirmed, streak FROM leaderboard"
            f" WHERE guild_id = ? AND hidden = 0 AND {column} > 0"
            f" ORDER BY {column} DESC, streak DESC, user_id LIMIT ?",
            (guild_id, limit),
        )
        return [Ranked(row["user_id"], row["confirmed"], row["streak"]) for row in rows]

    async def place(self, guild_id: int, period: Period, user_id: int) -> int | None:
        """The member's place; None when they are not ranked.

        Members with the same count and streak share a place (1, 2, 2, 4), so a place
        is read from the `leaderboard_places` buckets, not by counting members.
        """
        column = _COLUMN[period]
        mine = await self._db.fetch_one(
            f"SELECT {column} AS confirmed, streak FROM leaderboard WHERE guild_id = ?"
            f" AND user_id = ? AND hidden = 0 AND {column} > 0",
            (guild_id, user_id),
        )
        if mine is None:
            return None
        ahead = await self._db.fetch_value(
            "SELECT COALESCE(SUM(members), 0) FROM leaderboard_places WHERE guild_id = :guild"
            " AND period = :period AND (confirmed > :confirmed"
            " OR (confirmed = :confirmed AND streak > :streak))",
            {"guild": guild_id, "period": period, **dict(mine)},
        )
        return int(ahead or 0) + 1

    async def confirmed(self, guild_id: int, user_id: int, now: datetime) -> dict[Period, int]:
        """The member's confirmed milestones in each period, hidden or not.

        So a member without any this week hears of the ones in a wider period.
        """
        await self._catch_up_if_due(now)
        row = await self._db.fetch_one(
            "SELECT week, month, all_time FROM leaderboard WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return {period: int(row[column]) if row else 0 for period, column in _COLUMN.items()}

    async def catch_up(self, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await catch_up(conn, now, self._shards)

    async def _catch_up_if_due(self, now: datetime) -> None:
        """Exact even when the scheduler is late, yet a read writes only when time moved it."""
        due = await self.next_change()
        if due is not None and due <= to_timestamp(now):
            await self.catch_up(now)

    async def next_change(self) -> int | None:
        """Unix time of the next confirmation to leave a period or streak to end."""
        value = await self._db.fetch_value(
            "SELECT MIN(due) FROM (SELECT MIN(at) + 1 AS due FROM leaderboard_expiry"
            f" WHERE {self._shards.sql()} UNION ALL SELECT MIN(streak_until) + 1 FROM leaderboard"
            f" WHERE streak > 0 AND {self._shards.sql()}) AS next"
        )
        return None if value is None else int(value)
