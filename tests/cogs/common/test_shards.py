"""A process running some of the bot's shards does the timed work of its own servers only.

Sharded processes share PostgreSQL (SQLite refuses them), so this runs on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import simcord

from bot.settings import Settings
from tests.helpers import HOUR, advance, messages_with, pair, study_server

FRIDAY = 4


@pytest.fixture
def settings(tmp_path: Path, database: Path | str) -> Settings:
    """This process runs shard 0 of 2 (on PostgreSQL: SQLite refuses this)."""
    if isinstance(database, Path):
        pytest.skip("sharded processes share PostgreSQL; SQLite refuses them")
    return Settings(
        _env_file=None,
        database_url=database,
        shard_count=2,
        shard_ids="0",
        discord_token=None,
    )


@pytest.mark.simcord(settle_timeout=30, shard_count=2)
async def test_a_shard_process_does_the_timed_work_of_its_own_servers_only(
    simcord_env: simcord.Env,
) -> None:
    mine = study_server(simcord_env, "Shard zero", shard=0)
    theirs = study_server(simcord_env, "Shard one", shard=1)
    await mine.moderator.slash(
        mine.general, "setup", leaderboard_channel=mine.leaderboard, partner_channel=mine.partners
    )
    partnership = await pair(
        mine,
        mine.member("alice"),
        mine.member("bob"),
        timezone="UTC",
        checkin_day=FRIDAY,
        checkin_time="12:00",
    )
    store = mine.bot.store
    # A pair of the other shard's server, as the process running shard 1 stored it.
    async with store.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO partnerships (guild_id, course_key, thread_id, timezone, weekday,"
            " minute, created_at, next_checkin_at, alarm_at)"
            " SELECT ?, course_key, 1, timezone, weekday, minute, created_at, next_checkin_at,"
            " alarm_at FROM partnerships WHERE id = ?",
            (theirs.guild.id, partnership.id),
        )
    before = await store.db.fetch_value(
        "SELECT alarm_at FROM partnerships WHERE guild_id = ?", (theirs.guild.id,)
    )

    await advance(mine, 13 * HOUR)  # both pairs' heads-ups fall due on Thursday at noon
    assert messages_with(mine.thread(partnership.thread_id), "Heads-up")
    assert (
        await store.db.fetch_value(
            "SELECT alarm_at FROM partnerships WHERE guild_id = ?", (theirs.guild.id,)
        )
        == before
    )
    assert (
        await store.db.fetch_value(
            "SELECT COUNT(*) FROM outbox WHERE guild_id = ?", (theirs.guild.id,)
        )
        == 0
    )
