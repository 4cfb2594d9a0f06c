"""The Monday-evening peak: 20,000 reminders due in one minute, within Discord's limit.

200 servers of 100 pairs each, every pair's check-in at the same minute. The real bot
runs in SimCord, with Discord's global limit in front of SimCord's HTTP, read strictly:
a request is refused with a 429 when 50 began in the second before it. The scheduler
plans the reminders and the outbox delivers them, paced by the send budget
(`TANDEM_SEND_RATE`, 45 a second by default). Reported: lateness of each reminder (its
message's time less the check-in time) at p50, p99 and max, against the physical floor
(reminders / budget); duplicates (a thread with two reminders); requests refused by
the limit; the most requests begun in any one second; the real time the run took.

Times are SimCord's virtual clock, on which the database and Python take no time: the
figures show the pacing and the exactly-once machinery, and the real time shows
whether this machine keeps up (it must send over 45 reminders a real second).

On SQLite the bot is one process. On PostgreSQL also two: a second process's jobs
(its own store, connection pool, claims, outbox and budget reader; the same database)
run beside the first's, against the same simulated Discord and clock; its requests go
through the same HTTP client, where the budget's place it took is used.

Run from the repository root: `python bench/peak.py` (`--pairs`, `--engine`,
`--processes`).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import statistics
import sys
import time
from collections import deque
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from contextvars import copy_context
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord
import simcord
from simcord.enums import ChannelType
from simcord.http.client import FakeHTTPClient, _FakeResponse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engines import POSTGRES, SQLITE, available, fresh

from bot.app import TandemBot, create_bot
from bot.settings import Settings
from bot.store import Store
from bot.store.database import to_timestamp
from cogs.checkins.jobs import reminders_job
from cogs.common.outbox import ChannelTurns
from cogs.common.pacing import Pacer

SERVERS = 200
DISCORD_PER_SECOND = 50  # Discord's global limit: requests begun in any one second
CHECKIN = datetime(2026, 1, 5, 19, tzinfo=UTC)  # a Monday, 19:00 UTC: the peak
STEP = 5.0  # virtual seconds advanced at a time while the peak drains
GIVE_UP_AFTER = timedelta(hours=1)
REMINDER = "it's check-in time"


class Discord:
    """Discord's global limit in front of SimCord, read strictly: a request is refused
    (429) when `DISCORD_PER_SECOND` requests already began in the second before it."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        self.starts: list[float] = []
        self.refused = 0
        self._window: deque[float] = deque()

    def admit(self) -> bool:
        moment = self.now().timestamp()
        self.starts.append(moment)
        while self._window and self._window[0] <= moment - 1.0:
            self._window.popleft()
        if len(self._window) >= DISCORD_PER_SECOND:
            self.refused += 1
            return False
        self._window.append(moment)
        return True

    @contextmanager
    def installed(self) -> Iterator[None]:
        """In front of every SimCord HTTP client made meanwhile (the bot's included)."""
        served = FakeHTTPClient.request
        limit = self

        async def limited(client: FakeHTTPClient, route: Any, **options: Any) -> Any:
            if not limit.admit():
                raise discord.HTTPException(
                    _FakeResponse(429),  # type: ignore[arg-type]
                    {"message": "You are being rate limited.", "retry_after": 1, "global": True},
                )
            return await served(client, route, **options)

        FakeHTTPClient.request = limited  # type: ignore[method-assign]
        try:
            yield
        finally:
            FakeHTTPClient.request = served  # type: ignore[method-assign]

    def busiest_second(self) -> int:
        """The most requests begun in any one-second window (opening at a request)."""
        starts, most, first = sorted(self.starts), 0, 0
        for last, moment in enumerate(starts):
            while starts[first] <= moment - 1.0:
                first += 1
            most = max(most, last - first + 1)
        return most


def world(env: simcord.Env, pairs: int) -> list[list[tuple[int, int, int]]]:
    """The servers: per server its (partner channel, thread, members) rows."""
    servers = []
    per_server = pairs // SERVERS
    bot_id = env.backend.bot_user.id
    for number in range(SERVERS):
        guild = env.create_guild(f"Study server {number}")
        partners = guild.create_text_channel("partners")
        rows = []
        for pair in range(per_server):
            first, second = (
                guild.add_member(env.create_user(f"s{number}p{pair}{side}")).id for side in "ab"
            )
            thread = env.backend.create_thread(
                partners.id, f"pair {pair}", bot_id, type=ChannelType.PRIVATE_THREAD
            )
            rows.append((thread.id, first, second))
        servers.append([(guild.id, partners.id, 0), *rows])
    return servers


