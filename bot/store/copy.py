"""Moving a server's history from the SQLite file to PostgreSQL, verified before commit.

The copy runs in one PostgreSQL transaction: rows go over table by table (parents before
the tables that refer to them), identity counters continue after the copied ids, and the
copy commits only when every table's row count and every pool's balance match the source.
`leaderboard_places`, `health_counts` and `health_waiting` are not copied: PostgreSQL's
triggers rebuild them from `leaderboard`, `partnerships` and `queue_entries` as rows
arrive, and their counts are then checked like any other table's.
"""

from __future__ import annotations

from dataclasses import dataclass
from graphlib import TopologicalSorter

from bot.store.database import Database, Row
from bot.store.postgres import PostgresConnection, PostgresDatabase
from bot.store.sqlite import SQLiteDatabase

# Rows read from SQLite and sent to PostgreSQL at a time.
COPY_CHUNK = 5_000
# Kept by triggers on the target; compared, never copied.
_DERIVED = frozenset({"leaderboard_places", "health_counts", "health_waiting", "schema_version"})
_POOLS = (
    "SELECT partnership_id, SUM(amount) AS balance FROM ledger_entries"
    " GROUP BY partnership_id ORDER BY partnership_id"
)


class CopyRefused(Exception):
    """The copy would overwrite or could not prove itself; nothing was written."""


@dataclass(frozen=True)
class CopyReport:
    rows: dict[str, int]
    pools: int
    schema_version: int


async def copy_database(source: Database, target: Database, chunk: int = COPY_CHUNK) -> CopyReport:
    """Copy every row of `source` (migrated to the current schema) into an empty `target`."""
    if not isinstance(source, SQLiteDatabase):
        raise CopyRefused("the source must be an SQLite database")
    if not isinstance(target, PostgresDatabase):
        raise CopyRefused("the target must be a PostgreSQL database")
    version = await source.schema_version()
    if await target.schema_version() != version:
        raise CopyRefused(f"the databases are at different schema versions; expected {version}")
    tables = await source.table_names()
    if missing := set(tables) - set(await target.table_names()):
        raise CopyRefused(f"tables missing on PostgreSQL: {', '.join(sorted(missing))}")
    counts = {table: await _count(source, table) for table in tables if table != "schema_version"}
    async with target.transaction() as conn:
        assert isinstance(conn, PostgresConnection)
        await _refuse_unless_empty(conn, counts)
        for table in await _parents_first(conn, counts):
            if table not in _DERIVED:
                await _copy_table(source, conn, table, chunk)
        await _continue_identities(conn, counts)
        await _verify(source, conn, counts)
    pools = len(await source.fetch_all(_POOLS))
    return CopyReport(rows=counts, pools=pools, schema_version=version)


async def _count(db: Database, table: str) -> int:
    return int(await db.fetch_value(f"SELECT COUNT(*) FROM {table}"))


async def _refuse_unless_empty(conn: PostgresConnection, counts: dict[str, int]) -> None:
    filled = [t for t in counts if int(await conn.fetch_value(f"SELECT COUNT(*) FROM {t}"))]
    if filled:
        raise CopyRefused(f"the PostgreSQL database is not empty ({', '.join(filled)} have rows)")


async def _parents_first(conn: PostgresConnection, counts: dict[str, int]) -> list[str]:
    """Tables in an order where every foreign key points at a table already copied."""
    graph: dict[str, set[str]] = {table: set() for table in counts}
    for row in await conn.fetch_all(
        "SELECT child.relname AS child, parent.relname AS parent FROM pg_constraint c"
        " JOIN pg_class child ON child.oid = c.conrelid"
        " JOIN pg_class parent ON parent.oid = c.confrelid"
        " WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace"
    ):
        if row["child"] in graph and row["parent"] != row["child"]:
            graph[row["child"]].add(row["parent"])
    return list(TopologicalSorter(graph).static_order())


async def _copy_table(source: Database, conn: PostgresConnection, table: str, chunk: int) -> None:
    """`chunk` rows at a time, in SQLite's rowid order: memory stays flat however large."""
    after = 0
    while rows := await source.fetch_all(
        f"SELECT rowid AS copy_position, * FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT ?",
        (after, chunk),
    ):
        columns = list(rows[0].keys())[1:]  # all but copy_position
        await conn.copy_rows(table, columns, [tuple(row[c] for c in columns) for row in rows])
        after = rows[-1]["copy_position"]


async def _continue_identities(conn: PostgresConnection, counts: dict[str, int]) -> None:
    """New rows get ids after the copied ones, as they would have in the SQLite file."""
    for row in await conn.fetch_all(
        "SELECT table_name AS name FROM information_schema.columns WHERE table_schema ="
        " current_schema() AND column_name = 'id' AND is_identity = 'YES'"
    ):
        if row["name"] in counts:
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{row['name']}', 'id'),"
                f" (SELECT COALESCE(MAX(id), 0) + 1 FROM {row['name']}), false)"
            )


async def _verify(source: Database, conn: PostgresConnection, counts: dict[str, int]) -> None:
    for table, expected in counts.items():
        copied = int(await conn.fetch_value(f"SELECT COUNT(*) FROM {table}"))
        if copied != expected:
            raise CopyRefused(f"{table}: {copied} rows copied, {expected} in the source")
    expected_pools = [_pool(row) for row in await source.fetch_all(_POOLS)]
    if [_pool(row) for row in await conn.fetch_all(_POOLS)] != expected_pools:
        raise CopyRefused("pool balances differ after the copy")


def _pool(row: Row) -> tuple[int, int]:
    return int(row["partnership_id"]), int(row["balance"])
