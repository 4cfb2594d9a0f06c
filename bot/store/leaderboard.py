"""Who confirmed how many milestones, for celebrations and rankings."""

from __future__ import annotations

from datetime import datetime

from bot.models import FORMER_MEMBER
from bot.store.database import Database, to_timestamp


class LeaderboardStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def confirmed_counts(self, guild_id: int, since: datetime | None) -> dict[int, int]:
        """Confirmed milestones per member, leaving out members who hide from the leaderboard."""
        rows = await self._db.fetch_all(
            "SELECT m.owner_id, COUNT(*) AS confirmed FROM milestones m"
            " WHERE m.guild_id = ? AND m.status = 'confirmed' AND m.confirmed_at >= ?"
            " AND m.owner_id != ? AND NOT EXISTS (SELECT 1 FROM profiles p"
            "  WHERE p.guild_id = m.guild_id AND p.user_id = m.owner_id AND p.leaderboard_hidden = 1)"
            " GROUP BY m.owner_id",
            (guild_id, 0 if since is None else to_timestamp(since), FORMER_MEMBER),
        )
        return {row["owner_id"]: row["confirmed"] for row in rows}
