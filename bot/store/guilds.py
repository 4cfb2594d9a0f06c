"""Per-server settings written by `/setup`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.models import (
    DEFAULT_CURRENCY,
    GuildConfig,
    ServerLanguage,
    VoiceFault,
    VoiceSettings,
)
from bot.recaps import DEFAULT_RECAP, UNCHANGED, RecapChange
from bot.schedule import WeeklyTime, next_occurrence
from bot.store.database import Connection, Database, Row, to_timestamp


@dataclass(frozen=True)
class VoiceChange:
    """What one `/setup` changes about voice rooms: a new category (which turns them on),
    turning them off, a new cap; None for what stays as it was."""

    category_id: int | None = None
    cap: int | None = None
    turn_off: bool = False


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
        voice: VoiceChange | None = None,
    ) -> None:
        """The settings, any new recap time, language and voice rooms (None: unchanged),
        together.

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
            if voice is not None:
                await _change_voice(conn, config.guild_id, voice)

    async def voice(self, guild_id: int) -> VoiceSettings:
        """The server's voice rooms: off (the defaults) until a moderator names a category."""
        row = await self._db.fetch_one(
            "SELECT voice_category_id, voice_rooms, voice_fault FROM guild_settings"
            " WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return VoiceSettings()
        fault = row["voice_fault"]
        return VoiceSettings(
            category_id=row["voice_category_id"],
            cap=row["voice_rooms"],
            fault=VoiceFault(fault) if fault is not None else None,
        )


async def note_voice_fault(conn: Connection, guild_id: int, fault: VoiceFault | None) -> None:
    """The last reason Discord gave for not opening (or closing) a voice room, for
    `/setup`'s status, in the caller's transaction; None once a room opens again."""
    await conn.execute(
        "UPDATE guild_settings SET voice_fault = ? WHERE guild_id = ?", (fault, guild_id)
    )


async def _change_voice(conn: Connection, guild_id: int, change: VoiceChange) -> None:
    """Turning voice rooms off forgets the category and its fault; a new category starts
    without the old one's fault."""
    if change.turn_off or change.category_id is not None:
        await conn.execute(
            "UPDATE guild_settings SET voice_category_id = ?, voice_fault = NULL"
            " WHERE guild_id = ?",
            (None if change.turn_off else change.category_id, guild_id),
        )
    if change.cap is not None:
        await conn.execute(
            "UPDATE guild_settings SET voice_rooms = ? WHERE guild_id = ?",
            (change.cap, guild_id),
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
