"""Requests a partner answers: one model, one way to ask, one way to answer.

A new weekly time or cadence, a milestone done or moved, a settlement of the pool: each is asked
by one partner and answered by the other. They share their states (`RequestStatus`),
their rules (asking again while a request waits is the same request; a new request
replaces the older ones it competes with, newest wins; an answer counts once) and their
message in the thread, queued with the request and redrawn with its outcome. What
differs, the change an accepted request makes, each kind's store gives as an `Effect`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.errors import UserError
from bot.i18n import N_, _
from bot.models import NoticeKind, PartnerRequest, RequestKind, RequestStatus, Stored
from bot.store.database import Connection, Database, to_timestamp
from bot.store.outbox import queue, redraw

# Runs inside the answer's transaction after the request is claimed: checks that the
# answer can stand (raising UserError rolls everything back), makes the change an
# accepted request asks for, and returns the outbox rows it queued.
Effect = Callable[[Connection, PartnerRequest, bool, datetime], Awaitable[tuple[int, ...]]]


@dataclass(frozen=True)
class _Kind:
    table: str
    notice: NoticeKind
    # Every request of the kind as `r`, with its pair and who asked.
    select: str


_KINDS: dict[RequestKind, _Kind] = {
    RequestKind.SCHEDULE: _Kind(
        "schedule_proposals",
        NoticeKind.SCHEDULE_PROPOSAL,
        "SELECT r.id, r.partnership_id, r.proposer_id AS asker_id, r.status"
        " FROM schedule_proposals r",
    ),
    RequestKind.CADENCE: _Kind(
        "cadence_proposals",
        NoticeKind.CADENCE_PROPOSAL,
        "SELECT r.id, r.partnership_id, r.proposer_id AS asker_id, r.status"
        " FROM cadence_proposals r",
    ),
    RequestKind.MILESTONE: _Kind(
        "milestone_requests",
        NoticeKind.MILESTONE_REQUEST,
        "SELECT r.id, m.partnership_id, m.owner_id AS asker_id, r.status"
        " FROM milestone_requests r JOIN milestones m ON m.id = r.milestone_id",
    ),
    RequestKind.SETTLE: _Kind(
        "settle_proposals",
        NoticeKind.SETTLE_PROPOSAL,
        "SELECT r.id, r.partnership_id, r.proposer_id AS asker_id, r.status"
        " FROM settle_proposals r",
    ),
}
ANSWERED = N_("This request has already been answered or replaced by a newer one.")


def _request(kind: RequestKind, row: Any) -> PartnerRequest:
    return PartnerRequest(
        kind=kind,
        id=row["id"],
        partnership_id=row["partnership_id"],
        asker_id=row["asker_id"],
        status=RequestStatus(row["status"]),
    )


async def ask(
    conn: Connection,
    kind: RequestKind,
    *,
    guild_id: int,
    partnership_id: int,
    competing: str,
    same: str,
    insert: str,
    params: dict[str, Any],
    now: datetime,
) -> Stored[int]:
    """Store a request and queue its message, inside the caller's transaction.

    `competing` selects the pending requests a new one replaces (e.g. the same
    milestone's), `same` those that are this very request asked again (a retried
    command), and `insert` stores the new one; all three read `params`.
    """
    spec = _KINDS[kind]
    pending = f"{spec.select} WHERE r.status = 'pending' AND ({competing})"
    repeated = await conn.fetch_all(f"{pending} AND ({same})", params)
    if repeated:
        return Stored(int(next(iter(repeated))["id"]), repeated=True)
    replaced = await withdraw(conn, kind, competing, params, now)
    request_id = int(
        await conn.fetch_value(f"{insert} RETURNING id", {**params, "now": to_timestamp(now)})
    )
    notice = await queue(
        conn, guild_id, spec.notice, now, partnership_id=partnership_id, episode=request_id
    )
    return Stored(request_id, (*replaced, notice))


async def withdraw(
    conn: Connection,
    kind: RequestKind,
    where: str,
    params: dict[str, Any],
    now: datetime,
) -> tuple[int, ...]:
    """Withdraw the pending requests of `kind` matching `where`; returns the rows to redraw."""
    spec = _KINDS[kind]
    rows = await conn.fetch_all(f"{spec.select} WHERE r.status = 'pending' AND ({where})", params)
    redrawn: list[int] = []
    for row in rows:
        await conn.execute(f"UPDATE {spec.table} SET status = 'void' WHERE id = ?", (row["id"],))
        redrawn += await redraw(conn, spec.notice, row["partnership_id"], [row["id"]], now)
    return tuple(redrawn)


class RequestStore:
    def __init__(self, db: Database, effects: dict[RequestKind, Effect]) -> None:
        self._db = db
        self._effects = effects

    async def get(self, kind: RequestKind, request_id: int) -> PartnerRequest | None:
        row = await self._db.fetch_one(f"{_KINDS[kind].select} WHERE r.id = ?", (request_id,))
        return None if row is None else _request(kind, row)

    async def answer(self, request: PartnerRequest, accept: bool, now: datetime) -> Stored[None]:
        """Claim the request once, make its change, and redraw its message with the outcome."""
        spec = _KINDS[request.kind]
        status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
        async with self._db.transaction() as conn:
            claimed = await conn.execute(
                f"UPDATE {spec.table} SET status = ? WHERE id = ? AND status = 'pending'",
                (status, request.id),
            )
            if claimed != 1:
                raise UserError(_(ANSWERED))
            notices = await self._effects[request.kind](conn, request, accept, now)
            notices += await redraw(conn, spec.notice, request.partnership_id, [request.id], now)
        return Stored(None, notices)