async def fill(store: Store, servers: list[list[tuple[int, int, int]]]) -> int:
    """Settings, courses, pairs due at `CHECKIN` (created 6 days before: no trial, review or
    nudge due yet, only the reminder), their members; returns the number of pairs."""
    created = to_timestamp(CHECKIN - timedelta(days=6))
    due = to_timestamp(CHECKIN)
    settings, courses, partnerships, members = [], [], [], []
    pid = 0
    for (guild, partners, _), *pairs in servers:
        settings.append((guild, partners, partners))
        courses.append((guild, "peak", "Peak"))
        for thread, first, second in pairs:
            pid += 1
            partnerships.append((pid, guild, thread, CHECKIN.weekday(), 19 * 60, created, due))
            members += [(pid, guild, first, 0), (pid, guild, second, 1)]
    async with store.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO guild_settings (guild_id, leaderboard_channel_id, partner_channel_id)"
            " VALUES (?, ?, ?)",
            settings,
        )
        await conn.executemany("INSERT INTO courses VALUES (?, ?, ?)", courses)
        await conn.executemany(
            "INSERT INTO partnerships (id, guild_id, course_key, thread_id, timezone, weekday,"
            " minute, created_at, next_checkin_at, alarm_at)"
            " VALUES (?, ?, 'peak', ?, 'UTC', ?, ?, ?, ?, ?)",
            [(*row, row[-1]) for row in partnerships],
        )
        await conn.executemany(
            "INSERT INTO partnership_members (partnership_id, guild_id, course_key, user_id, pace,"
            " seat) VALUES (?, ?, 'peak', ?, 10, ?)",
            members,
        )
    return pid


async def second_process(bot: TandemBot, settings: Settings) -> TandemBot:
    """Another process of the bot: its own store, claims and outbox; the same Discord."""
    other = create_bot(settings)
    other.store = await Store.open(settings.database, CHECKIN - timedelta(hours=1))
    other.http = bot.http  # the same (paced) client: one Discord for both
    other._connection = bot._connection
    outbox = copy.copy(bot.outbox)
    outbox.bot, outbox.pacer = other, Pacer(other)
    outbox.holder = f"second process:{id(outbox):x}"
    outbox._turns, outbox._draining = ChannelTurns(then=outbox.deliver_due), None
    other.outbox = outbox
    return other


