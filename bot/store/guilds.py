"""Per-server settings written by `/setup`."""

from __future__ import annotations

from datetime import datetime

from bot.models import DEFAULT_CURRENCY, GuildConfig, ServerLanguage
from bot.recaps import DEFAULT_RECAP, UNCHANGED, RecapChange
from bot.schedule import WeeklyTime, next_occurrence
from bot.store.database import Connection, Database, Row, to_timestamp


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

    async def save(
        self,
        config: GuildConfig,
        now: datetime,
        recap: RecapChange = UNCHANGED,
        language: ServerLanguage | None = None,
    ) -> None:
        """The settings, any new recap time and any new language (None: unchanged), together.

        A server's first save schedules its first weekly recap at the default time; a
        new recap time moves the next recap to its next occurrence. Two moderators
        saving at once take turns, so neither's recap parts are lost.
        """
        async with self._db.transaction() as conn:
            await conn.serialize(f"guild settings {config.guild_id}")
            await conn.execute(
                "INSERT INTO guild_settings (guild_id, leaderboard_channel_id, partner_channel_id,"
                " currency, max_stake, next_recap_at) VALUES (?, ?, ?, ?, ?, ?)"
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
                    to_timestamp(next_occurrence(DEFAULT_RECAP, now)),
                ),
            )
            if recap:
                await _move_recap(conn, config.guild_id, recap, now)
            if language is not None:
                await conn.execute(
                    "UPDATE guild_settings SET language = ? WHERE guild_id = ?",
                    (language.locale, config.guild_id),
                )


async def _move_recap(conn: Connection, guild_id: int, change: RecapChange, now: datetime) -> None:
    row = await conn.fetch_one(
        "SELECT recap_weekday, recap_minute, recap_zone FROM guild_settings WHERE guild_id = ?",
        (guild_id,),
    )
    assert row is not None, "saved just before, in this transaction"
    weekly = change.applied_to(recap_time_of(row))
    await conn.execute(
        "UPDATE guild_settings SET recap_weekday = ?, recap_minute = ?, recap_zone = ?,"
        " next_recap_at = ? WHERE guild_id = ?",
        (
            weekly.weekday,
            weekly.minute,
            weekly.zone,
            to_timestamp(next_occurrence(weekly, now)),
            guild_id,
        ),
    )


def recap_time_of(row: Row) -> WeeklyTime:
    """A `guild_settings` row's recap time."""
    return WeeklyTime(row["recap_weekday"], row["recap_minute"], row["recap_zone"])
