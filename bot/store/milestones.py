"""Goals, milestones, partner requests about them, and charging missed pledges."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.errors import UserError
from bot.health import day_of
from bot.i18n import N_, _
from bot.mentors import refuse_goals
from bot.milestones import ADDED_TOGETHER, check_goal_count
from bot.models import (
    FORMER_MEMBER,
    EntryKind,
    Goal,
    Milestone,
    MilestoneAsk,
    MilestoneRequest,
    MilestoneStatus,
    NoticeKind,
    PartnerRequest,
    Partnership,
    RequestKind,
    RequestStatus,
    Role,
    Stored,
)
from bot.shards import EVERY_SHARD, Shards
from bot.store.database import Connection, Database, from_timestamp, to_timestamp
from bot.store.health import COUNT_MISSED, count_confirmed
from bot.store.leaderboard import record_confirmation
from bot.store.ledger import NEW_PER_POOL, add_sums_to_totals, add_to_totals, last_entry_id
from bot.store.misses import (
    LAST_ID,
    advance,
    begin_frontiers,
    beyond,
    frontiers,
    judged_through,
    missed_at_of,
    status_of,
    still_open,
    take_turn,
)
from bot.store.outbox import queue, redraw
from bot.store.requests import ask

_MILESTONE_COLUMNS = (
    "id, goal_id, partnership_id, guild_id, owner_id, title, due_date, deadline_at, stake, status"
)


def _columns(alias: str) -> str:
    """A milestone's columns, its status as recorded misses make it (`bot.store.misses`)."""
    return ", ".join(
        f"{status_of(alias)} AS status" if column == "status" else f"{alias}.{column}"
        for column in _MILESTONE_COLUMNS.split(", ")
    )


_MILESTONE = f"SELECT {_columns('m')} FROM milestones m"


_GOAL = "SELECT id, partnership_id, user_id, text, done_when FROM goals"
_REQUEST = (
    "SELECT id, milestone_id, kind, new_due_date, new_deadline_at, status FROM milestone_requests"
)


def _milestone_request(row: Any) -> MilestoneRequest:
    deadline = row["new_deadline_at"]
    return MilestoneRequest(
        id=row["id"],
        milestone_id=row["milestone_id"],
        kind=MilestoneAsk(row["kind"]),
        new_due_date=row["new_due_date"],
        new_deadline=None if deadline is None else from_timestamp(deadline),
        status=RequestStatus(row["status"]),
    )


def _goal(row: Any) -> Goal:
    return Goal(
        id=row["id"],
        partnership_id=row["partnership_id"],
        user_id=row["user_id"],
        text=row["text"],
        done_when=row["done_when"],
    )


def _milestone(row: Any) -> Milestone:
    return Milestone(
        id=row["id"],
        goal_id=row["goal_id"],
        partnership_id=row["partnership_id"],
        guild_id=row["guild_id"],
        owner_id=row["owner_id"],
        title=row["title"],
        due_date=row["due_date"],
        deadline=from_timestamp(row["deadline_at"]),
        stake=row["stake"],
        status=MilestoneStatus(row["status"]),
    )


TOO_LATE = N_("Too late: this milestone's deadline has passed.")
NOT_YOUR_GOAL = N_("That is not one of your active goals. Pick one from the list.")


