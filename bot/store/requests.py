"""Requests a partner answers (a new time, a milestone done or moved, a settlement).

They share their states (`RequestStatus`) and their end: a request replaced by a newer
one, or one that can no longer be honoured, is withdrawn, and its message in the thread
is redrawn without buttons in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.models import NoticeKind
from bot.store.outbox import redraw

# Each kind of request: its pending rows as `r` (with their pair) and the table to update.
_PENDING: dict[NoticeKind, tuple[str, str]] = {
    NoticeKind.SCHEDULE_PROPOSAL: (
        "SELECT r.id, r.partnership_id FROM schedule_proposals r WHERE r.status = 'pending'",
        "schedule_proposals",
    ),
    NoticeKind.SETTLE_PROPOSAL: (
        "SELECT r.id, r.partnership_id FROM settle_proposals r WHERE r.status = 'pending'",
        "settle_proposals",
    ),
    NoticeKind.MILESTONE_REQUEST: (
        "SELECT r.id, m.partnership_id FROM milestone_requests r"
        " JOIN milestones m ON m.id = r.milestone_id WHERE r.status = 'pending'",
        "milestone_requests",
    ),
}


async def withdraw(
    conn: aiosqlite.Connection,
    kind: NoticeKind,
    where: str,
    params: dict[str, Any],
    now: datetime,
) -> tuple[int, ...]:
    """Withdraw the pending requests of `kind` matching `where`; returns the rows to redraw."""
    pending, table = _PENDING[kind]
    rows = await conn.execute_fetchall(f"{pending} AND ({where})", params)
    redrawn: list[int] = []
    for row in rows:
        await conn.execute(f"UPDATE {table} SET status = 'void' WHERE id = ?", (row["id"],))
        redrawn += await redraw(conn, kind, row["partnership_id"], [row["id"]], now)
    return tuple(redrawn)
