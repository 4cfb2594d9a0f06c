"""Exact UTC minutes of the waiting members' times, as on SQLite
(`bot/store/migrations/0020_queue_times_until.py`): the same column and indexes, and the
same derivation."""

from __future__ import annotations

from datetime import datetime
from importlib import import_module

from bot.store.database import Connection

_SHARED = import_module("bot.store.migrations.0020_queue_times_until")

SCHEMA = """
ALTER TABLE queue_entries ADD COLUMN utc_until BIGINT NOT NULL DEFAULT 0;
DROP INDEX queue_by_time;
CREATE INDEX queue_by_time ON queue_entries (guild_id, course_key, utc_minute, pace);
CREATE INDEX queue_by_time_end ON queue_entries (guild_id, course_key, utc_until);
"""


async def migrate(conn: Connection, now: datetime) -> None:
    await conn.execute_script(SCHEMA)
    await _SHARED.derive(conn, now)
