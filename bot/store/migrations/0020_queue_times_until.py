"""`/partner find` ranks candidates in SQL: each waiting member's UTC minute of the week
is kept exact, with the instant until which it holds.

Python because the minute and its end come from the zone's daylight-saving rules as of
the moment the migration runs (`bot.schedule.utc_minute_until`).

- `queue_entries.utc_until`: until when `utc_minute` (where the member's weekly time
  falls in the UTC week) holds; a daylight-saving change in the member's zone moves it.
  `QueueStore.best_candidate` recomputes the passed ones of the course it searches
  (`queue_by_time_end` finds them), so the search needs no allowance for such shifts.
- `queue_by_time` also holds the pace, the search's other range.
"""

from __future__ import annotations

from datetime import datetime

from bot.store.database import Connection, to_timestamp
from bot.store.queue import STALE_TIMES, refresh_times

SCHEMA = """
ALTER TABLE queue_entries ADD COLUMN utc_until INTEGER NOT NULL DEFAULT 0;
DROP INDEX queue_by_time;
CREATE INDEX queue_by_time ON queue_entries (guild_id, course_key, utc_minute, pace);
CREATE INDEX queue_by_time_end ON queue_entries (guild_id, course_key, utc_until);
"""


async def migrate(conn: Connection, now: datetime) -> None:
    await conn.execute_script(SCHEMA)
    await derive(conn, now)


async def derive(conn: Connection, now: datetime) -> None:
    """Every waiting member's UTC minute and its end, as of `now` (for rows inserted
    without them, as the benchmarks' bulk inserts do)."""
    await conn.execute("UPDATE queue_entries SET utc_until = 0")
    await refresh_times(conn, await conn.fetch_all(STALE_TIMES, {"now": to_timestamp(now)}), now)
