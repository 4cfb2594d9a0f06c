"""The shared pool: reading entries and sums, and settling with the partner's consent.

Only INSERT touches `ledger_entries`; a balance is always computed as a SUM. Each pool's
and each server's total is also kept in `pool_totals` and `guild_pool_totals`, added to
in the transaction that appends the entries (`add_to_totals`), so the moderators'
overview reads one page and the server total without summing every pool.
"""

from __future__ import annotations

from datetime import datetime

from bot.errors import UserError
from bot.i18n import _
from bot.ledger import settle_key, settlement_amount
from bot.log import get
from bot.mentors import refuse_settlement_proposal
from bot.models import (
    EntryKind,
    LedgerEntry,
    PartnerRequest,
    Partnership,
    PoolPage,
    PoolSeek,
    PoolSummary,
    RequestKind,
    RequestStatus,
    SettleProposal,
    Stored,
)
from bot.store.database import (
    PAIR_MEMBERS,
    Connection,
    Database,
    Params,
    from_timestamp,
    pair_members,
    to_timestamp,
)
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
        sum, and no other. In a mentorship the mentee proposes and the mentor confirms
        (`bot.mentors.refuse_settlement_proposal`).
        """
        refuse_settlement_proposal(partnership, proposer)
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

    async def overview(
        self, guild_id: int, per_page: int, page: int = 1, seek: PoolSeek | None = None
    ) -> PoolPage:
        """One page of the server's pools, largest balance first, and the server's total.

        A page is named by its number (the command's option; pages count from 1 and a
        page past the last shows the last one) or found by `seek`, from a pool already
        shown (the buttons; `page` is then the number to show, put right at either end).
        Either way no page costs more than the first from its nearer end: `seek` starts
        at its pool's place in the index, and a numbered page in the back half is
        counted from the last pool, so the last page is as quick as the first.
        """
        totals = await self._db.fetch_one(
            "SELECT balance, pools FROM guild_pool_totals WHERE guild_id = ?", (guild_id,)
        )
        count = 0 if totals is None else int(totals["pools"])
        total = 0 if totals is None else int(totals["balance"])
        pages = max(1, -(-count // per_page))
        page = min(max(page, 1), pages)
        if seek is None:
            pools = await self._numbered_page(guild_id, page, pages, count, per_page)
            return PoolPage(pools, page, pages, count, total, earlier=page > 1, later=page < pages)
        # One pool more than a page says whether the pages go on in that direction.
        params = {"balance": seek.balance, "pool": seek.partnership_id, "limit": per_page + 1}
        pools = await self._pools(guild_id, params, backward=not seek.after, seek=True)
        more = len(pools) > per_page
        earlier, later = (True, more) if seek.after else (more, True)
        if not pools or (not earlier and len(pools) < per_page):
            # Nothing left after the pool (it and those after it were settled or moved),
            # or a short first page: the last or the first page, whole.
            return await self.overview(guild_id, per_page, pages if seek.after else 1)
        shown = pools[:per_page] if seek.after else pools[-per_page:]
        page = _page_number(page, pages, earlier, later)
        return PoolPage(shown, page, pages, count, total, earlier=earlier, later=later)

    async def _numbered_page(
        self, guild_id: int, page: int, pages: int, count: int, per_page: int
    ) -> list[PoolSummary]:
        """Page `page` by its place: from the top in the front half, from the bottom after."""
        if page - 1 <= pages - page:
            params = {"limit": per_page, "offset": (page - 1) * per_page}
            return await self._pools(guild_id, params, backward=False, seek=False)
        end = min(page * per_page, count)
        params = {"limit": end - (page - 1) * per_page, "offset": count - end}
        return await self._pools(guild_id, params, backward=True, seek=False)

    async def _pools(
        self, guild_id: int, params: dict[str, int], *, backward: bool, seek: bool
    ) -> list[PoolSummary]:
        """The pools one of `_OVERVIEW`'s cuts reads, in the overview's order."""
        rows = await self._db.fetch_all(_OVERVIEW[backward, seek], {"guild": guild_id, **params})
        return [
            PoolSummary(
                partnership_id=row["id"],
                course=row["course"],
                members=pair_members(row["members"]),
                balance=int(row["balance"]),
                active=bool(row["active"]),
            )
            for row in rows
        ]


async def settle_pool(
    conn: Connection, request: PartnerRequest, accept: bool, now: datetime
) -> tuple[int, ...]:
    """The answer's change: append the entry that brings the pool to exactly zero.

    Only the sum the partner was shown can be settled: if the pool changed since the
    proposal, everything rolls back and the proposer is asked to propose again.
    """
    if not accept:
        return ()
    since = await last_entry_id(conn)
    rows = await conn.fetch_all(
        "SELECT s.note, s.amount, p.guild_id FROM settle_proposals s"
        " JOIN partnerships p ON p.id = s.partnership_id WHERE s.id = ?",
        (request.id,),
    )
    proposal = next(iter(rows))
    balance = await _balance(conn, request.partnership_id)
    if balance != proposal["amount"]:
        raise UserError(_("The pool changed since this was proposed. Please propose again."))
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
    await add_to_totals(conn, since)
    log.info("pool %s settled: %d by proposal %s", request.partnership_id, balance, request.id)
    return ()


async def last_entry_id(conn: Connection) -> int:
    """The newest entry's id: entries appended after it are this transaction's.

    True in every process because appending transactions take turns from here to their
    commit: ids are then handed out, and become visible, in order.
    """
    await conn.serialize(LEDGER_APPENDS)
    rows = await conn.fetch_all("SELECT COALESCE(MAX(id), 0) AS id FROM ledger_entries")
    return int(next(iter(rows))["id"])


async def add_to_totals(conn: Connection, since_id: int) -> None:
    """Add the entries appended after `since_id` to their pools' and servers' totals.

    Set-based, so charging a backlog of thousands of misses costs two statements.
    """
    await add_sums_to_totals(conn, NEW_PER_POOL, {"since": since_id})


async def add_sums_to_totals(conn: Connection, per_pool: str, params: Params) -> None:
    """Add what was appended, summed per pool (`per_pool`: SQL giving `partnership_id`,
    `guild_id` and `amount`, one row a pool), to the pools' and servers' totals.

    A pool counts towards its server's number of pools from its first entry: summed per
    pool first, only each pool, not each entry, is looked up.
    """
    await conn.execute(
        "INSERT INTO guild_pool_totals (guild_id, balance, pools)"
        " SELECT p.guild_id, SUM(p.amount), SUM(CASE WHEN t.partnership_id IS NULL THEN 1 ELSE 0 END)"
        f" FROM ({per_pool}) p LEFT JOIN pool_totals t ON t.partnership_id = p.partnership_id"
        " WHERE TRUE GROUP BY p.guild_id"
        " ON CONFLICT (guild_id) DO UPDATE SET balance = guild_pool_totals.balance"
        " + excluded.balance, pools = guild_pool_totals.pools + excluded.pools",
        params,
    )
    await conn.execute(
        "INSERT INTO pool_totals (partnership_id, guild_id, balance)"
        f" SELECT partnership_id, guild_id, amount FROM ({per_pool}) p WHERE TRUE"
        " ON CONFLICT (partnership_id) DO UPDATE SET"
        " balance = pool_totals.balance + excluded.balance",
        params,
    )


# The entries appended after `:since`, summed per pool. They are read by id, a range of
# the table's key: grouping by `+partnership_id` keeps SQLite from reading the whole
# `ledger_by_pool` index instead (to spare the grouping's sort), which grows with the
# ledger, not with what was appended.
NEW_PER_POOL = (
    "SELECT +partnership_id AS partnership_id, MIN(guild_id) AS guild_id, SUM(amount) AS amount"
    " FROM ledger_entries WHERE id > :since GROUP BY +partnership_id"
)


# Transactions that append ledger entries take turns under this name (`last_entry_id`).
LEDGER_APPENDS = "tandem ledger appends"
# A pool's balance is never stored: it is the sum of its entries.
_BALANCE = "SELECT COALESCE(SUM(amount), 0) AS balance FROM ledger_entries WHERE partnership_id = ?"


def _overview_cut(backward: bool, seek: bool) -> str:
    """A page of the overview: its ids and balances cut from `pool_totals_by_balance`
    alone (`guild_id, balance DESC, partnership_id`), then joined to pairs and courses.

    Read downwards (the overview's order) or upwards (`backward`, for the page before a
    pool or one counted from the end). A seek past a pool is two index ranges merged:
    the pools tied with it on balance beyond its id, then those beyond its balance, each
    cut to the page; one comparison of (balance, id) pairs would not use the index on
    SQLite, whose ids are its row ids.
    """
    order = "balance, partnership_id DESC" if backward else "balance DESC, partnership_id"
    pools = "SELECT partnership_id, balance FROM pool_totals WHERE guild_id = :guild"
    if seek:
        tied, beyond, ids = ("<", ">", " DESC") if backward else (">", "<", "")
        cut = (
            f"SELECT * FROM ({pools} AND balance = :balance AND partnership_id {tied} :pool"
            f" ORDER BY partnership_id{ids} LIMIT :limit) AS tied"
            f" UNION ALL SELECT * FROM ({pools} AND balance {beyond} :balance"
            f" ORDER BY {order} LIMIT :limit) AS beyond ORDER BY {order} LIMIT :limit"
        )
    else:
        cut = f"{pools} ORDER BY {order} LIMIT :limit OFFSET :offset"
    return (
        f"WITH shown AS ({cut}) SELECT p.id, c.name AS course, p.ended_at IS NULL AS active,"
        f" t.balance, {PAIR_MEMBERS} AS members FROM shown t"
        " JOIN partnerships p ON p.id = t.partnership_id"
        " JOIN courses c ON c.guild_id = p.guild_id AND c.course_key = p.course_key"
        " ORDER BY t.balance DESC, t.partnership_id"
    )


def _page_number(page: int, pages: int, earlier: bool, later: bool) -> int:
    """The number of a page found from a pool: what its button said, unless the rows show
    it is the first or the last (pools settled or charged since moved the pages)."""
    if not earlier:
        return 1
    if not later:
        return pages
    return min(max(page, 2), max(pages - 1, 2))


# The overview's four cuts, by (backward, seek).
_OVERVIEW = {(up, seek): _overview_cut(up, seek) for up in (False, True) for seek in (False, True)}


async def _balance(conn: Connection, partnership_id: int) -> int:
    rows = await conn.fetch_all(_BALANCE, (partnership_id,))
    return int(next(iter(rows))["balance"])
