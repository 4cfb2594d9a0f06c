"""All SQL of the project; the rest of the code calls these repositories."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.log import get
from bot.models import RequestKind
from bot.shards import EVERY_SHARD, Shards
from bot.store.budget import BudgetStore
from bot.store.checkins import CheckinStore, adopt_cadence, adopt_schedule
from bot.store.courses import CourseStore
from bot.store.database import Database
from bot.store.departures import DepartureStore
from bot.store.guilds import GuildStore
from bot.store.health import HealthStore
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
from bot.store.problems import (
    PATH_SETTING,
    URL_SETTING,
    DatabaseUnavailable,
    postgres_problem,
    sqlite_problem,
)
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
    budget: BudgetStore
    guilds: GuildStore
    health: HealthStore
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
            budget=BudgetStore(db),
            guilds=GuildStore(db),
            health=HealthStore(db),
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


def _new_file(path: Path) -> Path | None:
    """The whole path of the SQLite file at `path` if opening it creates it: the bot then
    says so, lest a path read from the wrong place quietly begin anew."""
    if str(path) == ":memory:" or path.exists():
        return None
    return path.resolve()


@contextmanager
def diagnosed(location: Path | str, setting: str | None = None) -> Iterator[None]:
    """Errors of the database at `location` that the operator can act on leave as
    `DatabaseUnavailable`, its one line naming `setting` (by default the one that selects
    the engine); any other error is a bug and leaves as it came."""
    try:
        yield
    except DatabaseUnavailable:
        raise
    except Exception as error:
        problem = (
            postgres_problem(error, str(location), setting or URL_SETTING)
            if is_postgres_url(location)
            else sqlite_problem(error, Path(location), setting or PATH_SETTING)
        )
        if problem is None:
            raise
        raise problem from error


async def open_database(
    location: Path | str, now: datetime, *, setting: str | None = None
) -> Database:
    """A PostgreSQL URL or an SQLite file's path, connected and migrated as of `now`.

    Raises `DatabaseUnavailable` for what the operator can act on (see `diagnosed`).
    """
    db: Database
    with diagnosed(location, setting):
        if is_postgres_url(location):
            db = await PostgresDatabase.connect(str(location))
        else:
            new = _new_file(Path(location))
            db = await SQLiteDatabase.connect(location)
            if new is not None:  # said once created: a file that cannot be, says only that
                log.info("no database at %s yet: creating a new, empty one", new)
        try:
            await db.migrate(now)
        except BaseException:
            await db.close()
            raise
    return db


__all__ = [
    "Database",
    "DatabaseUnavailable",
    "Store",
    "diagnosed",
    "is_postgres_url",
    "open_database",
]
