"""What speaking each member's language costs.

Every message drawn for a partner thread first looks up the pair's language (the two
partners' last seen Discord languages and the server's choice); every interaction keeps
its member's language, writing only when it changed. Both must stay flat in how many
members are stored: measured with 1,000 and 100,000 members' languages stored, on each
engine, next to the cost of one translated, filled-in message.

Run from the repository root: `python bench/languages.py`.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engines import available, fresh

from bot.i18n import _, shared_language, speaking
from bot.store import Store

LOOKUPS = 2_000
TRANSLATIONS = 20_000
BATCH = 1_000


async def stored(store: Store, members: int) -> None:
    """`members` members' languages, as interactions would have kept them."""
    for start in range(0, members, BATCH):
        rows = ", ".join(f"({user}, 'pt-BR')" for user in range(start, start + BATCH))
        async with store.db.transaction() as conn:
            await conn.execute(f"INSERT INTO member_locales (user_id, locale) VALUES {rows}")


async def pair_language_ms(store: Store, members: int) -> float:
    """The median of 5 runs of the per-message lookup, in ms."""
    runs = []
    for _run in range(5):
        began = time.perf_counter()
        for user in range(LOOKUPS):
            pair = (user % members, (user * 7919) % members)
            seen = await store.languages.of_members(pair)
            shared_language([seen.get(member) for member in pair])
            await store.languages.server_language(1)
        runs.append((time.perf_counter() - began) / LOOKUPS * 1000)
    return statistics.median(runs)


async def remember_ms(store: Store, first_user: int) -> tuple[float, float]:
    """Keeping a new member's language, then the same member's unchanged one, in ms."""
    began = time.perf_counter()
    for user in range(first_user, first_user + LOOKUPS):
        await store.languages.remember(user, "es-ES")
    new = (time.perf_counter() - began) / LOOKUPS * 1000
    began = time.perf_counter()
    for user in range(first_user, first_user + LOOKUPS):
        await store.languages.remember(user, "es-ES")
    return new, (time.perf_counter() - began) / LOOKUPS * 1000


def translation_us() -> float:
    began = time.perf_counter()
    with speaking("pt-BR"):
        for _turn in range(TRANSLATIONS):
            _("Your partner was told in {where}.", where="<#1>")
    return (time.perf_counter() - began) / TRANSLATIONS * 1e6


async def main() -> None:
    print(f"one translated message, filled in: {translation_us():.1f} µs")
    for engine in await available():
        figures = {}
        for members in (1_000, 100_000):
            async with fresh(engine) as location:
                store = await Store.open(location, datetime.now(UTC))
                try:
                    await stored(store, members)
                    figures[members] = await pair_language_ms(store, members)
                    new, known = await remember_ms(store, 10**9)
                finally:
                    await store.close()
            print(
                f"{engine}, {members:,} members: pair language {figures[members]:.3f} ms"
                f" per message; keeping a language {new:.3f} ms new, {known:.4f} ms unchanged"
            )
        print(f"{engine} ratio 100k/1k: {figures[100_000] / figures[1_000]:.2f} (flat: ~1)")


if __name__ == "__main__":
    asyncio.run(main())
