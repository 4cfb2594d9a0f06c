"""The send budget every process of the bot shares: the starts of its latest requests.

The window `bot.pacing` needs (the last N starts, as unix seconds) is one row on
PostgreSQL, where several processes may serve one database: a request takes its start
in one short transaction that first serializes on the budget (an advisory lock), so
two processes never take the same second's last place. On SQLite one process serves
the database, so the window is this process's own and costs no write.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.pacing import kept, next_start
from bot.store.database import Database

BUDGET = "discord"
# Starts are kept to the microsecond: a window's second is measured as exactly as asked.
_PRECISION = 6


def _parsed(text: str) -> list[float]:
    return [float(start) for start in text.split(",") if start]


def _written(starts: list[float]) -> str:
    return ",".join(f"{start:.{_PRECISION}f}" for start in starts)


class BudgetStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._own: list[float] = []  # the window, where this process is the only one

    async def take(self, now: datetime, per_second: int) -> datetime:
        """The moment a request asked for at `now` may begin, and that place taken."""
        if not self._db.shared:
            start = next_start(self._own, now.timestamp(), per_second)
            self._own = kept(self._own, start, per_second)
            return datetime.fromtimestamp(start, UTC)
        async with self._db.transaction() as conn:
            await conn.serialize("tandem send budget")
            text = await conn.fetch_value(
                "SELECT starts FROM send_budget WHERE name = ?", (BUDGET,)
            )
            recent = _parsed(text or "")
            start = next_start(recent, now.timestamp(), per_second)
            await conn.execute(
                "INSERT INTO send_budget (name, starts) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET starts = excluded.starts",
                (BUDGET, _written(kept(recent, start, per_second))),
            )
        return datetime.fromtimestamp(start, UTC)
