"""Who confirmed how many milestones, for celebrations and rankings."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from bot.store.database import Database, from_timestamp, to_timestamp


class LeaderboardStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def confirmed_counts(self, guild_id: int, since: datetime | None) -> dict[int, int]:
        rows = await self._db.fetch_all(
            "SELECT owner_id, COUNT(*) FROM milestones WHERE guild_id = ? AND status = 'confirmed'"
            " AND confirmed_at >= ? GROUP BY owner_id",
            (guild_id, 0 if since is None else to_timestamp(since)),
        )
        return {row[0]: row[1] for row in rows}

    async def checkin_weeks(self, guild_id: int, user_ids: list[int]) -> dict[int, list[datetime]]:
        weeks: dict[int, list[datetime]] = defaultdict(list)
        if not user_ids:
            return weeks
        rows = await self._db.fetch_all(
            f"SELECT user_id, week_at FROM checkins WHERE guild_id = ?"
            f" AND user_id IN ({','.join('?' * len(user_ids))})",
            (guild_id, *user_ids),
        )
        for user_id, week_at in rows:
            weeks[user_id].append(from_timestamp(week_at))
        return weeks
