"""Two bot processes draining one PostgreSQL outbox: throughput, and not one duplicate.

10,000 messages wait in 1,000 channels (10 each). Worker processes run the outbox job's
store side as `Outbox.flush` does: read what is due, claim each row (`OutboxStore.claim`),
mark it attempted, "post" it, record it delivered. Posting stands in for Discord with a
fixed pause (`POST_SECONDS`) and a row in `bench_posts`, so a message posted twice would
show there. The same drain is timed with one worker, then with two, on fresh schemas.

Run from the repository root: `python bench/processes.py` (needs PostgreSQL, see
`bench/engines.py`).
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engines import POSTGRES, available, fresh

from bot.store import Store
from bot.store.database import to_timestamp

NOW = datetime(2026, 6, 1, tzinfo=UTC)  # simulated time; never the wall clock
MESSAGES = 10_000
CHANNELS = 1_000
GUILD = 1
POST_SECONDS = 0.002  # a Discord post, far shorter than a real one: the store is the test


async def fill(url: str) -> None:
    store = await Store.open(url, NOW)
    try:
        async with store.db.transaction() as conn:
            await conn.execute(
                "CREATE TABLE bench_posts (outbox_id BIGINT NOT NULL, worker TEXT NOT NULL)"
            )
            await conn.executemany(
                "INSERT INTO outbox (key, guild_id, channel_id, kind, episode, due_at, created_at)"
                " VALUES (?, ?, ?, 'celebration', ?, ?, ?)",
                [
                    (f"bench:{n}", GUILD, 1_000_000 + n % CHANNELS, n, to_timestamp(NOW) - 60, 0)
                    for n in range(MESSAGES)
                ],
            )
            await conn.execute("ANALYZE")
    finally:
        await store.close()


async def work(url: str, worker: str) -> None:
    """One process's outbox job, until nothing is due."""
    store = await Store.open(url, NOW)
    try:
        while rows := await store.outbox.due(NOW):
            for row in rows:
                claimed = await store.outbox.claim(row, worker, NOW)
                if claimed is None:
                    continue
                assert await store.outbox.mark_attempted(claimed, worker, NOW, "digest")
                await asyncio.sleep(POST_SECONDS)
                async with store.db.transaction() as conn:
                    await conn.execute(
                        "INSERT INTO bench_posts (outbox_id, worker) VALUES (?, ?)",
                        (claimed.id, worker),
                    )
                await store.outbox.delivered(claimed, claimed.id)
    finally:
        await store.close()


async def drain(workers: int) -> tuple[float, int, int, dict[str, int]]:
    """Seconds to deliver everything with `workers` processes; posts, duplicates, per worker."""
    async with fresh(POSTGRES) as url:
        await fill(url)
        started = time.perf_counter()
        processes = [
            await asyncio.create_subprocess_exec(sys.executable, __file__, url, f"worker-{n}")
            for n in range(workers)
        ]
        codes = [await process.wait() for process in processes]
        seconds = time.perf_counter() - started
        assert codes == [0] * workers, codes
        store = await Store.open(url, NOW)
        try:
            posts = int(await store.db.fetch_value("SELECT COUNT(*) FROM bench_posts"))
            distinct = await store.db.fetch_value(
                "SELECT COUNT(DISTINCT outbox_id) FROM bench_posts"
            )
            unsent = await store.db.fetch_value(
                "SELECT COUNT(*) FROM outbox WHERE status != 'sent'"
            )
            assert unsent == 0 and distinct == MESSAGES, (unsent, distinct)
            shares = {
                row["worker"]: int(row["posts"])
                for row in await store.db.fetch_all(
                    "SELECT worker, COUNT(*) AS posts FROM bench_posts GROUP BY worker ORDER BY 1"
                )
            }
        finally:
            await store.close()
    return seconds, posts, posts - MESSAGES, shares


async def main() -> None:
    if POSTGRES not in await available():
        return
    rates = {}
    for workers in (1, 2):
        seconds, posts, duplicates, shares = await drain(workers)
        rates[workers] = MESSAGES / seconds
        print(
            f"{workers} process(es): {MESSAGES} messages in {seconds:.1f} s ="
            f" {rates[workers]:,.0f}/s; {posts} posts, {duplicates} duplicates; per process {shares}"
        )
    print(f"throughput two/one: {rates[2] / rates[1]:.2f}")


if __name__ == "__main__":
    if len(sys.argv) == 3:
        asyncio.run(work(sys.argv[1], sys.argv[2]))
    else:
        asyncio.run(main())
