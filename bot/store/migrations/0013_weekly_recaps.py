"""Weekly recaps: each server's recap time, when its next one is due, and the recaps queued.

Python because the first due time of every existing server is computed as of the moment
the migration runs. The statements are ones both engines accept but for the recaps' id
column; PostgreSQL's migration of the same number calls `add_recaps` with its own.
"""

from __future__ import annotations

from datetime import datetime

from bot.schedule import WeeklyTime, next_occurrence
from bot.store.database import Connection, to_timestamp

# The default recap time as this migration knows it: Sunday 18:00 UTC.
FIRST_RECAP = WeeklyTime(weekday=6, minute=1080, zone="UTC")
STATEMENTS = (
    "ALTER TABLE guild_settings ADD COLUMN recap_weekday INTEGER NOT NULL DEFAULT 6"
    " CHECK (recap_weekday BETWEEN 0 AND 6)",
    "ALTER TABLE guild_settings ADD COLUMN recap_minute INTEGER NOT NULL DEFAULT 1080"
    " CHECK (recap_minute BETWEEN 0 AND 1439)",
    "ALTER TABLE guild_settings ADD COLUMN recap_zone TEXT NOT NULL DEFAULT 'UTC'",
    "ALTER TABLE guild_settings ADD COLUMN next_recap_at BIGINT",
    "CREATE INDEX guild_settings_next_recap ON guild_settings (next_recap_at)",
    # One recap per server and occasion, whichever process gets there first; the week it
    # covers and the zone its dates are shown in are fixed when it is queued.
    "CREATE TABLE recaps (id {identity}, guild_id BIGINT NOT NULL, occasion_at BIGINT NOT NULL,"
    " starts_at BIGINT NOT NULL, zone TEXT NOT NULL, created_at BIGINT NOT NULL,"
    " UNIQUE (guild_id, occasion_at), CHECK (starts_at < occasion_at))",
)


async def migrate(conn: Connection, now: datetime) -> None:
    await add_recaps(conn, now, identity="INTEGER PRIMARY KEY")


async def add_recaps(conn: Connection, now: datetime, *, identity: str) -> None:
    for statement in STATEMENTS:
        await conn.execute(statement.format(identity=identity))
    await conn.execute(
        "UPDATE guild_settings SET next_recap_at = ?",
        (to_timestamp(next_occurrence(FIRST_RECAP, now)),),
    )
