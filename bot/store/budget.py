"""The send budget every process of the bot shares: the starts of its latest requests.

The window `bot.pacing` needs (the last N starts, as unix seconds) is one row on
PostgreSQL, where several processes may serve one database. A request takes its start
by compare-and-swap: it reads the window, then the clock, and writes the window back
only if nobody changed it meanwhile, else reads again. So two processes never take the
same second's last place, a start is never computed from a window another process has
moved on from, and a take costs two statements, with no transaction around them (every
request to Discord takes one). The row is in an unlogged table (migration 0024): a
window lost in a crash is an empty one, which paces no worse. On SQLite one process
serves the database, so the window is this process's own and costs no statement.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from bot.pacing import kept, next_start
from bot.store.database import Database

BUDGET = "discord"
# Starts are kept to the microsecond: a window's second is measured as exactly as asked.
_PRECISION = 6
# The window written back only where it still holds what was read (a first take finds
# no row: '' stands for it, and a row another process inserted meanwhile is not '').
_SWAP = (
    "INSERT INTO send_budget (name, starts) VALUES (?, ?) ON CONFLICT (name)"
    " DO UPDATE SET starts = excluded.starts WHERE send_budget.starts = ?"
)


def _parsed(text: str) -> list[float]:
    return [float(start) for start in text.split(",") if start]


def _written(starts: list[float]) -> str:
    return ",".join(f"{start:.{_PRECISION}f}" for start in starts)


class BudgetStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._own: list[float] = []  # the window, where this process is the only one
        # This process's takes wait their turn here, so only another process's take can
        # make a swap fail: the outbox's workers would otherwise race each other.
        self._turn = asyncio.Lock()

    async def take(
        self, clock: Callable[[], datetime], per_second: int, deadline: datetime | None = None
    ) -> datetime | None:
        """The moment the next request may begin, that place taken; None, and nothing taken,
        when it would begin after `deadline`.

        The clock is read after the window it extends, and a window another process
        changed meanwhile is read again: a start is never recorded in the past of the
        request it paces.
        """
        if not self._db.shared:
            return self._take_own(clock(), per_second, deadline)
        async with self._turn:
            while True:
                seen = await self._db.fetch_value(
                    "SELECT starts FROM send_budget WHERE name = ?", (BUDGET,)
                )
                recent = _parsed(seen or "")
                start = next_start(recent, clock().timestamp(), per_second)
                if _too_late(start, deadline):
                    return None
                window = _written(kept(recent, start, per_second))
                if await self._db.write(_SWAP, (BUDGET, window, seen or "")):
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
