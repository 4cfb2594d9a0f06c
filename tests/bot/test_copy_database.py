"""`python -m bot copy-database`: a server's SQLite history moves to PostgreSQL intact.

The history is made the way members make it (pairing, check-ins, a confirmed and a
missed milestone), copied by the command in a separate process, and then read back
by the bot restarted on PostgreSQL: members see the same pool, the same leaderboard,
and the same partnership, and the copy refuses to run twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import TandemBot, create_bot
from bot.settings import Settings
from bot.store import Store, open_database
from bot.store.copy import copy_database
from tests.helpers import (
    DAY,
    Server,
    add,
    advance_to,
    check_in,
    goal,
    messages_with,
    pair,
    reply,
    run_cli,
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The server starts on SQLite whichever engine the suite runs on."""
    return Settings(_env_file=None, database_path=tmp_path / "tandem.db", discord_token=None)


async def table_counts(store: Store) -> dict[str, int]:
    return {
        table: int(await store.db.fetch_value(f"SELECT COUNT(*) FROM {table}"))
        for table in await store.db.table_names()
        # The send budget is a running bot's pacing (its latest requests), not data.
        if table not in {"schema_version", "send_budget"}
    }


async def test_copy_moves_every_row_and_the_bot_carries_on_on_postgres(
    ready: Server,
    settings: Settings,
    postgres: str,
    tmp_path: Path,
    make_bot: Callable[[], TandemBot],
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await check_in(ready, alice)
    goal_id = await goal(ready, alice)
    await add(ready, alice, goal_id, title="Chapter 4", pledge=5.0)
    await add(ready, alice, goal_id, title="Chapter 5", due="2026-01-02", pledge=3.0)
    await alice.slash(ready.general, "milestone done", milestone="1")
    thread = ready.thread(partnership.thread_id)
    await bob.click(messages_with(thread, "is done!")[-1], label="Confirm")
    await advance_to(ready, datetime(2026, 1, 3, tzinfo=UTC))  # Chapter 5 is missed
    before = [
        reply(await bob.slash(ready.general, "pool view")),
        reply(await alice.slash(ready.general, "partner status")),
        reply(await alice.slash(ready.general, "leaderboard", period="all")),
    ]
    assert "3 points" in before[0] and alice.mention in before[2]
    counts = await table_counts(ready.bot.store)
    assert counts["ledger_entries"] == 1 and counts["checkins"] == 1

    env = {"TANDEM_DATABASE_PATH": str(settings.database_path)}
    # The target from the environment, so no password stands on the command line.
    copied = run_cli("copy-database", env={**env, "TANDEM_DATABASE_URL": postgres}, cwd=tmp_path)
    assert copied.returncode == 0, copied.stderr
    total = sum(counts.values())
    assert f"copied {total} rows" in copied.stdout and "1 pool balances verified" in copied.stdout

    on_postgres = create_bot(Settings(_env_file=None, database_url=postgres, discord_token=None))
    try:
        await ready.env.restart_bot(on_postgres)
        assert await table_counts(on_postgres.store) == counts
        after = [
            reply(await bob.slash(ready.general, "pool view")),
            reply(await alice.slash(ready.general, "partner status")),
            reply(await alice.slash(ready.general, "leaderboard", period="all")),
        ]
        assert after == before
        # New rows continue after the copied ids instead of colliding with them.
        added = await add(ready, alice, goal_id, title="Chapter 6", due="2026-01-10")
        assert "Chapter 6" in reply(added)
        await ready.env.advance_time(DAY)
        assert not ready.errors()
    finally:
        await on_postgres.store.close()

    again = run_cli("copy-database", "--to", postgres, env=env, cwd=tmp_path)
    assert again.returncode == 2
    assert "copy refused, no rows written: the PostgreSQL database is not empty" in again.stderr
    assert postgres not in again.stdout + again.stderr


async def test_copy_refuses_a_missing_source_and_a_url_that_is_not_postgres(
    tmp_path: Path,
) -> None:
    env = {"TANDEM_DATABASE_PATH": str(tmp_path / "nothing.db")}
    missing = run_cli(
        "copy-database", "--to", "postgresql://x@127.0.0.1:1/db", env=env, cwd=tmp_path
    )
    assert missing.returncode == 2 and "no SQLite database at" in missing.stderr
    wrong = run_cli("copy-database", "--to", "mysql://x@host/db", env=env, cwd=tmp_path)
    assert wrong.returncode == 2 and "TANDEM_DATABASE_URL: " in wrong.stderr
    assert not (tmp_path / "nothing.db").exists()
    neither = run_cli("copy-database", env=env, cwd=tmp_path)
    assert neither.returncode == 2
    assert neither.stderr == "tandem: copy-database needs --to or TANDEM_DATABASE_URL\n"


async def test_a_large_table_is_copied_a_chunk_at_a_time(tmp_path: Path, postgres: str) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    source = await open_database(tmp_path / "big.db", now)
    target = await open_database(postgres, now)
    try:
        async with source.transaction() as conn:
            await conn.executemany(
                "INSERT INTO profiles (guild_id, user_id, timezone) VALUES (1, ?, 'UTC')",
                [(user,) for user in range(1, 12)],
            )
            await conn.execute("DELETE FROM profiles WHERE user_id = 5")  # a gap in rowids
        report = await copy_database(source, target, chunk=3)
        assert report.rows["profiles"] == 10
        copied = await target.fetch_all("SELECT user_id FROM profiles ORDER BY user_id")
        assert [row["user_id"] for row in copied] == [u for u in range(1, 12) if u != 5]
    finally:
        await target.close()
        await source.close()
