"""The store's one door to its database: connections, transactions and migrations.

Store modules speak to a `Connection`, never to a driver, so the same SQL runs on the
embedded SQLite file and on PostgreSQL. They write named (`:name`) or positional (`?`)
placeholders and the SQL both engines share; an engine translates what it must.
"""

from __future__ import annotations

import importlib
import re
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from datetime import UTC, datetime
from importlib import resources
from time import perf_counter
from typing import Any, ClassVar, Protocol

from bot.log import get
from bot.models import Role

log = get("store")

Params = Sequence[Any] | dict[str, Any]
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.(sql|py)$")


class Row(Protocol):
    """A result row, read by column name (or, for one-column reads, by position)."""

    def __getitem__(self, key: str | int, /) -> Any: ...

    def keys(self) -> Iterable[str]: ...


class IntegrityError(Exception):
    """A constraint refused a change, whichever engine refused it."""


class Reads(ABC):
    """One row or one value, read through `fetch_all`: a connection's or a database's."""

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]


class Connection(Reads):
    """One connection, inside a transaction when given by `Database.transaction`."""

    # Whether INSERT, UPDATE and DELETE may run inside WITH (PostgreSQL), so a batch's
    # several writes can be one statement over one read of the batch.
    writable_ctes: ClassVar[bool]

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns how many rows it changed."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement once per parameter set."""

    @abstractmethod
    async def execute_script(self, script: str) -> None:
        """Run a migration's statements, in order."""

    @abstractmethod
    async def serialize(self, name: str) -> None:
        """Until this transaction ends, others that serialize on `name` wait, in any process.

        For work whose reads decide its writes (a high-water mark, counts to subtract),
        where two processes interleaving would apply it twice.
        """


@contextmanager
def integrity(driver_error: type[Exception]) -> Iterator[None]:
    """Re-raise the driver's constraint error as the store's own."""
    try:
        yield
    except driver_error as error:
        raise IntegrityError(str(error)) from error


class Database(Reads):
    """One engine's connections, transactions and migrations, behind one interface.

    `revision` counts committed transactions in this process: the scheduler wakes when
    it moves, since only a commit can bring work forward. Each transaction's seconds,
    from asking for it to its end (waiting for this process's turn included), go to
    the callback given to `time_transactions` (the bot's metrics).
    """

    # The package holding this engine's numbered migrations.
    migrations: ClassVar[str]
    # Whether other processes may write the same database (PostgreSQL) or not (SQLite).
    shared: ClassVar[bool]

    def __init__(self) -> None:
        self.revision = 0
        self._observe: Callable[[float], None] | None = None
        self._on_commit: Callable[[], None] | None = None

    def on_commit(self, notify: Callable[[], None] | None) -> None:
        """Call `notify()` after each commit (the scheduler's loop rests until then)."""
        self._on_commit = notify

    def _committed(self) -> None:
        """Each engine's `transaction` calls this once its transaction committed."""
        self.revision += 1
        if self._on_commit is not None:
            self._on_commit()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Each engine's `transaction` is timed, wrapped here once: no engine can forget it."""
        super().__init_subclass__(**kwargs)
        if "transaction" in vars(cls):
            # setattr: a type checker refuses replacing a method by assignment.
            setattr(cls, "transaction", _timed(vars(cls)["transaction"]))  # noqa: B010

    def time_transactions(self, observe: Callable[[float], None]) -> None:
        """Call `observe(seconds)` as each transaction ends, committed or rolled back."""
        self._observe = observe

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """All statements inside commit together or not at all."""

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """A read outside any transaction."""

    async def write(self, sql: str, params: Params = ()) -> int:
        """One statement that commits on its own; returns how many rows it changed.

        For a write that needs no other statement's company (a member's language, on
        every interaction): the engine commits it by itself, without the round trips of
        BEGIN and COMMIT. A write that changed nothing is no commit that could bring
        work forward, so only one that changed rows counts as one (`revision`).
        """
        started = perf_counter()
        try:
            changed = await self._write_alone(sql, params)
        finally:
            if self._observe is not None:
                self._observe(perf_counter() - started)
        if changed:
            self._committed()
        return changed

    @abstractmethod
    async def _write_alone(self, sql: str, params: Params) -> int:
        """`write`'s statement, outside any transaction: committed by itself."""

    @abstractmethod
    async def close(self) -> None:
        """Idempotent, so shutdown paths need not know who closed first."""

    @abstractmethod
    async def table_names(self) -> list[str]:
        """Every table of the schema, in name order (for copying and checking whole databases)."""

    async def migrate(self, now: datetime) -> list[int]:
        """Apply each numbered migration once, in order; returns those applied now.

        A migration is SQL (`NNNN_name.sql`) or, where it needs the domain's rules or
        the time, Python (`NNNN_name.py` with `async def migrate(conn, now)`).
        """
        async with self.transaction() as conn:
            await conn.serialize("tandem migrations")  # other processes wait, then skip
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)"
            )
            done = {
                row["version"] for row in await conn.fetch_all("SELECT version FROM schema_version")
            }
            applied = []
            for version, name in _migrations(self.migrations):
                if version in done:
                    continue
                await _apply(conn, self.migrations, name, now)
                await conn.execute("INSERT INTO schema_version(version) VALUES (?)", (version,))
                applied.append(version)
        if applied:
            log.info("applied migrations %s", applied)
        return applied

    async def schema_version(self) -> int:
        return int(await self.fetch_value("SELECT COALESCE(MAX(version), 0) FROM schema_version"))


