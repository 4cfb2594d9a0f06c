"""The reminder job's reads and writes: due pairs, their planned notices, the next alarm."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from bot.health import is_quiet
from bot.models import Cadence, NoticeKind
from bot.pauses import Span
from bot.reminders import PairState, Plan
from bot.schedule import WeeklyTime
from bot.shards import Shards
from bot.store.database import (
    PAIR_MEMBERS,
    PAIR_ROLES,
    Connection,
    Database,
    from_timestamp,
    pair_members,
    pair_roles,
    to_timestamp,
)
from bot.store.health import count_checkins_due
from bot.store.outbox import DUE_BEHIND, notice_key, redraw
from bot.store.pauses import pair_spans

# Enough past check-ins for three finished periods every two weeks (`bot.reminders`).
RECENT_WEEKS_SECONDS = 8 * 7 * 24 * 3600


class ReminderStore:
    def __init__(self, db: Database, shards: Shards) -> None:
        self._db = db
        self._shards = shards

    async def due(self, now: datetime, limit: int = 500) -> list[PairState]:
        """Pairs whose alarm has rung; reads only the alarm index and these pairs' rows."""
        pairs = await self._db.fetch_all(
            "SELECT p.id, p.timezone, p.weekday, p.minute, p.created_at,"
            f" p.next_checkin_at, p.alarm_at, {PAIR_MEMBERS} AS members, {PAIR_ROLES} AS roles,"
            " p.cadence, p.cadence_anchor, p.trial_at"
            " FROM partnerships p WHERE p.alarm_at IS NOT NULL AND p.alarm_at <= ?"
            f" AND {self._shards.sql('p.guild_id')} ORDER BY p.alarm_at LIMIT ?",
            (to_timestamp(now), limit),
        )
        if not pairs:
            return []
        # At most `limit` ids: the batch bounds the parameters, never the data's size.
        ids = [row["id"] for row in pairs]
        checkins = await self._db.fetch_all(
            f"SELECT partnership_id, user_id, week_at, created_at FROM checkins"
            f" WHERE partnership_id IN ({','.join('?' * len(ids))})",
            ids,
        )
        last: dict[tuple[int, int], datetime] = {}
        weeks: dict[tuple[int, int], set[datetime]] = defaultdict(set)
        recent = to_timestamp(now) - RECENT_WEEKS_SECONDS
        for row in checkins:
            member = (row["partnership_id"], row["user_id"])
            stamp = from_timestamp(row["created_at"])
            last[member] = max(last.get(member, stamp), stamp)
            if row["week_at"] >= recent:
                weeks[member].add(from_timestamp(row["week_at"]))
        pauses = await pair_spans(self._db, ids)
        return [_state(row, last, weeks, pauses) for row in pairs]

    async def apply(self, state: PairState, plan: Plan, now: datetime) -> bool:
        """Queue the notices (each at most once, ever) and move the alarm, together.

        Only while the pair lasts and its alarm is still the one `state` was read with:
        a check-in or a pause meanwhile rang it again, and the pair is planned afresh
        next time instead of from what it was. The guarded update comes first, so on
        PostgreSQL it waits for such a change and then sees it. Returns whether the
        plan was stored.
        """
        async with self._db.transaction() as conn:
            moved = await conn.fetch_one(
                "UPDATE partnerships SET next_checkin_at = ?, alarm_at = ?,"
                # Quiet (for the moderators' health view) while a partner is owed the nudge.
                " quiet_since = CASE WHEN ? = 1 THEN COALESCE(quiet_since, ?) END"
                " WHERE id = ? AND ended_at IS NULL AND alarm_at = ? RETURNING guild_id",
                (
                    to_timestamp(plan.next_checkin_at),
                    to_timestamp(plan.alarm_at),
                    int(is_quiet(plan)),
                    to_timestamp(now),
                    state.partnership_id,
                    _stamp_or_none(state.alarm_at),
                ),
            )
            if moved is None:
                return False
            await count_checkins_due(conn, moved["guild_id"], state, plan)
            await conn.executemany(
                "INSERT INTO outbox (key, guild_id, partnership_id, kind, episode, member_id,"
                f" due_at, created_at) SELECT :key, :guild, :pair, :kind, :episode, :member,"
                f" {DUE_BEHIND}, :now WHERE true ON CONFLICT (key) DO NOTHING",
                [
                    {
                        "key": notice_key(n.kind, state.partnership_id, n.episode, n.member_id),
                        "guild": moved["guild_id"],
                        "pair": state.partnership_id,
                        "channel": None,
                        "kind": n.kind,
                        "episode": n.episode,
                        "member": n.member_id,
                        "now": to_timestamp(now),
                    }
                    for n in plan.notices
                ],
            )
            for notice in plan.notices:
                if notice.kind == NoticeKind.CHECKIN:
                    await _close_previous(conn, state.partnership_id, notice.episode, now)
            if plan.closes_last_reminder:
                closing = to_timestamp(plan.next_checkin_at)
                await _close_previous(conn, state.partnership_id, closing, now)
        return True

    async def latest_checkin(self, partnership_id: int) -> int | None:
        """The episode of the pair's newest check-in reminder: the only one still open."""
        value = await self._db.fetch_value(
            "SELECT MAX(episode) FROM outbox WHERE partnership_id = ? AND kind = ?",
            (partnership_id, NoticeKind.CHECKIN),
        )
        return None if value is None else int(value)

    async def next_alarm(self) -> int | None:
        """Unix time of the earliest alarm; read from the `partnerships_by_alarm` index."""
        value = await self._db.fetch_value(
            "SELECT MIN(alarm_at) FROM partnerships WHERE alarm_at IS NOT NULL"
            f" AND {self._shards.sql()}"
        )
        return None if value is None else int(value)


