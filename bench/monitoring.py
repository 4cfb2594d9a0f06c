"""What a Prometheus scrape costs the database, with 1,000 and 100,000 partnerships.

`/metrics` reads three counts (`bot.store.monitoring`): active partnerships and members
waiting from the kept per-server counts (`health_counts`), the outbox backlog from the
`outbox_due` index, and keeps them a few seconds however often it is scraped. This fills one database with 1,000 pairs and another with 100,000 (from
`bench/reminders.py`), times the three counts in each and prints their query plans, on
SQLite and, when a server answers, on PostgreSQL (see `bench/engines.py`).

Run from the repository root: `python bench/monitoring.py`.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engines import available, on_store, plan
from reminders import NOW, fill, reads_caught

from bot.shards import EVERY_SHARD
from bot.store import Store
from bot.store.monitoring import MonitoringStore

REPETITIONS = 30


async def measure(engine: str, pairs: int) -> tuple[float, int, list[list[str]]]:
    """Median milliseconds for the three counts, the pairs counted, and the query plans."""

    async def work(store: Store) -> tuple[float, int, list[list[str]]]:
        await fill(store, pairs)
        monitoring = MonitoringStore(store.db, EVERY_SHARD)
        counts = await monitoring.counts(NOW)  # warm-up
        timings = []
        for _ in range(REPETITIONS):
            started = time.perf_counter()
            await monitoring.counts(NOW)
            timings.append((time.perf_counter() - started) * 1000)
        with reads_caught(store) as caught:
            await monitoring.counts(NOW)
        plans = [await plan(store, sql, params) for sql, params in caught]
        return statistics.median(timings), counts.active_partnerships, plans

    return await on_store(engine, NOW, work)


async def main() -> None:
    for engine in await available():
        results = {}
        for label, pairs in (("1k", 1_000), ("100k", 100_000)):
            median, counted, plans = await measure(engine, pairs)
            results[label] = median
            print(
                f"{engine}, {label} pairs: the three counts take {median:.2f} ms ({counted} pairs)"
            )
        print(f"{engine} ratio 100k/1k: {results['100k'] / results['1k']:.1f}")
        print(f"{engine} query plans at 100k pairs:")
        for steps in plans:
            for step in steps:
                print(f"    {step}")


if __name__ == "__main__":
    asyncio.run(main())
