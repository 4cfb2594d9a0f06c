"""All SQL of the project; the rest of the code calls these repositories."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.models import RequestKind
from bot.store.checkins import CheckinStore, adopt_schedule
from bot.store.database import Database
from bot.store.guilds import GuildStore
from bot.store.leaderboard import LeaderboardStore
from bot.store.ledger import LedgerStore, settle_pool
from bot.store.milestones import MilestoneStore, apply_answer
from bot.store.outbox import OutboxStore
from bot.store.pairing import PairingStore
from bot.store.privacy import PrivacyStore
from bot.store.reminders import ReminderStore
from bot.store.requests import RequestStore


@dataclass
class Store:
    db: Database
    guilds: GuildStore
    pairing: PairingStore
    checkins: CheckinStore
    reminders: ReminderStore
    milestones: MilestoneStore
    ledger: LedgerStore
    leaderboard: LeaderboardStore
    outbox: OutboxStore
    privacy: PrivacyStore
    requests: RequestStore

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        db = await Database.open(path)
        return cls(
            db=db,
            guilds=GuildStore(db),
            pairing=PairingStore(db),
            checkins=CheckinStore(db),
            reminders=ReminderStore(db),
            milestones=MilestoneStore(db),
            ledger=LedgerStore(db),
            leaderboard=LeaderboardStore(db),
            outbox=OutboxStore(db),
            privacy=PrivacyStore(db),
            requests=RequestStore(
                db,
                {
                    RequestKind.SCHEDULE: adopt_schedule,
                    RequestKind.MILESTONE: apply_answer,
                    RequestKind.SETTLE: settle_pool,
                },
            ),
        )

    async def close(self) -> None:
        await self.db.close()


__all__ = ["Database", "Store"]