class MilestoneStore:
    def __init__(self, db: Database, shards: Shards) -> None:
        self._db = db
        self._shards = shards

    # -- goals ------------------------------------------------------------------
    async def active_goals(self, guild_id: int, user_id: int) -> list[Goal]:
        rows = await self._db.fetch_all(
            "SELECT g.id, g.partnership_id, g.user_id, g.text, g.done_when FROM goals g"
            " JOIN partnerships p ON p.id = g.partnership_id"
            " WHERE g.guild_id = ? AND g.user_id = ? AND g.status = 'active' AND p.ended_at IS NULL"
            " ORDER BY g.id",
            (guild_id, user_id),
        )
        return [_goal(row) for row in rows]

    async def add_goal(
        self, partnership: Partnership, user_id: int, text: str, done_when: str, now: datetime
    ) -> Stored[int]:
        """A new active goal; the same goal sent again (a retry) is the one already set.

        A mentor sets no goals in their mentorship (`bot.mentors.refuse_goals`).
        """
        refuse_goals(partnership.role_of(user_id))
        async with self._db.transaction() as conn:
            same = await conn.fetch_all(
                "SELECT id FROM goals WHERE partnership_id = ? AND user_id = ? AND text = ?"
                " AND done_when = ? AND status = 'active'",
                (partnership.id, user_id, text, done_when),
            )
            if same:
                return Stored(int(next(iter(same))["id"]), repeated=True)
            rows = await conn.fetch_all(
                "SELECT COUNT(*) AS active FROM goals g JOIN partnerships p ON p.id = g.partnership_id"
                " WHERE g.guild_id = ? AND g.user_id = ? AND g.status = 'active' AND p.ended_at IS NULL",
                (partnership.guild_id, user_id),
            )
            check_goal_count(next(iter(rows))["active"])
            goal_id = await conn.fetch_value(
                "INSERT INTO goals (guild_id, partnership_id, user_id, text, done_when, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (partnership.guild_id, partnership.id, user_id, text, done_when, to_timestamp(now)),
            )
        return Stored(int(goal_id))

    async def goal(self, goal_id: int) -> Goal | None:
        row = await self._db.fetch_one(f"{_GOAL} WHERE id = ?", (goal_id,))
        return None if row is None else _goal(row)

    async def close_goal(self, goal_id: int, user_id: int) -> bool:
        async with self._db.transaction() as conn:
            closed = await conn.execute(
                "UPDATE goals SET status = 'closed' WHERE id = ? AND user_id = ? AND status = 'active'",
                (goal_id, user_id),
            )
        return closed == 1

    # -- milestones -------------------------------------------------------------
    async def add_milestone(
        self,
        goal: Goal,
        user_id: int,
        title: str,
        due: date,
        deadline: datetime,
        stake: int,
        now: datetime,
    ) -> Stored[Milestone]:
        """`user_id` adds a milestone (and its pledge) to their own active goal, and the
        partner is told; the same milestone sent twice is stored once.

        A mentor adds none to their mentorship (`bot.mentors.refuse_goals`), whoever's goal
        they name; anyone else only to their own goal in a pair that still lasts. Added in
        the miss job's turn, beyond what it has judged (`bot.store.misses`).
        """
        async with self._db.transaction() as conn:
            await take_turn(conn)
            owner = await conn.fetch_one(
                "SELECT g.user_id, g.guild_id, m.role, CASE WHEN g.status = 'active'"
                " AND p.ended_at IS NULL THEN 1 ELSE 0 END AS usable FROM goals g"
                " JOIN partnerships p ON p.id = g.partnership_id"
                " LEFT JOIN partnership_members m"
                " ON m.partnership_id = g.partnership_id AND m.user_id = ? WHERE g.id = ?",
                (user_id, goal.id),
            )
            if owner is not None and owner["role"] is not None:
                refuse_goals(Role(owner["role"]))
            if owner is None or owner["user_id"] != user_id or not owner["usable"]:
                raise UserError(_(NOT_YOUR_GOAL))
            guild_id = int(owner["guild_id"])
            rows = await conn.fetch_all(
                f"{_MILESTONE} WHERE goal_id = ? AND title = ? AND due_date = ? AND stake = ?"
                f" AND {still_open('m')}",
                (goal.id, title, due.isoformat(), stake),
            )
            if rows:
                return Stored(_milestone(next(iter(rows))), repeated=True)
            judged = await conn.fetch_value(
                f"SELECT {judged_through('CAST(? AS BIGINT)')}", (guild_id,)
            )
            if to_timestamp(deadline) <= int(judged):
                raise UserError(_(TOO_LATE))  # another process's clock passed it already
            row = await conn.fetch_one(
                "INSERT INTO milestones (goal_id, partnership_id, guild_id, owner_id, title, due_date,"
                " deadline_at, stake, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                f" RETURNING {_MILESTONE_COLUMNS}",
                (
                    goal.id,
                    goal.partnership_id,
                    guild_id,
                    goal.user_id,
                    title,
                    due.isoformat(),
                    to_timestamp(deadline),
                    stake,
                    to_timestamp(now),
                ),
            )
            milestone = _milestone(row)
            notices = await _announce(conn, milestone, now)
        return Stored(milestone, notices)

    async def milestone(self, milestone_id: int) -> Milestone | None:
        row = await self._db.fetch_one(f"{_MILESTONE} WHERE id = ?", (milestone_id,))
        return None if row is None else _milestone(row)

    async def added_together(self, first_id: int) -> list[Milestone]:
        """The milestones one notice announces: its first and those its owner added, in the
        same pair, within `ADDED_TOGETHER` of it (see `_announce`); none that stopped counting."""
        rows = await self._db.fetch_all(
            f"SELECT {_columns('m')} FROM milestones f JOIN milestones m"
            " ON m.guild_id = f.guild_id AND m.owner_id = f.owner_id"
            " AND m.partnership_id = f.partnership_id AND m.id >= f.id"
            " AND m.created_at < f.created_at + ? WHERE f.id = ? AND m.status <> 'void'"
            " ORDER BY m.id",
            (int(ADDED_TOGETHER.total_seconds()), first_id),
        )
        return [_milestone(row) for row in rows]

    async def milestones_of(
        self, guild_id: int, user_id: int, *, open_only: bool
    ) -> list[Milestone]:
        status = f"AND {still_open('m')}" if open_only else ""
        rows = await self._db.fetch_all(
            f"{_MILESTONE} WHERE guild_id = ? AND owner_id = ? {status} ORDER BY deadline_at DESC LIMIT 50",
            (guild_id, user_id),
        )
        return [_milestone(row) for row in rows]

    async def missed_in_run(self, partnership_id: int, missed_at: datetime) -> list[Milestone]:
        rows = await self._db.fetch_all(
            f"{_MILESTONE} WHERE partnership_id = ? AND {missed_at_of('m')} = ? ORDER BY id",
            (partnership_id, to_timestamp(missed_at)),
        )
        return [_milestone(row) for row in rows]

    async def open_count(self, partnership_id: int) -> int:
        """Milestones of the pair still awaiting a confirmation or their deadline."""
        value = await self._db.fetch_value(
            f"SELECT COUNT(*) FROM milestones m WHERE partnership_id = ? AND {still_open('m')}",
            (partnership_id,),
        )
        return int(value)

    # -- partner requests -------------------------------------------------------
    async def request(
        self,
        milestone: Milestone,
        kind: MilestoneAsk,
        now: datetime,
        new_due: date | None = None,
        new_deadline: datetime | None = None,
    ) -> Stored[int]:
        """Ask the partner about a milestone (see `bot.store.requests.ask`).

        Only the newest request about a milestone counts: an old one must not undo a
        newer answer.
        """
        async with self._db.transaction() as conn:
            return await ask(
                conn,
                RequestKind.MILESTONE,
                guild_id=milestone.guild_id,
                partnership_id=milestone.partnership_id,
                competing="r.milestone_id = :milestone",
                same="r.kind = :kind AND r.new_due_date IS NOT DISTINCT FROM :due",
                insert="INSERT INTO milestone_requests (milestone_id, kind, new_due_date,"
                " new_deadline_at, created_at) VALUES (:milestone, :kind, :due, :deadline, :now)",
                params={
                    "milestone": milestone.id,
                    "kind": kind,
                    "due": None if new_due is None else new_due.isoformat(),
                    "deadline": None if new_deadline is None else to_timestamp(new_deadline),
                },
                now=now,
            )

    async def milestone_request(self, request_id: int) -> MilestoneRequest | None:
        row = await self._db.fetch_one(f"{_REQUEST} WHERE id = ?", (request_id,))
        return None if row is None else _milestone_request(row)

    # -- misses -----------------------------------------------------------------
    async def next_deadline(self) -> int | None:
        """Unix time of the earliest deadline still to judge: beyond this process's shards'
        frontiers, read from the `milestones_due` index (see `bot.store.misses`)."""
        condition, params = beyond(self._shards, await frontiers(self._db, self._shards))
        value = await self._db.fetch_value(
            f"SELECT MIN(deadline_at) FROM milestones WHERE status = 'open' AND {condition}",
            params,
        )
        return None if value is None else int(value)

    async def charge_missed(self, now: datetime, limit: int = 1000) -> int:
        """Record up to `limit` overdue milestones missed and charge each pledge once, atomically."""
        async with self._db.transaction() as conn:
            return await charge_batch(conn, now, limit, self._shards)


