"""Several bot processes: claims on messages, and SQLite's one-process rule.

A process that dies mid-delivery leaves its claim on the message; its successor leaves
the message alone while the claim holds, then finishes it (adopting the post it finds)
rather than posting it twice. SQLite refuses to be shared by shard processes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.app import TandemBot
from bot.settings import Settings
from bot.store.database import to_timestamp
from bot.store.outbox import CLAIM
from tests.helpers import (
    Server,
    advance,
    check_in,
    messages_with,
    pair,
    run_cli,
)


async def answers_row(server: Server) -> tuple[str, int | None]:
    row = await server.bot.store.db.fetch_one(
        "SELECT status, message_id FROM outbox WHERE kind = 'answers'"
    )
    assert row is not None
    return str(row["status"]), row["message_id"]


async def test_a_process_that_died_mid_delivery_is_finished_by_its_successor(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await check_in(ready, alice, completed="First words")
    thread = ready.thread(partnership.thread_id)
    [posted] = messages_with(thread, "")[-1:]
    _, message_id = await answers_row(ready)
    assert message_id == posted.id
    # The first process claimed the answers, posted them, and died before recording it.
    async with ready.bot.store.db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET status = 'attempted', message_id = NULL, claimed_by = ?,"
            " claimed_until = ? WHERE kind = 'answers'",
            (ready.bot.outbox.holder, to_timestamp(ready.env.now() + CLAIM)),
        )
    await ready.env.restart_bot(make_bot())  # the successor, another process

    await advance(ready, 90)  # its scheduler ticks, the claim still holds
    assert await answers_row(ready) == ("attempted", None)
    await advance(ready, CLAIM.total_seconds())
    assert await answers_row(ready) == ("sent", posted.id)  # found and adopted
    embeds = [m for m in thread.history() if m.embeds]
    assert [m.embeds[0].fields[0].value for m in embeds] == ["First words"]  # posted once


def test_sqlite_refuses_shards_that_would_share_its_file(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="TANDEM_DATABASE_URL"):
        Settings(_env_file=None, shard_count=2, shard_ids="1", discord_token=None)
    whole = Settings(_env_file=None, shard_count=2, shard_ids="0, 1", discord_token=None)
    assert whole.shards.every  # one process running every shard may use SQLite
    shared = Settings(
        _env_file=None,
        shard_count=4,
        shard_ids="1,3",
        database_url="postgresql://tandem@db:5432/tandem",
        discord_token=None,
    )
    assert shared.shards.owns(3 << 22) and not shared.shards.owns(2 << 22)
    with pytest.raises(ValidationError, match="needs TANDEM_SHARD_COUNT"):
        Settings(_env_file=None, shard_ids="0", discord_token=None)
    with pytest.raises(ValidationError, match="between 0 and 1"):
        Settings(_env_file=None, shard_count=2, shard_ids="2", discord_token=None)

    refused = run_cli(
        "--check",
        env={"TANDEM_SHARD_COUNT": "2", "TANDEM_SHARD_IDS": "1"},
        cwd=tmp_path,
    )
    assert refused.returncode == 2
    [line] = refused.stderr.strip().splitlines()
    assert "TANDEM_SHARD_IDS" in line and "TANDEM_SHARD_COUNT" in line
    assert "TANDEM_DATABASE_URL" in line and "Traceback" not in line
    assert not (tmp_path / "data").exists()  # nothing was created
