"""The reminder loop's reads and writes: due pairs, planned notices and their delivery."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.reminders import PairState, Plan
from bot.schedule import WeeklyTime
from bot.store.database import PAIR_MEMBERS, Database, from_timestamp, pair_members, to_timestamp

RECENT_WEEKS_SECONDS = 5 * 7 * 24 * 3600


@dataclass(frozen=True)
class PendingNotice:
    partnership_id: int
    kind: str
    episode: int
    member_id: int
    status: str
    attempted_at: datetime | None

    @property
    def key(self) -> tuple[int, str, int, int]:
        return (self.partnership_id, self.kind, self.episode, self.member_id)


class ReminderStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def due(self, now: datetime, limit: int = 500) -> list[PairState]:
        """Pairs whose alarm has rung; reads only the alarm index and these pairs' rows."""
        pairs = await self._db.fetch_all(
            "SELECT p.id, p.timezone, p.weekday, p.minute, p.created_at, p.next_checkin_at,"
            f" {PAIR_MEMBERS}"
            " FROM partnerships p WHERE p.alarm_at IS NOT NULL AND p.alarm_at <= ?"
            " ORDER BY p.alarm_at LIMIT ?",
            (to_timestamp(now), limit),
        )
        if not pairs:
            return []
        ids = [row[0] for row in pairs]
        checkins = await self._db.fetch_all(
            f"SELECT partnership_id, user_id, week_at, created_at FROM checkins"
            f" WHERE partnership_id IN ({','.join('?' * len(ids))})",
            ids,
        )
        last: dict[tuple[int, int], datetime] = {}
        weeks: dict[tuple[int, int], set[datetime]] = defaultdict(set)
        recent = to_timestamp(now) - RECENT_WEEKS_SECONDS
        for pid, user, week_at, created_at in checkins:
            stamp = from_timestamp(created_at)
            last[(pid, user)] = max(last.get((pid, user), stamp), stamp)
            if week_at >= recent:
                weeks[(pid, user)].add(from_timestamp(week_at))
        return [_state(row, last, weeks) for row in pairs]

    async def apply(self, partnership_id: int, plan: Plan) -> None:
        """Record the notices (each at most once, ever) and the next alarm together."""
        async with self._db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO notices (partnership_id, kind, episode, member_id) VALUES (?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                [(partnership_id, n.kind, n.episode, n.member_id) for n in plan.notices],
            )
            await conn.execute(
                "UPDATE partnerships SET next_checkin_at = ?, alarm_at = ? WHERE id = ? AND ended_at IS NULL",
                (to_timestamp(plan.next_checkin_at), to_timestamp(plan.alarm_at), partnership_id),
            )

    async def unsent(self, limit: int = 200) -> list[PendingNotice]:
        rows = await self._db.fetch_all(
            "SELECT partnership_id, kind, episode, member_id, status, attempted_at FROM notices"
            " WHERE status IN ('pending', 'attempted') ORDER BY episode LIMIT ?",
            (limit,),
        )
        return [
            PendingNotice(
                r[0], r[1], r[2], r[3], r[4], None if r[5] is None else from_timestamp(r[5])
            )
            for r in rows
        ]

    async def mark_attempted(self, notice: PendingNotice, now: datetime) -> None:
        """Written before sending, so a crash mid-send is known and checked, not repeated blindly.

        The first attempt's time is kept: the thread is searched from then on, whichever
        later attempt failed and how.
        """
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE notices SET status = 'attempted', attempts = attempts + 1,"
                " attempted_at = COALESCE(attempted_at, ?)"
                " WHERE partnership_id = ? AND kind = ? AND episode = ? AND member_id = ?",
                (to_timestamp(now), *notice.key),
            )

    async def finish(
        self, notice: PendingNotice, status: str, message_id: int | None = None
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE notices SET status = ?, message_id = ?"
                " WHERE partnership_id = ? AND kind = ? AND episode = ? AND member_id = ?",
                (status, message_id, *notice.key),
            )

    async def next_wakeup(self) -> int | None:
        """Unix time of the earliest alarm or milestone deadline; 0 while work waits.

        Waiting work is a notice not yet sent or a pair whose thread is still missing.
        """
        value = await self._db.fetch_value(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM notices WHERE status IN ('pending', 'attempted'))"
            " OR EXISTS (SELECT 1 FROM partnerships WHERE thread_id IS NULL AND ended_at IS NULL)"
            " THEN 0 ELSE (SELECT MIN(due) FROM ("
            "  SELECT MIN(alarm_at) AS due FROM partnerships WHERE alarm_at IS NOT NULL"
            "  UNION ALL SELECT MIN(deadline_at) FROM milestones WHERE status = 'open')) END"
        )
        return None if value is None else int(value)


def _state(
    row: Any,
    last: dict[tuple[int, int], datetime],
    weeks: dict[tuple[int, int], set[datetime]],
) -> PairState:
    pid = row[0]
    first, second = pair_members(row[6])
    return PairState(
        partnership_id=pid,
        members=(first, second),
        weekly=WeeklyTime(weekday=row[2], minute=row[3], zone=str(row[1])),
        created_at=from_timestamp(row[4]),
        next_checkin_at=from_timestamp(row[5]),
        last_checkin={m: last.get((pid, m)) for m in (first, second)},
        weeks={m: frozenset(weeks.get((pid, m), set())) for m in (first, second)},
    )
