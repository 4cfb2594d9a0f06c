"""The shared pool: reading entries and sums, and settling with the partner's consent.

Only INSERT touches `ledger_entries`; a balance is always computed as a SUM.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.errors import UserError
from bot.ledger import SETTLE, settle_key, settlement_amount
from bot.models import (
    LedgerEntry,
    NoticeKind,
    Partnership,
    PoolSummary,
    RequestStatus,
    SettleProposal,
    Stored,
)
from bot.store.database import PAIR_MEMBERS, Database, from_timestamp, pair_members, to_timestamp
from bot.store.outbox import queue, redraw
from bot.store.requests import withdraw


class LedgerStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def balance(self, partnership_id: int) -> int:
        """A plain read: looking at a pool must not wake the reminder loop."""
        value = await self._db.fetch_value(_BALANCE, (partnership_id,))
        return int(value)

    async def recent(self, partnership_id: int, limit: int = 10) -> list[LedgerEntry]:
        rows = await self._db.fetch_all(
            "SELECT e.member_id, m.title, e.kind, e.amount, e.note, e.created_at FROM ledger_entries e"
            " LEFT JOIN milestones m ON m.id = e.milestone_id WHERE e.partnership_id = ?"
            " ORDER BY e.id DESC LIMIT ?",
            (partnership_id, limit),
        )
        return [LedgerEntry(r[0], r[1], r[2], r[3], r[4], from_timestamp(r[5])) for r in rows]

    async def propose_settlement(
        self, partnership: Partnership, proposer: int, note: str, now: datetime
    ) -> Stored[tuple[int, int]]:
        """A new proposal replacing older ones, with its thread message; a repeat is one.

        Returns the proposal's id and the balance it settles.
        """
        async with self._db.transaction() as conn:
            balance = await _balance(conn, partnership.id)
            settlement_amount(balance)
            rows = await conn.execute_fetchall(
                "SELECT id FROM settle_proposals WHERE partnership_id = ? AND status = 'pending'"
                " AND proposer_id = ? AND note = ? AND amount = ?",
                (partnership.id, proposer, note, balance),
            )
            if rows:
                return Stored((int(next(iter(rows))["id"]), balance), repeated=True)
            replaced = await withdraw(
                conn,
                NoticeKind.SETTLE_PROPOSAL,
                "r.partnership_id = :pair",
                {"pair": partnership.id},
                now,
            )
            cursor = await conn.execute(
                "INSERT INTO settle_proposals (partnership_id, proposer_id, note, amount, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (partnership.id, proposer, note, balance, to_timestamp(now)),
            )
            proposal_id = cursor.lastrowid
            assert proposal_id is not None
            notice = await queue(
                conn,
                partnership.guild_id,
                NoticeKind.SETTLE_PROPOSAL,
                now,
                partnership_id=partnership.id,
                episode=proposal_id,
            )
        return Stored((proposal_id, balance), (*replaced, notice))

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

    async def settle(self, proposal_id: int, guild_id: int, now: datetime) -> Stored[int]:
        """Append the entry that zeroes the pool; returns the amount settled (positive).

        The proposal's message is redrawn as settled in the same transaction.
        """
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE settle_proposals SET status = 'accepted' WHERE id = ? AND status = 'pending'"
                " RETURNING partnership_id, proposer_id, note, amount",
                (proposal_id,),
            )
            claimed = await cursor.fetchone()
            if claimed is None:
                raise UserError("This proposal was already answered or replaced by a newer one.")
            pid, proposer, note, agreed = claimed
            balance = await _balance(conn, pid)
            if balance != agreed:
                # The partner would confirm a sum they were not shown: roll back, ask again.
                raise UserError("The pool changed since this was proposed. Please propose again.")
            amount = settlement_amount(balance)
            await conn.execute(
                "INSERT INTO ledger_entries (partnership_id, guild_id, member_id, kind, amount,"
                " idempotency_key, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    pid,
                    guild_id,
                    proposer,
                    SETTLE,
                    amount,
                    settle_key(proposal_id),
                    note,
                    to_timestamp(now),
                ),
            )
            notices = await redraw(conn, NoticeKind.SETTLE_PROPOSAL, pid, [proposal_id], now)
        return Stored(-amount, notices)

    async def overview(self, guild_id: int) -> list[PoolSummary]:
        rows = await self._db.fetch_all(
            f"SELECT p.id, c.name, p.ended_at IS NULL, SUM(e.amount), {PAIR_MEMBERS}"
            " FROM ledger_entries e JOIN partnerships p ON p.id = e.partnership_id"
            " JOIN courses c ON c.guild_id = p.guild_id AND c.course_key = p.course_key"
            " WHERE e.guild_id = ? GROUP BY p.id ORDER BY SUM(e.amount) DESC, p.id",
            (guild_id,),
        )
        return [
            PoolSummary(pid, course, pair_members(members), int(total), bool(active))
            for pid, course, active, total, members in rows
        ]


# A pool's balance is never stored: it is the sum of its entries.
_BALANCE = "SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE partnership_id = ?"


async def _balance(conn: Any, partnership_id: int) -> int:
    rows = await conn.execute_fetchall(_BALANCE, (partnership_id,))
    return int(next(iter(rows))[0])