async def apply_answer(
    conn: Connection, request: PartnerRequest, accept: bool, now: datetime
) -> tuple[int, ...]:
    """The answer's change: a milestone confirmed (and celebrated) or moved.

    Even a "Not yet" needs the milestone still open: a late answer says it is too late.
    Read in the miss job's turn, so a batch recording it missed is seen (`take_turn`).
    """
    await take_turn(conn)
    rows = await conn.fetch_all(f"{_REQUEST} WHERE id = ?", (request.id,))
    asked = _milestone_request(next(iter(rows)))
    rows = await conn.fetch_all(f"{_MILESTONE} WHERE id = ?", (asked.milestone_id,))
    milestone = _milestone(next(iter(rows)))
    _check_answerable(milestone, asked, accept, now)
    if not accept:
        return ()
    await _apply(conn, asked, now)
    if asked.kind is MilestoneAsk.DONE:
        await record_confirmation(conn, milestone, now)
        return await _queue_celebration(conn, milestone, now)
    return ()


async def _announce(conn: Connection, milestone: Milestone, now: datetime) -> tuple[int, ...]:
    """Tell the partner about a new milestone: in a notice of its own, or, when its owner
    added another in this pair less than `ADDED_TOGETHER` ago, in that one's notice,
    drawn again (edited in place once posted) so a burst of milestones pings once.

    A notice's episode is its first milestone; `MilestoneStore.added_together` reads the
    same rule back when it is drawn. Two processes adding at once take turns here, so
    the second sees the first's notice.
    """
    await conn.serialize(f"tandem milestones added {milestone.partnership_id}")
    rows = await conn.fetch_all(
        "SELECT o.episode FROM outbox o JOIN milestones f ON f.id = o.episode"
        " WHERE o.partnership_id = ? AND o.kind = ? AND f.owner_id = ? AND f.created_at > ?"
        " ORDER BY o.episode DESC LIMIT 1",
        (
            milestone.partnership_id,
            NoticeKind.MILESTONE_ADDED,
            milestone.owner_id,
            to_timestamp(now - ADDED_TOGETHER),
        ),
    )
    first = next((int(row["episode"]) for row in rows), None)
    if first is not None:
        return await redraw(
            conn, NoticeKind.MILESTONE_ADDED, milestone.partnership_id, [first], now
        )
    notice = await queue(
        conn,
        milestone.guild_id,
        NoticeKind.MILESTONE_ADDED,
        now,
        partnership_id=milestone.partnership_id,
        episode=milestone.id,
    )
    return (notice,)