async def _close_previous(
    conn: Connection, partnership_id: int, episode: int, now: datetime
) -> None:
    """The posted reminder before the check-in at `episode` is redrawn without **Check in**
    (by the outbox): when its week closes, and again, if the bot was down then, when the
    next reminder is queued. Only the latest before it can still show the button, so a
    reminder is redrawn at most twice, however long the pair lasts."""
    previous = await conn.fetch_value(
        "SELECT MAX(episode) FROM outbox WHERE partnership_id = ? AND kind = ? AND episode < ?"
        " AND message_id IS NOT NULL",
        (partnership_id, NoticeKind.CHECKIN, episode),
    )
    if previous is not None:
        await redraw(conn, NoticeKind.CHECKIN, partnership_id, [int(previous)], now)


def _state(
    row: Any,
    last: dict[tuple[int, int], datetime],
    weeks: dict[tuple[int, int], set[datetime]],
    pauses: dict[tuple[int, int], tuple[Span, ...]],
) -> PairState:
    pid = row["id"]
    first, second = pair_members(row["members"])
    return PairState(
        partnership_id=pid,
        members=(first, second),
        weekly=WeeklyTime(weekday=row["weekday"], minute=row["minute"], zone=str(row["timezone"])),
        created_at=from_timestamp(row["created_at"]),
        next_checkin_at=from_timestamp(row["next_checkin_at"]),
        last_checkin={m: last.get((pid, m)) for m in (first, second)},
        weeks={m: frozenset(weeks.get((pid, m), set())) for m in (first, second)},
        pauses={m: pauses.get((pid, m), ()) for m in (first, second)},
        alarm_at=None if row["alarm_at"] is None else from_timestamp(row["alarm_at"]),
        roles=pair_roles(row["roles"]),
        cadence=Cadence(row["cadence"]),
        anchor=None if row["cadence_anchor"] is None else date.fromisoformat(row["cadence_anchor"]),
        trial_at=None if row["trial_at"] is None else from_timestamp(row["trial_at"]),
    )


def _stamp_or_none(instant: datetime | None) -> int | None:
    return None if instant is None else to_timestamp(instant)
