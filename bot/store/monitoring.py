"""What an operator's monitoring reads: whether the database answers, and a few counts.

Read at scrape time (`bot.metrics`), so each count reads kept counts or an index range,
never a table: the same few rows with ten pairs and with 100,000. Each counts only this
process's servers (`shards`): summed over the processes that share a PostgreSQL
database, they give the whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.shards import Shards
from bot.store.database import Database, to_timestamp


@dataclass(frozen=True)
class Counts:
    # Pairs that have not ended.
    active_partnerships: int
    # Queue entries: a member waiting in two courses counts twice.
    members_waiting: int
    # Unsent messages whose time has come.
    outbox_backlog: int


class MonitoringStore:
    def __init__(self, db: Database, shards: Shards) -> None:
        self._db = db
        self._shards = shards

    async def answers(self) -> None:
        """Return once the database ran a statement; raise whatever it raised instead."""
        await self._db.fetch_value("SELECT 1")

    async def counts(self, now: datetime) -> Counts:
        shards = self._shards.sql()
        # One row per server, kept by migration 0019's triggers with every change.
        kept = await self._db.fetch_one(
            "SELECT COALESCE(SUM(active_pairs), 0) AS active, COALESCE(SUM(waiting), 0) AS waiting"
            f" FROM health_counts WHERE {shards}"
        )
        # The condition of the `outbox_due` index, word for word, so both engines use it:
        # a walk of the messages due, not of every message ever sent.
        backlog = await self._db.fetch_value(
            "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'attempted')"
            f" AND due_at <= ? AND {shards}",
            (to_timestamp(now),),
        )
        assert kept is not None  # an aggregate always returns its one row
        return Counts(int(kept["active"]), int(kept["waiting"]), int(backlog))