def _check_answerable(
    milestone: Milestone, request: MilestoneRequest, accept: bool, now: datetime
) -> None:
    if milestone.status is MilestoneStatus.CONFIRMED:
        raise UserError(_("This milestone is already confirmed."))
    if milestone.status is MilestoneStatus.VOID:
        raise UserError(_("This milestone no longer counts: its partnership ended."))
    if milestone.status is not MilestoneStatus.OPEN or milestone.deadline <= now:
        raise UserError(_(TOO_LATE))
    if accept and request.new_deadline is not None and request.new_deadline <= now:
        raise UserError(_("The proposed new due date has already passed; ask for a later one."))


async def _queue_celebration(
    conn: Connection, milestone: Milestone, now: datetime
) -> tuple[int, ...]:
    rows = await conn.fetch_all(
        "SELECT leaderboard_channel_id FROM guild_settings WHERE guild_id = ?",
        (milestone.guild_id,),
    )
    channel = next((row["leaderboard_channel_id"] for row in rows), None)
    if channel is None:
        return ()
    notice = await queue(
        conn,
        milestone.guild_id,
        NoticeKind.CELEBRATION,
        now,
        channel_id=channel,
        episode=milestone.id,
    )
    return (notice,)


async def _apply(conn: Connection, request: MilestoneRequest, now: datetime) -> None:
    """Change the milestone only while it is still open and before its deadline.

    Checked again here, in the change itself, against the recorded misses; a new
    deadline must also lie beyond what the miss job has judged (`judged_through`), or
    the job would never reach it. Otherwise the whole answer rolls back.
    """
    open_now = {"id": request.milestone_id, "now": to_timestamp(now)}
    if request.kind is MilestoneAsk.DONE:
        changed = await conn.execute(
            f"UPDATE milestones SET status = 'confirmed', confirmed_at = :now {_STILL_OPEN}",
            open_now,
        )
    else:
        assert request.new_deadline is not None
        changed = await conn.execute(
            f"UPDATE milestones SET due_date = :due, deadline_at = :deadline {_STILL_OPEN}"
            f" AND :deadline > {judged_through('milestones.guild_id')}",
            {
                **open_now,
                "due": request.new_due_date,
                "deadline": to_timestamp(request.new_deadline),
            },
        )
    if changed != 1:
        raise UserError(_(TOO_LATE))
    if request.kind is MilestoneAsk.DONE:
        await count_confirmed(conn, request.milestone_id, now)


