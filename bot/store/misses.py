"""How a missed milestone is recorded without rewriting it, and how far the miss job has
judged each shard's deadlines.

A milestone past its deadline, neither confirmed nor void, is missed once the miss job
records it: the pledge's ledger entry (keyed as `bot.ledger.miss_key`, the milestone and
its deadline) or, with nothing pledged, its row in `unpledged_misses`. That is the one
write per miss; the milestone keeps status 'open', so marking a backlog rewrites no
milestone, no index entry and no page of the milestones table. (A miss recorded before
migration 0022 set status 'missed' and `missed_at` on the row; it still reads so.)

The job's due scan reads the `milestones_due` index (open milestones by deadline), which
therefore keeps the misses. It starts beyond each shard's frontier (`miss_frontiers`):
the (deadline, id) up to which every milestone of the shard is confirmed, void or
recorded missed, with none recorded beyond it. The frontier stays exact because whatever
decides a milestone's fate takes turns with the job (`take_turn`): a confirmation or a
new deadline, a pair's end voiding what nobody can confirm, an erasure, and a new
milestone, whose deadline must lie beyond its shard's frontier (`judged_through`).
"""

from __future__ import annotations

from typing import NamedTuple

from bot.shards import DISCORD_SHARD_SHIFT, Shards
from bot.store.database import Connection, Reads
from bot.store.ledger import LEDGER_APPENDS

# After a batch that found less than it could take: every deadline up to the batch's
# instant is judged, whatever the milestone's id.
LAST_ID = 2**63 - 1


def missed_at_of(alias: str) -> str:
    """SQL: when the milestone `alias` was recorded missed (the miss job's run), else NULL.

    One indexed lookup: the ledger's unique key for a pledge, `unpledged_misses`'s for none.
    """
    return (
        f"CASE WHEN {alias}.status = 'missed' THEN {alias}.missed_at"
        f" WHEN {alias}.status <> 'open' THEN NULL"
        f" WHEN {alias}.stake > 0 THEN (SELECT e.created_at FROM ledger_entries e"
        f" WHERE e.idempotency_key = 'miss:' || {alias}.id || ':' || {alias}.deadline_at)"
        f" ELSE (SELECT u.missed_at FROM unpledged_misses u WHERE u.milestone_id = {alias}.id)"
        " END"
    )


def status_of(alias: str) -> str:
    """SQL: the `MilestoneStatus` of `alias`, 'missed' once recorded so."""
    return (
        f"CASE WHEN {alias}.status = 'open' AND {missed_at_of(alias)} IS NOT NULL"
        f" THEN 'missed' ELSE {alias}.status END"
    )


def still_open(alias: str) -> str:
    """SQL: `alias` is open, not recorded missed (before or after its deadline)."""
    return f"({alias}.status = 'open' AND {missed_at_of(alias)} IS NULL)"


def judged_through(guild: str) -> str:
    """SQL: the latest deadline the miss job has judged for the server `guild`, under
    whichever shard count judged it; -1 before any. A deadline up to it can no longer be
    set: the job would never reach it."""
    return (
        "COALESCE((SELECT MAX(f.deadline_at) FROM miss_frontiers f"
        f" WHERE (({guild} >> {DISCORD_SHARD_SHIFT}) % f.shard_count) = f.shard_id), -1)"
    )


async def take_turn(conn: Connection) -> None:
    """Wait for a miss batch in progress, and hold the next off until this transaction ends.

    For a change that decides whether a milestone can still be missed. The batch reads
    its milestones without locking them (it writes none), so such a change must not
    interleave with it: the batch takes the same turn (`LEDGER_APPENDS`) first, on every
    process. Taken before the change reads the milestone.
    """
    await conn.serialize(LEDGER_APPENDS)


class Frontier(NamedTuple):
    deadline: int
    milestone: int
    # A shard's frontier begun under a new shard count starts before everything, and may
    # meet misses another count recorded, up to this deadline: those are looked up.
    recheck_until: int = -1