def _timed(
    transaction: Callable[[Database], AbstractAsyncContextManager[Connection]],
) -> Callable[[Database], AbstractAsyncContextManager[Connection]]:
    @asynccontextmanager
    async def timed(db: Database) -> AsyncIterator[Connection]:
        started = perf_counter()
        try:
            async with transaction(db) as conn:
                yield conn
        finally:
            if db._observe is not None:
                db._observe(perf_counter() - started)

    return timed


def _migrations(package: str) -> list[tuple[int, str]]:
    """(version, file name) of every migration in `package`, in order."""
    folder = resources.files(package)
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name))
    return sorted(found)


async def _apply(conn: Connection, package: str, name: str, now: datetime) -> None:
    if name.endswith(".py"):
        module = importlib.import_module(f"{package}.{name.removesuffix('.py')}")
        await module.migrate(conn, now)
        return
    await conn.execute_script((resources.files(package) / name).read_text(encoding="utf-8"))


def _both_seats(partnership: str, value: str) -> str:
    """SQL for `value` (with `{seat}` for the row) of the pair's two seats, as "first,second"."""
    return (
        f"(SELECT {value.format(seat='a')} || ',' || {value.format(seat='b')}"
        " FROM partnership_members a JOIN partnership_members b"
        " ON b.partnership_id = a.partnership_id AND b.seat = 1"
        f" WHERE a.partnership_id = {partnership} AND a.seat = 0)"
    )


def pair_members_of(partnership: str) -> str:
    """SQL for the two partners of the pair whose id is `partnership`, as "first,second"."""
    return _both_seats(partnership, "CAST({seat}.user_id AS TEXT)")


# The two partners of `p`, in the order they were added.
PAIR_MEMBERS = pair_members_of("p.id")


def pair_members(value: Any) -> tuple[int, int]:
    first, second = (int(part) for part in str(value).split(","))
    return first, second


def pair_roles_of(partnership: str) -> str:
    """SQL for the roles (`bot.models.Role`) of the pair `partnership`, as "first,second"."""
    return _both_seats(partnership, "{seat}.role")


# The roles of `p`'s two partners, in the order of `PAIR_MEMBERS`.
PAIR_ROLES = pair_roles_of("p.id")


def pair_roles(value: Any) -> tuple[Role, Role]:
    """Two peers unless the pair is a mentorship (and for a row without roles)."""
    if value is None:
        return Role.PEER, Role.PEER
    first, second = (Role(part) for part in str(value).split(","))
    return first, second


def to_timestamp(instant: datetime) -> int:
    """Store instants as UTC unix seconds: sortable, indexable, zone-free."""
    if instant.tzinfo is None:
        raise ValueError("naive datetimes are not stored")
    return int(instant.timestamp())


def from_timestamp(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)