_STILL_OPEN = f"WHERE id = :id AND {still_open('milestones')} AND deadline_at > :now"


# The overdue milestones one batch takes, oldest deadline first, read through the
# `milestones_due` index from this process's shards' frontiers (`bot.store.misses`).
def _due(frontier: str, columns: str) -> str:
    return (
        f"SELECT {columns} FROM milestones WHERE status = 'open' AND deadline_at <= :now"
        f" AND {frontier} ORDER BY deadline_at, id LIMIT :limit"
    )


# What a batch writes, from its milestones `m`: the record of each miss (a ledger entry
# per pledge, its key the text of `bot.ledger.miss_key`; a row in `unpledged_misses` for
# a milestone without one) and one thread notice per pair (its key spelled as
# `bot.store.outbox.notice_key` does).
_CHARGE = (
    "INSERT INTO ledger_entries (partnership_id, guild_id, member_id, milestone_id, kind, amount,"
    " idempotency_key, created_at)"
    " SELECT m.partnership_id, m.guild_id, NULLIF(m.owner_id, :former), m.id, :miss, m.stake,"
    " 'miss:' || m.id || ':' || m.deadline_at, :now FROM {source} WHERE {chosen} AND m.stake > 0"
    " ORDER BY m.id ON CONFLICT (idempotency_key) DO NOTHING"
)
_UNPLEDGED = (
    "INSERT INTO unpledged_misses (milestone_id, missed_at)"
    " SELECT m.id, CAST(:now AS BIGINT) FROM {source} WHERE {chosen} AND m.stake = 0"
    " ORDER BY m.id ON CONFLICT (milestone_id) DO NOTHING"
)
# The pairs are found first (grouping two integers a milestone, not its key's text), then
# their keys spelled; `WHERE TRUE` keeps SQLite from reading ON CONFLICT as a join's ON.
_NOTICE = (
    "INSERT INTO outbox (key, guild_id, partnership_id, kind, episode, due_at, created_at)"
    " SELECT :missed || ':' || p.partnership_id || ':' || :occasion || ':0', p.guild_id,"
    " p.partnership_id, :missed, CAST(:now AS BIGINT), CAST(:now AS BIGINT), CAST(:now AS BIGINT)"
    " FROM (SELECT m.partnership_id, m.guild_id FROM {source} WHERE {chosen}"
    " GROUP BY m.partnership_id, m.guild_id) p WHERE TRUE ORDER BY p.partnership_id"
    " ON CONFLICT (key) DO NOTHING"
)
# What PostgreSQL may hold in memory per sort or materialized step of one miss batch.
_BATCH_WORK_MEM = "32MB"
# A batch's count, and the (deadline, id) of its last milestone (None when empty).
Taken = tuple[int, tuple[int, int] | None]


async def charge_batch(
    conn: Connection, now: datetime, limit: int, shards: Shards = EVERY_SHARD
) -> int:
    """One batch of the miss job, inside the caller's transaction; returns how many it
    recorded missed.

    The records of the misses (the ledger entries, one write per miss), the notices, the
    moderators' count of misses and the shards' frontiers commit together: after a crash
    either all of a batch happened or none of it. No milestone row is written
    (`bot.store.misses`). Everything runs inside the database, so a backlog of thousands
    costs a handful of statements, not thousands of Python rows. The notice's episode is
    this run's instant, the records' time, so the thread message lists exactly the
    milestones this run recorded. The batch runs in its turn (`last_entry_id`, the
    ledger's, which whatever decides a milestone's fate takes too), in every process.
    """
    params: dict[str, Any] = {
        "now": to_timestamp(now),
        "occasion": str(to_timestamp(now)),  # the same instant, as the notice key writes it
        "limit": limit,
        "miss": EntryKind.MISS,
        "missed": NoticeKind.MISSED,
        "former": FORMER_MEMBER,
        "day": day_of(now),  # the moderators' count of milestones missed today
    }
    since = await last_entry_id(conn)
    condition, bounds = beyond(shards, await begin_frontiers(conn, shards))
    params |= bounds | {"since": since}
    if conn.writable_ctes:
        marked, last = await _charge_in_one_statement(conn, condition, params)
        await add_to_totals(conn, since)
    else:
        marked, last = await _charge_statement_by_statement(conn, condition, params)
    # A full batch judged up to its last milestone; a short one, every deadline up to now.
    reached = last if marked == limit and last is not None else (params["now"], LAST_ID)
    await advance(conn, shards, *reached)
    return marked


