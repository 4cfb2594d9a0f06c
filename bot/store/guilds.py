"""Per-server settings written by `/setup`."""

from __future__ import annotations

from bot.models import DEFAULT_CURRENCY, GuildConfig
from bot.store.database import Database


class GuildStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, guild_id: int) -> GuildConfig | None:
        row = await self._db.fetch_one(
            "SELECT guild_id, leaderboard_channel_id, partner_channel_id, currency, max_stake"
            " FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return None
        return GuildConfig(
            guild_id=row["guild_id"],
            leaderboard_channel_id=row["leaderboard_channel_id"],
            partner_channel_id=row["partner_channel_id"],
            currency=row["currency"],
            max_stake=row["max_stake"],
        )

    async def currency(self, guild_id: int) -> str:
        """The label of pledges in this server, `points` until a moderator names another."""
        config = await self.get(guild_id)
        return config.currency if config else DEFAULT_CURRENCY

    async def save(self, config: GuildConfig) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO guild_settings"
                " (guild_id, leaderboard_channel_id, partner_channel_id, currency, max_stake)"
                " VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (guild_id) DO UPDATE SET"
                " leaderboard_channel_id = excluded.leaderboard_channel_id,"
                " partner_channel_id = excluded.partner_channel_id,"
                " currency = excluded.currency, max_stake = excluded.max_stake",
                (
                    config.guild_id,
                    config.leaderboard_channel_id,
                    config.partner_channel_id,
                    config.currency,
                    config.max_stake,
                ),
            )
