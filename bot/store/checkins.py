"""Check-in answers, schedule proposals and the two-week trial answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.errors import UserError
from bot.models import Partnership
from bot.schedule import WeeklyTime
from bot.store.database import Database, from_timestamp, to_timestamp


@dataclass(frozen=True)
class Answers:
    completed: str
    next_goal: str
    blockers: str


@dataclass(frozen=True)
class Proposal:
    id: int
    partnership_id: int
    proposer_id: int
    weekly: WeeklyTime
    status: str


class CheckinStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        partnership: Partnership,
        user_id: int,
        week: datetime,
        answers: Answers,
        now: datetime,
    ) -> int | None:
        """Store this week's answers, replacing an earlier one; returns the old message to edit."""
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT message_id FROM checkins WHERE partnership_id = ? AND user_id = ? AND week_at = ?",
                (partnership.id, user_id, to_timestamp(week)),
            )
            await conn.execute(
                "INSERT INTO checkins (partnership_id, guild_id, user_id, week_at, completed, next_goal,"
                " blockers, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (partnership_id, user_id, week_at) DO UPDATE SET"
                " completed = excluded.completed, next_goal = excluded.next_goal,"
                " blockers = excluded.blockers, created_at = excluded.created_at",
                (
                    partnership.id,
                    partnership.guild_id,
                    user_id,
                    to_timestamp(week),
                    answers.completed,
                    answers.next_goal,
                    answers.blockers,
                    to_timestamp(now),
                ),
            )
            # A check-in ends a quiet spell: let the reminder loop re-plan this pair.
            await conn.execute(
                "UPDATE partnerships SET alarm_at = ? WHERE id = ? AND ended_at IS NULL",
                (to_timestamp(now), partnership.id),
            )
        return next((row[0] for row in rows), None)

    async def set_message(
        self, partnership_id: int, user_id: int, week: datetime, message_id: int
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE checkins SET message_id = ? WHERE partnership_id = ? AND user_id = ? AND week_at = ?",
                (message_id, partnership_id, user_id, to_timestamp(week)),
            )

    async def weeks(self, guild_id: int, user_id: int) -> list[datetime]:
        return (await self.weeks_of(guild_id, [user_id]))[user_id]

    async def weeks_of(self, guild_id: int, user_ids: list[int]) -> dict[int, list[datetime]]:
        """Check-in weeks per member, newest first: what streaks are computed from."""
        weeks: dict[int, list[datetime]] = {user_id: [] for user_id in user_ids}
        if not user_ids:
            return weeks
        rows = await self._db.fetch_all(
            f"SELECT user_id, week_at FROM checkins WHERE guild_id = ?"
            f" AND user_id IN ({','.join('?' * len(user_ids))}) ORDER BY week_at DESC",
            (guild_id, *user_ids),
        )
        for user_id, week_at in rows:
            weeks[user_id].append(from_timestamp(week_at))
        return weeks

    async def propose(
        self, partnership: Partnership, proposer: int, weekly: WeeklyTime, now: datetime
    ) -> int:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE schedule_proposals SET status = 'void' WHERE partnership_id = ? AND status = 'pending'",
                (partnership.id,),
            )
            cursor = await conn.execute(
                "INSERT INTO schedule_proposals (partnership_id, proposer_id, timezone, weekday, minute,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    partnership.id,
                    proposer,
                    weekly.zone,
                    weekly.weekday,
                    weekly.minute,
                    to_timestamp(now),
                ),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def proposal(self, proposal_id: int) -> Proposal | None:
        row = await self._db.fetch_one(
            "SELECT id, partnership_id, proposer_id, timezone, weekday, minute, status"
            " FROM schedule_proposals WHERE id = ?",
            (proposal_id,),
        )
        if row is None:
            return None
        return Proposal(row[0], row[1], row[2], WeeklyTime(row[4], row[5], row[3]), row[6])

    async def confirm(self, proposal: Proposal, now: datetime) -> None:
        """Adopt the new time once; the loop re-plans reminders from it."""
        weekly = proposal.weekly
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE schedule_proposals SET status = 'accepted' WHERE id = ? AND status = 'pending'",
                (proposal.id,),
            )
            if cursor.rowcount != 1:
                raise UserError("This proposal was already answered or replaced by a newer one.")
            await conn.execute(
                "UPDATE partnerships SET timezone = ?, weekday = ?, minute = ?, next_checkin_at = ?,"
                " alarm_at = ? WHERE id = ? AND ended_at IS NULL",
                (
                    weekly.zone,
                    weekly.weekday,
                    weekly.minute,
                    to_timestamp(weekly.next_after(now)),
                    to_timestamp(now),
                    proposal.partnership_id,
                ),
            )

    async def answer_trial(self, partnership_id: int, user_id: int, answer: str) -> dict[int, str]:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO trial_answers (partnership_id, user_id, answer) VALUES (?, ?, ?)"
                " ON CONFLICT DO UPDATE SET answer = excluded.answer",
                (partnership_id, user_id, answer),
            )
            rows = await conn.execute_fetchall(
                "SELECT user_id, answer FROM trial_answers WHERE partnership_id = ?",
                (partnership_id,),
            )
        return {row[0]: row[1] for row in rows}
