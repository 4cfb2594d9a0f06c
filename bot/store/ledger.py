"""The shared pool: reading entries and sums, and settling with the partner's consent.

Only INSERT touches `ledger_entries`; a balance is always computed as a SUM.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.errors import UserError
from bot.ledger import SETTLE, settle_key, settlement_amount
from bot.models import LedgerEntry, Partnership, PoolSummary
from bot.store.database import PAIR_MEMBERS, Database, from_timestamp, pair_members, to_timestamp


class LedgerStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def balance(self, partnership_id: int) -> int:
        async with self._db.transaction() as conn:
            return await _balance(conn, partnership_id)

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
    ) -> tuple[int, int]:
        """A new proposal replacing any older one; returns its id and the balance it settles."""
        async with self._db.transaction() as conn:
            balance = await _balance(conn, partnership.id)
            settlement_amount(balance)
            await conn.execute(
                "UPDATE settle_proposals SET status = 'void' WHERE partnership_id = ? AND status = 'pending'",
                (partnership.id,),
            )
            cursor = await conn.execute(
                "INSERT INTO settle_proposals (partnership_id, proposer_id, note, amount, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (partnership.id, proposer, note, balance, to_timestamp(now)),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid, balance

    async def settlement_proposal(self, proposal_id: int) -> tuple[int, int, str, str] | None:
        """(partnership id, proposer, note, status) of a settlement proposal."""
        row = await self._db.fetch_one(
            "SELECT partnership_id, proposer_id, note, status FROM settle_proposals WHERE id = ?",
            (proposal_id,),
        )
        return None if row is None else (row[0], row[1], row[2], row[3])

    async def settle(self, proposal_id: int, guild_id: int, now: datetime) -> int:
        """Append the entry that zeroes the pool; returns the amount settled (positive)."""
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
        return -amount

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


async def _balance(conn: Any, partnership_id: int) -> int:
    """A pool's balance is never stored: it is the sum of its entries."""
    rows = await conn.execute_fetchall(
        "SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE partnership_id = ?",
        (partnership_id,),
    )
    return int(next(iter(rows))[0])
