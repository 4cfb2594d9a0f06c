"""Fill migration 0005's aggregates from the history already stored.

Python, because it needs the domain's rules (streaks, the UTC minute of a weekly time)
and the moment the migration runs (which confirmations still count for the week). Every
statement reads the history in a few set-based passes, so a server with 100,000 pairs
migrates in seconds.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import groupby

from bot.checkins import IN_PROGRESS, streak
from bot.models import MilestoneStatus, Period
from bot.schedule import WeeklyTime, utc_minute_of_week
from bot.store.database import Connection, from_timestamp, to_timestamp
from bot.store.leaderboard import PERIOD_LENGTH
from bot.store.ledger import add_to_totals


async def migrate(conn: Connection, now: datetime) -> None:
    await add_to_totals(conn, since_id=0)
    await _counts(conn, now)
    await _streaks(conn, now)
    await _hidden(conn)
    await _queue_minutes(conn, now)


async def _counts(conn: Connection, now: datetime) -> None:
    params = {
        "confirmed": MilestoneStatus.CONFIRMED,
        "week": to_timestamp(now - PERIOD_LENGTH[Period.WEEK]),
        "month": to_timestamp(now - PERIOD_LENGTH[Period.MONTH]),
    }
    await conn.execute(
        "INSERT INTO leaderboard (guild_id, user_id, all_time, week, month)"
        " SELECT guild_id, owner_id, COUNT(*), COUNT(*) FILTER (WHERE confirmed_at >= :week),"
        " COUNT(*) FILTER (WHERE confirmed_at >= :month) FROM milestones"
        " WHERE status = :confirmed AND owner_id > 0 GROUP BY guild_id, owner_id",
        params,
    )
    for period, length in PERIOD_LENGTH.items():
        await conn.execute(
            "INSERT INTO leaderboard_expiry (milestone_id, period, guild_id, user_id, at)"
            " SELECT id, :period, guild_id, owner_id, confirmed_at + :length FROM milestones"
            " WHERE status = :confirmed AND owner_id > 0 AND confirmed_at >= :since",
            {
                "confirmed": MilestoneStatus.CONFIRMED,
                "period": period,
                "length": int(length.total_seconds()),
                "since": to_timestamp(now - length),
            },
        )


async def _streaks(conn: Connection, now: datetime) -> None:
    """Only members who checked in within the week in progress can have a streak."""
    recent = to_timestamp(now - IN_PROGRESS - timedelta(days=1))
    rows = await conn.fetch_all(
        "SELECT guild_id, user_id, week_at FROM checkins WHERE (guild_id, user_id) IN"
        " (SELECT guild_id, user_id FROM checkins WHERE week_at >= ?)"
        " ORDER BY guild_id, user_id, week_at DESC",
        (recent,),
    )
    streaks = []
    for (guild_id, user_id), group in groupby(
        rows, key=lambda row: (row["guild_id"], row["user_id"])
    ):
        weeks = [from_timestamp(row["week_at"]) for row in group]
        until = to_timestamp(weeks[0] + IN_PROGRESS)
        streaks.append((guild_id, user_id, streak(weeks, now), until))
    await conn.executemany(
        "INSERT INTO leaderboard (guild_id, user_id, streak, streak_until) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (guild_id, user_id) DO UPDATE SET streak = excluded.streak,"
        " streak_until = excluded.streak_until",
        streaks,
    )


async def _hidden(conn: Connection) -> None:
    await conn.execute(
        "UPDATE leaderboard SET hidden = 1 WHERE EXISTS (SELECT 1 FROM profiles p"
        " WHERE p.guild_id = leaderboard.guild_id AND p.user_id = leaderboard.user_id"
        " AND p.leaderboard_hidden = 1)"
    )


async def _queue_minutes(conn: Connection, now: datetime) -> None:
    rows = await conn.fetch_all(
        "SELECT guild_id, course_key, user_id, timezone, weekday, minute FROM queue_entries"
    )
    await conn.executemany(
        "UPDATE queue_entries SET utc_minute = ? WHERE guild_id = ? AND course_key = ?"
        " AND user_id = ?",
        [
            (
                utc_minute_of_week(
                    WeeklyTime(weekday=row["weekday"], minute=row["minute"], zone=row["timezone"]),
                    now,
                ),
                row["guild_id"],
                row["course_key"],
                row["user_id"],
            )
            for row in rows
        ],
    )