NEVER = Frontier(-1, -1)


async def frontiers(reads: Reads, shards: Shards) -> dict[int, Frontier]:
    """These shards' frontiers; a shard without one has judged nothing yet."""
    rows = await reads.fetch_all(
        "SELECT shard_id, deadline_at, milestone_id, recheck_until FROM miss_frontiers"
        f" WHERE shard_count = ? AND shard_id IN ({_ids(shards)})",
        (shards.count,),
    )
    return {
        int(row["shard_id"]): Frontier(
            int(row["deadline_at"]), int(row["milestone_id"]), int(row["recheck_until"])
        )
        for row in rows
    }


async def begin_frontiers(conn: Connection, shards: Shards) -> dict[int, Frontier]:
    """These shards' frontiers for a batch, in its turn; a missing one begins now.

    It begins before every deadline (a new shard count regroups servers whose frontiers
    differed); the furthest deadline any frontier reached bounds what may already be
    recorded (`Frontier.recheck_until`).
    """
    found = await frontiers(conn, shards)
    missing = [shard for shard in shards.ids if shard not in found]
    if missing:
        recheck = int(
            await conn.fetch_value("SELECT COALESCE(MAX(deadline_at), -1) FROM miss_frontiers")
        )
        await conn.executemany(
            "INSERT INTO miss_frontiers (shard_count, shard_id, deadline_at, milestone_id,"
            " recheck_until) VALUES (?, ?, ?, ?, ?)",
            [(shards.count, shard, *NEVER[:2], recheck) for shard in missing],
        )
        found.update({shard: NEVER._replace(recheck_until=recheck) for shard in missing})
    return found


def beyond(shards: Shards, found: dict[int, Frontier]) -> tuple[str, dict[str, int]]:
    """SQL on `milestones` (unqualified): on these shards and beyond their frontiers, with
    its parameters. Reads the `milestones_due` index from the earliest frontier.

    Shards whose frontiers are equal (every one, but after a change of shards) share
    one condition.
    """
    groups: dict[tuple[int, int], list[int]] = {}
    for shard in shards.ids:
        frontier = found.get(shard, NEVER)
        groups.setdefault((frontier.deadline, frontier.milestone), []).append(shard)
    params = {"judged_from": min(deadline for deadline, _milestone in groups)}
    parts = []
    for n, ((deadline, milestone), ids) in enumerate(sorted(groups.items())):
        params |= {f"after{n}": deadline, f"after_id{n}": milestone}
        parts.append(
            f"({Shards(shards.count, tuple(ids)).sql()} AND deadline_at >= :after{n}"
            f" AND (deadline_at > :after{n} OR id > :after_id{n}))"
        )
    condition = f"deadline_at >= :judged_from AND ({' OR '.join(parts)})"
    recheck = max(found.get(shard, NEVER).recheck_until for shard in shards.ids)
    if recheck != NEVER.recheck_until and recheck >= params["judged_from"]:
        params["recheck"] = recheck
        condition += f" AND (deadline_at > :recheck OR {missed_at_of('milestones')} IS NULL)"
    return condition, params


async def advance(conn: Connection, shards: Shards, deadline: int, milestone: int) -> None:
    """Move these shards' frontiers to (deadline, milestone), never back."""
    await conn.execute(
        "UPDATE miss_frontiers SET deadline_at = :deadline, milestone_id = :milestone"
        f" WHERE shard_count = :count AND shard_id IN ({_ids(shards)})"
        " AND (deadline_at < :deadline OR (deadline_at = :deadline AND milestone_id < :milestone))",
        {"deadline": deadline, "milestone": milestone, "count": shards.count},
    )


def _ids(shards: Shards) -> str:
    """Whole numbers validated at start-up (`Shards`), so nothing user-written."""
    return ", ".join(str(int(shard)) for shard in sorted(shards.ids))