async def _charge_in_one_statement(
    conn: Connection, frontier: str, params: dict[str, Any]
) -> Taken:
    """PostgreSQL: charge, record and notify in one statement over one read of the batch.

    A full batch's rows and their sort by id fit in `_BATCH_WORK_MEM`, not in the
    server's default 4 MB: without it they spill to temporary files (`EXPLAIN (ANALYZE,
    BUFFERS)` shows an external merge and temp writes). Only this transaction's.
    """
    await conn.execute(f"SET LOCAL work_mem = '{_BATCH_WORK_MEM}'")
    batch = {"source": "due m", "chosen": "TRUE"}
    columns = "id, partnership_id, guild_id, owner_id, stake, deadline_at"
    row = await conn.fetch_one(
        f"WITH due AS ({_due(frontier, columns)}),"
        f" charged AS ({_CHARGE.format(**batch)}),"
        f" unpledged AS ({_UNPLEDGED.format(**batch)}),"
        f" noticed AS ({_NOTICE.format(**batch)}),"
        f" counted AS ({COUNT_MISSED.format(**batch)}),"
        " taken AS (SELECT COUNT(*) AS marked, MAX(deadline_at) AS deadline FROM due)"
        " SELECT t.marked, t.deadline,"
        " (SELECT MAX(id) FROM due WHERE deadline_at = t.deadline) AS id FROM taken t",
        params,
    )
    assert row is not None
    last = None if row["deadline"] is None else (int(row["deadline"]), int(row["id"]))
    return int(row["marked"]), last


async def _charge_statement_by_statement(
    conn: Connection, frontier: str, params: dict[str, Any]
) -> Taken:
    """SQLite: the batch's ids (and deadlines, from the same index) are chosen once, into a
    temporary table, and the charge reads them from there; the entries it appended are
    summed per pool once, into another, for the totals.

    Choosing once matters: each `IN (...)` over the due query sorts its 50,000 ids anew,
    a tenth of the drain's time (`bench/ledger.py`). When every milestone of the batch had
    a pledge, each miss is its entry, so the thread notices and the day's count read the
    entries too (a range of the table's key: `NOT INDEXED` keeps SQLite from reading a
    whole index of the ledger to spare a grouping's sort), not the milestones again. No
    other connection writes inside the transaction, and the tables are emptied before
    the commit (a rollback empties them too).
    """
    for table in (
        "miss_batch (id INTEGER PRIMARY KEY, deadline_at INTEGER)",
        "miss_pools (partnership_id INTEGER PRIMARY KEY, guild_id INTEGER, amount INTEGER)",
    ):
        await conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table}")
    marked = await conn.execute(
        f"INSERT INTO miss_batch (id, deadline_at) {_due(frontier, 'id, deadline_at')}", params
    )
    batch = {"source": "milestones m", "chosen": "m.id IN (SELECT id FROM miss_batch)"}
    charged = await conn.execute(_CHARGE.format(**batch), params)
    await conn.execute(f"INSERT INTO miss_pools {NEW_PER_POOL}", params)
    if charged < marked:
        await conn.execute(_UNPLEDGED.format(**batch), params)
        pairs = misses = batch
    else:
        pairs = {"source": "miss_pools m", "chosen": "TRUE"}
        misses = {"source": "ledger_entries m NOT INDEXED", "chosen": "m.id > :since"}
    await conn.execute(_NOTICE.format(**pairs), params)
    await conn.execute(COUNT_MISSED.format(**misses), params)
    await add_sums_to_totals(conn, "SELECT partnership_id, guild_id, amount FROM miss_pools", {})
    last = await conn.fetch_one(
        "SELECT deadline_at, id FROM miss_batch ORDER BY deadline_at DESC, id DESC LIMIT 1"
    )
    for table in ("miss_batch", "miss_pools"):
        await conn.execute(f"DELETE FROM {table}")
    return marked, None if last is None else (int(last["deadline_at"]), int(last["id"]))
