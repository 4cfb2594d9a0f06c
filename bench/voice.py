"""What voice rooms cost where they are hot, as calls pile up.

Every voice move in a server (anyone joining, leaving or switching any voice channel)
asks whether the channel is a pair's room; a partner's move in a room writes a stay and
moves the room's closing; the scheduler asks when the next room is due, and a press of
**Start a call** while a room is open finds it again. All must stay flat in how many
calls were ever made: measured with 1,000 and 100,000 past rooms (200,000 stays) stored,
on each engine.

Run from the repository root: `python bench/voice.py`.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engines import available, fresh

from bot.store import Store

GUILD = 1 << 22
COURSE = "course"
MEMBER = 10**9
BATCH = 2_000
TURNS = 500
OPEN_NOW = 10  # rooms open at the moment of measuring, the default cap


async def stored(store: Store, rooms: int, now: datetime) -> None:
    """`rooms` past calls of as many pairs, each with both partners' stays; then a few
    pairs with their room open now."""
    stamp = int(now.timestamp())
    span = (stamp - 3600, stamp + 1800, stamp)  # opened an hour ago, closing, seen now
    async with store.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO courses (guild_id, course_key, name) VALUES (?, ?, ?)",
            (GUILD, COURSE, COURSE),
        )
    for start in range(1, rooms + OPEN_NOW + 1, BATCH):
        ids = range(start, min(start + BATCH, rooms + OPEN_NOW + 1))
        async with store.db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO partnerships (id, guild_id, course_key, timezone, weekday, minute,"
                " created_at) VALUES (?, ?, ?, 'UTC', 0, 0, ?)",
                [(pair, GUILD, COURSE, stamp) for pair in ids],
            )
            await conn.executemany(
                "INSERT INTO partnership_members (partnership_id, guild_id, course_key, user_id,"
                " pace, seat) VALUES (?, ?, ?, ?, 10, ?)",
                [(pair, GUILD, COURSE, 2 * pair + seat, seat) for pair in ids for seat in (0, 1)],
            )
            await conn.executemany(
                "INSERT INTO voice_rooms (id, guild_id, partnership_id, status, channel_id,"
                " opened_at, due_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (pair, GUILD, pair, "closed" if pair <= rooms else "open", MEMBER + pair, *span)
                    for pair in ids
                ],
            )
            await conn.executemany(
                "INSERT INTO voice_presence (room_id, guild_id, user_id, joined_at, left_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (pair, GUILD, 2 * pair + seat, stamp - 3600, stamp - 2400)
                    for pair in ids
                    if pair <= rooms
                    for seat in (0, 1)
                ],
            )


async def per_turn_ms(work: Callable[[int], Awaitable[object]]) -> float:
    """The median of 5 runs of `TURNS` turns, in ms per turn."""
    runs = []
    for _run in range(5):
        began = time.perf_counter()
        for turn in range(TURNS):
            await work(turn)
        runs.append((time.perf_counter() - began) / TURNS * 1000)
    return statistics.median(runs)


async def measure(store: Store, rooms: int, now: datetime) -> dict[str, float]:
    voice = store.voice
    open_ids = [rooms + n for n in range(1, OPEN_NOW + 1)]
    pairs = [await store.partnerships.partnership(pair) for pair in open_ids]

    async def not_a_room(turn: int) -> None:
        await voice.room_in(MEMBER * 7 + turn)

    async def partner_moves(turn: int) -> None:
        pair = open_ids[turn % OPEN_NOW]
        room = await voice.room_in(MEMBER + pair)
        assert room is not None
        moment = now + timedelta(seconds=turn)
        await voice.joined(room, 2 * pair, moment)
        await voice.left(room, 2 * pair, moment + timedelta(seconds=1))

    async def next_due(_turn: int) -> None:
        await voice.next_due()

    async def press_again(turn: int) -> None:
        pair = pairs[turn % OPEN_NOW]
        assert pair is not None
        await voice.open(pair, pair.members[0], OPEN_NOW, now)

    return {
        "voice move elsewhere": await per_turn_ms(not_a_room),
        "partner joins and leaves": await per_turn_ms(partner_moves),
        "scheduler's next room": await per_turn_ms(next_due),
        "press while open": await per_turn_ms(press_again),
    }


async def main() -> None:
    now = datetime.now(UTC)
    for engine in await available():
        figures: dict[int, dict[str, float]] = {}
        for rooms in (1_000, 100_000):
            async with fresh(engine) as location:
                store = await Store.open(location, now)
                try:
                    await stored(store, rooms, now)
                    figures[rooms] = await measure(store, rooms, now)
                finally:
                    await store.close()
        for what, small in figures[1_000].items():
            big = figures[100_000][what]
            print(
                f"{engine}: {what}: {small:.3f} ms with 1k past rooms, {big:.3f} ms with 100k"
                f" (x{big / small:.2f}; flat: ~1)"
            )


if __name__ == "__main__":
    asyncio.run(main())
