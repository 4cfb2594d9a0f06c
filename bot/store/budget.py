"""The send budget every process of the bot shares: the starts of its latest requests.

The window `bot.pacing` needs (the last N starts, as unix seconds) is one row on
PostgreSQL, where several processes may serve one database: a request takes its start
in one short transaction that first serializes on the budget (an advisory lock), so
two processes never take the same second's last place. On SQLite one process serves
the database, so the window is this process's own and costs no write.
"""

from __future__ import annotations

from collections.abc import Callable
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

    async def take(
        self, clock: Callable[[], datetime], per_second: int, deadline: datetime | None = None
    ) -> datetime | None:
        """The moment the next request may begin, that place taken; None, and nothing taken,
        when it would begin after `deadline`.

        The clock is read once the budget is this caller's (after any wait for another
        process), so a start is never recorded in the past of the request it paces.
        """
        if not self._db.shared:
            return self._take_own(clock(), per_second, deadline)
        async with self._db.transaction() as conn:
            await conn.serialize("tandem send budget")
            text = await conn.fetch_value(
                "SELECT starts FROM send_budget WHERE name = ?", (BUDGET,)
            )
            recent = _parsed(text or "")
            start = next_start(recent, clock().timestamp(), per_second)
            if _too_late(start, deadline):
                return None
            await conn.execute(
                "INSERT INTO send_budget (name, starts) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET starts = excluded.starts",
                (BUDGET, _written(kept(recent, start, per_second))),
            )
        return datetime.fromtimestamp(start, UTC)

    def _take_own(
        self, now: datetime, per_second: int, deadline: datetime | None
    ) -> datetime | None:
        start = next_start(self._own, now.timestamp(), per_second)
        if _too_late(start, deadline):
            return None
        self._own = kept(self._own, start, per_second)
        return datetime.fromtimestamp(start, UTC)


def _too_late(start: float, deadline: datetime | None) -> bool:
    return deadline is not None and start > deadline.timestamp()
