"""`python -m bot backup`: a sound copy of a running bot's SQLite database, and the drill
that brings it back.

The history is made the way members make it, the command runs in another process while
the bot holds its connection open (WAL mode, the newest commits not yet checkpointed),
and the copy is read on its own; then the restore drill of docs/operators.md (stop, copy
back, start) brings back the partnership that ended after the backup.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import pytest

from bot.app import TandemBot
from bot.settings import Settings
from bot.store import Store
from tests.helpers import Server, check_in, pair, reply, run_cli

STAMPED = re.compile(r"tandem-(\d{8}T\d{6}Z)\.db")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The server runs on SQLite whichever engine the suite runs on: only SQLite is copied."""
    return Settings(_env_file=None, database_path=tmp_path / "tandem.db", discord_token=None)


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as copy:
        return list(copy.execute(sql))


async def test_a_backup_of_the_running_bot_restores_what_it_held(
    ready: Server, settings: Settings, tmp_path: Path, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await check_in(ready, alice)
    database = settings.database_path
    wal = database.with_name(database.name + "-wal")
    assert wal.stat().st_size > 0  # the newest commits are still only in the WAL

    made = run_cli("backup", env={"TANDEM_DATABASE_PATH": str(database)}, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    [copy] = (tmp_path / "backups").iterdir()
    match = STAMPED.fullmatch(copy.name)
    assert match is not None, copy.name
    taken = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - taken) < timedelta(minutes=5)
    assert made.stdout == (
        f"backed up {database} to {copy} ({copy.stat().st_size / 2**20:.1f} MiB,"
        f" schema version {await ready.bot.store.db.schema_version()}, integrity ok)\n"
    )
    # One self-contained file: nothing beside it, everything in it.
    assert sorted(p.name for p in copy.parent.iterdir()) == [copy.name]
    assert rows(copy, "PRAGMA journal_mode") == [("delete",)]
    assert rows(copy, "SELECT id FROM partnerships WHERE ended_at IS NULL") == [(partnership.id,)]
    assert rows(copy, "SELECT COUNT(*) FROM checkins") == [(1,)]

    # The bot goes on meanwhile; the pair ends after the backup.
    ended = await alice.slash(ready.general, "partner end")
    assert "ended" in reply(ended).lower()
    assert not await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id)

    # The drill: stop, copy the backup back (the old WAL must not outlive its database), start.
    await ready.bot.store.close()
    for stale in (wal, database.with_name(database.name + "-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(copy, database)
    store = await Store.open(database, discord.utils.utcnow())
    try:
        [restored] = await store.partnerships.active_partnerships(ready.guild.id, alice.id)
    finally:
        await store.close()
    assert restored.id == partnership.id and set(restored.members) == {alice.id, bob.id}
    await ready.env.restart_bot(make_bot())
    status = reply(await alice.slash(ready.general, "partner status"))
    assert bob.mention in status
    assert not ready.errors()


def test_backup_refuses_in_one_line_and_leaves_nothing_behind(tmp_path: Path) -> None:
    database = tmp_path / "tandem.db"
    env = {"TANDEM_DATABASE_PATH": str(database)}
    missing = run_cli("backup", env=env, cwd=tmp_path)
    assert (missing.returncode, missing.stderr) == (
        2,
        f"tandem: no SQLite database at {database}\n",
    )
    assert not database.exists()

    assert run_cli("--check", env=env, cwd=tmp_path).returncode == 0
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    unwritable = run_cli("backup", "--to", str(blocker / "copy.db"), env=env, cwd=tmp_path)
    assert unwritable.returncode == 2 and unwritable.stdout == ""
    assert unwritable.stderr.startswith(f"tandem: cannot back up {database} to {blocker}/copy.db")
    assert unwritable.stderr.count("\n") == 1

    first = run_cli("backup", "--to", "kept.db", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    kept = (tmp_path / "kept.db").read_bytes()
    again = run_cli("backup", "--to", "kept.db", env=env, cwd=tmp_path)
    assert (again.returncode, again.stderr) == (
        2,
        "tandem: kept.db already exists; name another with --to\n",
    )
    assert (tmp_path / "kept.db").read_bytes() == kept
    assert not list(tmp_path.rglob("*.partial"))


def test_backup_on_postgres_points_to_pg_dump_without_the_password(tmp_path: Path) -> None:
    url = "postgresql://tandem:s3cret@db.example:5432/tandem?sslmode=require"
    told = run_cli("backup", env={"TANDEM_DATABASE_URL": url}, cwd=tmp_path)
    assert told.returncode == 2 and told.stdout == ""
    [line] = told.stderr.splitlines()
    assert re.fullmatch(
        r"tandem: backup copies SQLite only; this database is PostgreSQL: back it up with"
        r" pg_dump -Fc -f tandem-\d{8}T\d{6}Z\.dump"
        r" 'postgresql://tandem@db\.example:5432/tandem\?sslmode=require'"
        r" \(pg_restore brings it back\)",
        line,
    ), line
    assert "s3cret" not in told.stderr
    assert not list(tmp_path.iterdir())
