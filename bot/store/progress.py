"""What a progress card is drawn from: a pair's check-in weeks, streaks, milestones and pool."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from bot.cadence import WEEK, rhythm_of
from bot.checkins import streak
from bot.models import (
    DEFAULT_CURRENCY,
    Cadence,
    CheckinVia,
    MilestoneStatus,
    NoticeKind,
    Partnership,
)
from bot.pauses import Span
from bot.progress import History, MemberProgress, ProgressCard, grid_row, grid_weeks
from bot.store.database import Database, from_timestamp, to_timestamp
from bot.store.ledger import LedgerStore
from bot.store.streaks import member_periods, member_spans, pair_spans


class ProgressStore:
    def __init__(self, db: Database, ledger: LedgerStore) -> None:
        self._db = db
        self._ledger = ledger

    async def card(self, partnership: Partnership, now: datetime, zone: str) -> ProgressCard:
        """The card of a pair as of now, dated on `zone`'s clocks.

        It reads only counts and weeks, never an answer, so no card can show one.
        """
        weeks = grid_weeks(partnership.weekly, now, partnership.created_at)
        counts = await self._milestone_counts(partnership)
        asked = await self._asked(partnership, weeks[0] - WEEK)
        first_asked = await self._first_asked(partnership, now)
        first, second = partnership.members
        currency = await self._db.fetch_value(
            "SELECT currency FROM guild_settings WHERE guild_id = ?", (partnership.guild_id,)
        )
        return ProgressCard(
            partnership_id=partnership.id,
            course=partnership.course,
            weeks=weeks,
            members=(
                await self._member(partnership, first, weeks, counts, asked, first_asked, now),
                await self._member(partnership, second, weeks, counts, asked, first_asked, now),
            ),
            pool=await self._ledger.balance(partnership.id),
            currency=currency or DEFAULT_CURRENCY,
            started=partnership.created_at,
            now=now,
            cadence=partnership.cadence,
            zone=zone,
        )

    async def _member(
        self,
        partnership: Partnership,
        user_id: int,
        weeks: tuple[datetime, ...],
        counts: Counter[int],
        asked: list[datetime],
        first_asked: datetime,
        now: datetime,
    ) -> MemberProgress:
        guild_id = partnership.guild_id
        every_week, cadences = await member_periods(self._db, guild_id, user_id)
        pauses = await member_spans(self._db, guild_id, user_id)
        answered, via = await self._answered(partnership, user_id, weeks[0] - WEEK)
        history = History(
            answered=answered,
            # The grid shows only this pair's breaks; the streak counts every course's.
            pauses=await pair_spans(self._db, partnership.id, user_id),
            active=Span(partnership.created_at, partnership.ended_at or now),
            checks_in=partnership.checks_in(user_id),
            asked=asked,
            first_asked=first_asked,
            via=via,
        )
        return MemberProgress(
            user_id=user_id,
            cells=grid_row(weeks, history, rhythm_of(partnership), now),
            streak=streak(every_week, now, pauses, cadences),
            confirmed=counts[user_id],
            checks_in=history.checks_in,
        )

    async def _asked(self, partnership: Partnership, since: datetime) -> list[datetime]:
        """The pair's check-ins asked since `since` (queued in the outbox; read through
        `outbox_by_pair`), and the next one due."""
        rows = await self._db.fetch_all(
            "SELECT episode AS at FROM outbox WHERE partnership_id = ? AND kind = ?"
            " AND episode >= ? UNION SELECT next_checkin_at AS at FROM partnerships"
            " WHERE id = ? AND next_checkin_at IS NOT NULL",
            (partnership.id, NoticeKind.CHECKIN, to_timestamp(since), partnership.id),
        )
        return [from_timestamp(row["at"]) for row in rows]

    async def _first_asked(self, partnership: Partnership, now: datetime) -> datetime:
        """The pair's first check-in asked (the earliest posted, else the next one due),
        read from the `outbox_by_pair` index; until one is, nothing could be missed, so
        the answer is then the pair's end, or now."""
        first = await self._db.fetch_value(
            "SELECT MIN(at) FROM (SELECT MIN(episode) AS at FROM outbox WHERE partnership_id = ?"
            " AND kind = ? UNION ALL SELECT next_checkin_at AS at FROM partnerships"
            " WHERE id = ?) AS asked",
            (partnership.id, NoticeKind.CHECKIN, partnership.id),
        )
        return from_timestamp(first) if first is not None else partnership.ended_at or now

    async def _answered(
        self, partnership: Partnership, user_id: int, since: datetime
    ) -> tuple[dict[datetime, Cadence], dict[datetime, CheckinVia]]:
        """The weeks the member checked in in this partnership since `since`, with the
        cadence each was made under and how it was made (the form, a call, a voice
        message)."""
        rows = await self._db.fetch_all(
            "SELECT week_at, cadence, via FROM checkins WHERE partnership_id = ?"
            " AND user_id = ? AND week_at >= ?",
            (partnership.id, user_id, to_timestamp(since)),
        )
        weeks = [from_timestamp(row["week_at"]) for row in rows]
        cadences = {week: Cadence(row["cadence"]) for week, row in zip(weeks, rows, strict=True)}
        via = {week: CheckinVia(row["via"]) for week, row in zip(weeks, rows, strict=True)}
        return cadences, via

    async def _milestone_counts(self, partnership: Partnership) -> Counter[int]:
        """member -> how many of their milestones in this pair are done, by the owners' index."""
        first, second = partnership.members
        rows = await self._db.fetch_all(
            "SELECT owner_id, COUNT(*) AS n FROM milestones WHERE guild_id = ?"
            " AND owner_id IN (?, ?) AND partnership_id = ? AND status = ? GROUP BY owner_id",
            (partnership.guild_id, first, second, partnership.id, MilestoneStatus.CONFIRMED),
        )
        return Counter({row["owner_id"]: int(row["n"]) for row in rows})
