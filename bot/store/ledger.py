"""The shared pool: reading entries and sums, and settling with the partner's consent.

Only INSERT touches `ledger_entries`; a balance is always computed as a SUM.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.errors import UserError
from bot.ledger import settle_key, settlement_amount
from bot.log import get
from bot.models import (
    EntryKind,
    LedgerEntry,
    PartnerRequest,
    Partnership,
    PoolSummary,
    RequestKind,
    RequestStatus,
    SettleProposal,
    Stored,
)
from bot.store.database import PAIR_MEMBERS, Database, from_timestamp, pair_members, to_timestamp
from bot.store.requests import ask

log = get("ledger")


class LedgerStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def balance(self, partnership_id: int) -> int:
        """A plain read: looking at a pool must not wake the scheduler."""
        value = await self._db.fetch_value(_BALANCE, (partnership_id,))
        return int(value)

    async def recent(self, partnership_id: int, limit: int = 10) -> list[LedgerEntry]:
        rows = await self._db.fetch_all(
            "SELECT e.member_id, m.title, e.kind, e.amount, e.note, e.created_at FROM ledger_entries e"
            " LEFT JOIN milestones m ON m.id = e.milestone_id WHERE e.partnership_id = ?"
            " ORDER BY e.id DESC LIMIT ?",
            (partnership_id, limit),
        )
        return [
            LedgerEntry(
                member_id=row["member_id"],
                milestone_title=row["title"],
                kind=EntryKind(row["kind"]),
                amount=row["amount"],
                note=row["note"],
                created_at=from_timestamp(row["created_at"]),
            )
            for row in rows
        ]

    async def propose_settlement(
        self, partnership: Partnership, proposer: int, note: str, now: datetime
    ) -> Stored[tuple[int, int]]:
        """Ask the partner to settle the pool (see `bot.store.requests.ask`).

        Returns the proposal's id and the balance it settles: the partner confirms that
        sum, and no other.
        """
        async with self._db.transaction() as conn:
            balance = await _balance(conn, partnership.id)
            settlement_amount(balance)
            asked = await ask(
                conn,
                RequestKind.SETTLE,
                guild_id=partnership.guild_id,
                partnership_id=partnership.id,
                competing="r.partnership_id = :pair",
                same="r.proposer_id = :asker AND r.note = :note AND r.amount = :amount",
                insert="INSERT INTO settle_proposals (partnership_id, proposer_id, note, amount,"
                " created_at) VALUES (:pair, :asker, :note, :amount, :now)",
                params={"pair": partnership.id, "asker": proposer, "note": note, "amount": balance},
                now=now,
            )
        return Stored((asked.value, balance), asked.notices, asked.repeated)

    async def settlement_proposal(self, proposal_id: int) -> SettleProposal | None:
        row = await self._db.fetch_one(
            "SELECT id, partnership_id, proposer_id, note, amount, status FROM settle_proposals"
            " WHERE id = ?",
            (proposal_id,),
        )
        if row is None:
            return None
        return SettleProposal(
            id=row["id"],
            partnership_id=row["partnership_id"],
            proposer_id=row["proposer_id"],
            note=row["note"],
            amount=row["amount"],
            status=RequestStatus(row["status"]),
        )

    async def overview(self, guild_id: int) -> list[PoolSummary]:
        rows = await self._db.fetch_all(
            "SELECT p.id, c.name AS course, p.ended_at IS NULL AS active, SUM(e.amount) AS total,"
            f" {PAIR_MEMBERS} AS members"
            " FROM ledger_entries e JOIN partnerships p ON p.id = e.partnership_id"
            " JOIN courses c ON c.guild_id = p.guild_id AND c.course_key = p.course_key"
            " WHERE e.guild_id = ? GROUP BY p.id ORDER BY SUM(e.amount) DESC, p.id",
            (guild_id,),
        )
        return [
            PoolSummary(
                partnership_id=row["id"],
                course=row["course"],
                members=pair_members(row["members"]),
                balance=int(row["total"]),
                active=bool(row["active"]),
            )
            for row in rows
        ]


async def settle_pool(
    conn: aiosqlite.Connection, request: PartnerRequest, accept: bool, now: datetime
) -> tuple[int, ...]:
    """The answer's change: append the entry that brings the pool to exactly zero.

    Only the sum the partner was shown can be settled: if the pool changed since the
    proposal, everything rolls back and the proposer is asked to propose again.
    """
    if not accept:
        return ()
    rows = await conn.execute_fetchall(
        "SELECT s.note, s.amount, p.guild_id FROM settle_proposals s"
        " JOIN partnerships p ON p.id = s.partnership_id WHERE s.id = ?",
        (request.id,),
    )
    proposal = next(iter(rows))
    balance = await _balance(conn, request.partnership_id)
    if balance != proposal["amount"]:
        raise UserError("The pool changed since this was proposed. Please propose again.")
    await conn.execute(
        "INSERT INTO ledger_entries (partnership_id, guild_id, member_id, kind, amount,"
        " idempotency_key, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            request.partnership_id,
            proposal["guild_id"],
            request.asker_id,
            EntryKind.SETTLE,
            settlement_amount(balance),
            settle_key(request.id),
            proposal["note"],
            to_timestamp(now),
        ),
    )
    log.info("pool %s settled: %d by proposal %s", request.partnership_id, balance, request.id)
    return ()


# A pool's balance is never stored: it is the sum of its entries.
_BALANCE = "SELECT COALESCE(SUM(amount), 0) AS balance FROM ledger_entries WHERE partnership_id = ?"


async def _balance(conn: Any, partnership_id: int) -> int:
    rows = await conn.execute_fetchall(_BALANCE, (partnership_id,))
    return int(next(iter(rows))["balance"])
