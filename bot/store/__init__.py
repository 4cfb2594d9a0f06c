"""All SQL of the project; the rest of the code calls these repositories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.log import get
from bot.models import RequestKind
from bot.shards import EVERY_SHARD, Shards
from bot.store.checkins import CheckinStore, adopt_cadence, adopt_schedule
from bot.store.courses import CourseStore
from bot.store.database import Database
from bot.store.departures import DepartureStore
from bot.store.guilds import GuildStore
from bot.store.invitations import InvitationStore
from bot.store.languages import LanguageStore
from bot.store.leaderboard import LeaderboardStore
from bot.store.ledger import LedgerStore, settle_pool
from bot.store.milestones import MilestoneStore, apply_answer
from bot.store.outbox import OutboxStore
from bot.store.partnerships import PartnershipStore
from bot.store.pauses import PauseStore
from bot.store.postgres import PostgresDatabase
from bot.store.privacy import PrivacyStore
from bot.store.profiles import ProfileStore
from bot.store.progress import ProgressStore
from bot.store.queue import QueueStore
from bot.store.recaps import RecapStore
from bot.store.reminders import ReminderStore
from bot.store.requests import RequestStore
from bot.store.sqlite import SQLiteDatabase
from bot.store.voice import VoiceStore

log = get("store")


@dataclass
class Store:
    db: Database
    guilds: GuildStore
    profiles: ProfileStore
    courses: CourseStore
    queue: QueueStore
    invitations: InvitationStore
    partnerships: PartnershipStore
    departures: DepartureStore
    checkins: CheckinStore
    pauses: PauseStore
    reminders: ReminderStore
    milestones: MilestoneStore
    ledger: LedgerStore
    leaderboard: LeaderboardStore
    outbox: OutboxStore
    privacy: PrivacyStore
    progress: ProgressStore
    recaps: RecapStore
    requests: RequestStore
    languages: LanguageStore
    voice: VoiceStore

    @classmethod
    async def open(cls, location: Path | str, now: datetime, shards: Shards = EVERY_SHARD) -> Store:
        """The store on the database at `location`, migrated as of `now`.

        Its timed work (due reminders, misses, messages, leaderboard changes) is that of
        the servers on `shards`.
        """
        db = await open_database(location, now)
        ledger = LedgerStore(db)
        return cls(
            db=db,
            guilds=GuildStore(db),
            profiles=ProfileStore(db),
            courses=CourseStore(db),
            queue=QueueStore(db),
            invitations=InvitationStore(db),
            partnerships=PartnershipStore(db),
            departures=DepartureStore(db),
            checkins=CheckinStore(db),
            pauses=PauseStore(db),
            reminders=ReminderStore(db, shards),
            milestones=MilestoneStore(db, shards),
            ledger=ledger,
            leaderboard=LeaderboardStore(db, shards),
            outbox=OutboxStore(db, shards),
            privacy=PrivacyStore(db),
            progress=ProgressStore(db, ledger),
            recaps=RecapStore(db, shards),
            requests=RequestStore(
                db,
                {
                    RequestKind.SCHEDULE: adopt_schedule,
                    RequestKind.CADENCE: adopt_cadence,
                    RequestKind.MILESTONE: apply_answer,
                    RequestKind.SETTLE: settle_pool,
                },
            ),
            languages=LanguageStore(db),
            voice=VoiceStore(db, shards),
        )

    async def close(self) -> None:
        await self.db.close()


def is_postgres_url(location: Path | str) -> bool:
    return str(location).startswith(("postgresql://", "postgres://"))


def _announce_if_new(path: Path) -> None:
    """Say so, with the whole path, when an SQLite file is about to be created: started
    from another folder, a relative path would otherwise quietly begin anew."""
    if str(path) != ":memory:" and not path.exists():
        log.info("no database at %s yet: creating a new, empty one", path.resolve())


async def open_database(location: Path | str, now: datetime) -> Database:
    """A PostgreSQL URL or an SQLite file's path, connected and migrated as of `now`."""
    db: Database
    if is_postgres_url(location):
        db = await PostgresDatabase.connect(str(location))
    else:
        _announce_if_new(Path(location))
        db = await SQLiteDatabase.connect(location)
    try:
        await db.migrate(now)
    except BaseException:
        await db.close()
        raise
    return db


__all__ = ["Database", "Store", "is_postgres_url", "open_database"]
