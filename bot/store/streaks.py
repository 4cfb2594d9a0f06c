"""A member's check-in streak as stored: their check-in weeks and their planned pauses."""

from __future__ import annotations

from datetime import datetime

from bot.cadence import period
from bot.checkins import streak, streak_ends
from bot.models import Cadence
from bot.pauses import Span
from bot.store.database import Connection, Reads, Row, from_timestamp, to_timestamp

# A new leaderboard row starts hidden when the member hid themselves (as 1 or 0).
HIDDEN = (
    "CASE WHEN EXISTS (SELECT 1 FROM profiles WHERE guild_id = :guild AND user_id = :user"
    " AND leaderboard_hidden = 1) THEN 1 ELSE 0 END"
)


async def member_weeks(reads: Reads, guild_id: int, user_id: int) -> list[datetime]:
    """A member's check-in weeks in the server, newest first."""
    rows = await reads.fetch_all(
        "SELECT week_at FROM checkins WHERE guild_id = ? AND user_id = ? ORDER BY week_at DESC",
        (guild_id, user_id),
    )
    return [from_timestamp(row["week_at"]) for row in rows]


async def member_periods(
    reads: Reads, guild_id: int, user_id: int
) -> tuple[list[datetime], dict[datetime, Cadence]]:
    """A member's check-in weeks in the server, newest first, with the cadence of each.

    Two check-ins for one week (two courses) count as the longer cadence's period.
    """
    rows = await reads.fetch_all(
        "SELECT week_at, cadence FROM checkins WHERE guild_id = ? AND user_id = ?"
        " ORDER BY week_at DESC",
        (guild_id, user_id),
    )
    weeks: list[datetime] = []
    cadences: dict[datetime, Cadence] = {}
    for row in rows:
        week, cadence = from_timestamp(row["week_at"]), Cadence(row["cadence"])
        if week not in cadences:
            weeks.append(week)
        elif period(cadences[week]) >= period(cadence):
            continue
        cadences[week] = cadence
    return weeks, cadences


async def member_spans(reads: Reads, guild_id: int, user_id: int) -> list[Span]:
    """A member's breaks in every partnership of the server, oldest first."""
    rows = await reads.fetch_all(
        "SELECT starts_at, ends_at FROM pauses WHERE guild_id = ? AND user_id = ?"
        " ORDER BY starts_at",
        (guild_id, user_id),
    )
    return [span_of(row) for row in rows]


async def pair_spans(reads: Reads, partnership_id: int, user_id: int) -> list[Span]:
    """A member's breaks in one partnership, oldest first."""
    rows = await reads.fetch_all(
        "SELECT starts_at, ends_at FROM pauses WHERE partnership_id = ? AND user_id = ?"
        " ORDER BY starts_at",
        (partnership_id, user_id),
    )
    return [span_of(row) for row in rows]


def span_of(row: Row) -> Span:
    """A `pauses` row as the span its clocks skip."""
    return Span(from_timestamp(row["starts_at"]), from_timestamp(row["ends_at"]))


async def current_streak(reads: Reads, guild_id: int, user_id: int, now: datetime) -> int:
    weeks, cadences = await member_periods(reads, guild_id, user_id)
    return streak(weeks, now, await member_spans(reads, guild_id, user_id), cadences)


async def record_streak(conn: Connection, guild_id: int, user_id: int, now: datetime) -> None:
    """After a check-in or a pause: the streak as of now, and when it ends without another."""
    weeks, cadences = await member_periods(conn, guild_id, user_id)
    if not weeks:
        return
    pauses = await member_spans(conn, guild_id, user_id)
    await conn.execute(
        "INSERT INTO leaderboard (guild_id, user_id, streak, streak_until, hidden)"
        f" VALUES (:guild, :user, :streak, :until, {HIDDEN})"
        " ON CONFLICT (guild_id, user_id) DO UPDATE SET streak = excluded.streak,"
        " streak_until = excluded.streak_until",
        {
            "guild": guild_id,
            "user": user_id,
            "streak": streak(weeks, now, pauses, cadences),
            "until": to_timestamp(streak_ends(weeks[0], pauses, cadences, weeks)),
        },
    )
