"""Who confirmed how many milestones, for celebrations and rankings."""

from __future__ import annotations

from datetime import datetime

from bot.store.database import Database, to_timestamp


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