def run_as_bot(bot: TandemBot, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
    """Start `work` as the bot's own (SimCord's virtual clock runs its sleeps)."""
    cog = bot.get_cog("SchedulerCog")
    context = cog._context if cog is not None else copy_context()  # type: ignore[attr-defined]
    return context.run(asyncio.get_running_loop().create_task, work)


async def ticking(bot: TandemBot, until: asyncio.Event) -> None:
    """The second process's scheduler: plan what is due, deliver, every few seconds."""
    job = reminders_job(bot)
    while not until.is_set():
        await job.run(discord.utils.utcnow())
        await bot.outbox.deliver_due()
        await asyncio.sleep(5)


def count_deliveries(bot: TandemBot, outcome: Outcome) -> None:
    """Count what this process's store records as delivered (how the work was shared)."""
    store = bot.store.outbox
    delivered = store.delivered
    index = len(outcome.delivered)
    outcome.delivered.append(0)

    async def counted(row: Any, message_id: int | None) -> None:
        outcome.delivered[index] += 1
        await delivered(row, message_id)

    store.delivered = counted  # type: ignore[method-assign]


def progress(text: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


def keep_no_views(bot: TandemBot) -> None:
    """Keep no view discord.py would store per posted message (their buttons are dynamic
    items, matched by pattern, so nothing needs them). SimCord's settling scans every
    stored view for each waiting task at every timer, so the bench's cost would grow
    with what it posted; and while SimCord moves its clock on its own (a wait it runs on
    real time), no step of the bench's loop could drop them in between."""
    state = bot._connection
    store = state.store_view

    def store_unless_posted(view: Any, message_id: int | None = None) -> None:
        if message_id is None:  # a modal, or a view not yet on a message: kept
            store(view, message_id)

    state.store_view = store_unless_posted  # type: ignore[method-assign]


async def sent(bot: TandemBot) -> int:
    return int(
        await bot.store.db.fetch_value(
            "SELECT COUNT(*) FROM outbox WHERE kind = 'checkin' AND status = 'sent'"
        )
    )


def lateness(
    env: simcord.Env, servers: list[list[tuple[int, int, int]]]
) -> tuple[list[float], int]:
    """Each reminder's seconds after the check-in, and how many threads had two."""
    seconds, duplicates = [], 0
    for _, *pairs in servers:
        for thread, _first, _second in pairs:
            posted = [
                discord.utils.snowflake_time(m.id)
                for m in env.backend.messages.get(thread, {}).values()
                if REMINDER in (m.content or "")
            ]
            duplicates += max(0, len(posted) - 1)
            seconds += [(at - CHECKIN).total_seconds() for at in posted[:1]]
    return seconds, duplicates


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Outcome:
    """What one peak came to."""

    total: int = 0
    # Reminders and other messages each process delivered.
    delivered: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    duplicates: int = 0
    real: float = 0.0


async def peak(engine: str, pairs: int, processes: int) -> None:
    async with fresh(engine) as location:
        settings = Settings(
            _env_file=None,
            discord_token=None,
            database_path=location if isinstance(location, Path) else Path("unused.db"),
            database_url=None if isinstance(location, Path) else location,
        )
        bots = [create_bot(settings)]
        limit = Discord(discord.utils.utcnow)  # SimCord's virtual clock, once it runs
        try:
            with limit.installed():
                outcome = await run_peak(bots, settings, pairs, processes, limit)
        finally:
            for made in bots:
                if hasattr(made, "store"):
                    await made.store.close()
    report(engine, processes, settings.send_rate, limit, outcome)


async def run_peak(
    bots: list[TandemBot], settings: Settings, pairs: int, processes: int, limit: Discord
) -> Outcome:
    outcome = Outcome()
    async with simcord.run(bots[0], settle_timeout=600, shard_count=1) as env:
        progress("building the servers in SimCord")
        started = time.perf_counter()
        servers = world(env, pairs)
        progress(f"storing the pairs (servers built in {time.perf_counter() - started:.0f} s)")
        outcome.total = await fill(env.bot.store, servers)
        keep_no_views(env.bot)
        await env.advance_time((CHECKIN - timedelta(seconds=5) - env.now()).total_seconds())
        stop = asyncio.Event()
        if processes == 2:
            bots.append(await second_process(env.bot, settings))
            run_as_bot(env.bot, ticking(bots[-1], stop))
        for made in bots:
            count_deliveries(made, outcome)
        limit.starts.clear()
        progress("the peak")
        started = time.perf_counter()
        while await sent(env.bot) < outcome.total and env.now() < CHECKIN + GIVE_UP_AFTER:
            await env.advance_time(STEP)
        outcome.real = time.perf_counter() - started
        stop.set()
        await env.advance_time(STEP)
        outcome.seconds, outcome.duplicates = lateness(env, servers)
    return outcome


def report(engine: str, processes: int, per_second: int, limit: Discord, outcome: Outcome) -> None:
    total, seconds = outcome.total, outcome.seconds
    floor = total / per_second
    p99 = percentile(seconds, 0.99) if seconds else float("nan")
    print(
        f"{engine}, {processes} process{'es' if processes > 1 else ''}: {len(seconds)} of"
        f" {total} reminders posted; floor {floor:.1f} s ({total} / {per_second} a second)"
    )
    if seconds:
        print(
            f"  lateness p50 {percentile(seconds, 0.5):.1f} s, p99 {p99:.1f} s"
            f" ({p99 / floor:.3f} of the floor), max {max(seconds):.1f} s,"
            f" mean {statistics.fmean(seconds):.1f} s"
        )
    busiest = limit.busiest_second()
    print(
        f"  duplicates {outcome.duplicates}; refused by Discord's limit {limit.refused};"
        f" most requests begun in one second {busiest} (budget {per_second});"
        f" {len(limit.starts)} requests in the peak; delivered per process {outcome.delivered}"
    )
    print(
        f"  real time {outcome.real:.0f} s for the peak"
        f" ({total / outcome.real:.0f} reminders a real second)"
    )
    met = (
        len(seconds) == total
        and outcome.duplicates == 0
        and limit.refused == 0
        and busiest <= per_second
        and p99 <= 1.1 * floor
    )
    print(
        "  target (all posted, 0 duplicates, none over the budget, p99 within 10% of the"
        f" floor): {'met' if met else 'NOT met'}"
    )


async def main(pairs: int, engines: list[str], processes: list[int]) -> None:
    print(f"{pairs} pairs in {SERVERS} servers, all due {CHECKIN:%A %H:%M} UTC")
    for engine in engines:
        for count in processes:
            if engine == SQLITE and count > 1:
                continue  # one process per SQLite database
            await peak(engine, pairs, count)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=20_000)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--processes", type=int, choices=(1, 2), default=None)
    arguments = parser.parse_args()
    found = asyncio.run(available())
    wanted = {"sqlite": [SQLITE], "postgresql": [POSTGRES], "both": found}[arguments.engine]
    counts = [arguments.processes] if arguments.processes else [1, 2]
    asyncio.run(main(arguments.pairs, [e for e in wanted if e in found], counts))
