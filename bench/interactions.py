"""Every interaction's cost in an empty server, and in one holding 100,000 partnerships.

Drives the real bot through SimCord, as members would, on a server with one pair and on
the same server grown to 100,000 partnerships (200k members, 400k check-ins, 100k goals,
100k milestones of which 40% confirmed, 100k ledger entries, 400k delivered outbox rows
(200k of them the check-in reminders those check-ins answer) and 10,000 members waiting
in one course), on SQLite or PostgreSQL. For each command it prints the bot-side median
and p95 (from the interaction reaching the command tree, a button's callback or the
check-in form's handler, to its return) on both, their ratio, the longest event-loop
stall seen (by a watchdog thread) and the process's peak memory. SimCord's own settling
is not counted: it checks every task of the bot between the bot's own steps, on the same
loop, so each of its steps is timed and those inside a command's span are taken out of
it (the line under the table says how much that was). The process runs on one CPU: a
database statement is a hand-off to aiosqlite's thread and back, which costs four times
as much when that thread was placed on the other CPU, as a new bot's thread may be.

Both databases are filled before anything is timed (in a child process, so their
construction counts against neither the bot's memory nor its loop), then measured in
rounds that alternate between them (empty, big, big, empty, ...; 24 by default, 48 timed
runs of each command on each side), each round after one untimed pass over every
command on a freshly started bot, so neither side is favoured by warming up or by
coming first, and load from elsewhere on the machine falls on both. Besides the
members' commands it times a finder who fits nobody in the 10,000-member queue (the
members near their time all go too slowly for them, so the search has candidates to
turn down; they leave the queue after each try) and the last page of `/pool overview`,
by its number and by **Next ▶**.

Run from the repository root: `python bench/interactions.py [--pairs N] [--engine
postgresql] [--rounds N]` (PostgreSQL at `TANDEM_BENCH_DATABASE_URL`, default the local
test database, in schemas of its own, dropped afterwards). It is a benchmark that
prints, not a timed test, and it exits when done.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import itertools
import os
import platform
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterator
from contextlib import AsyncExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import discord
import simcord
from engines import POSTGRES, SQLITE, fresh

import cogs.checkins.cog as checkin_cog
from bot.app import TandemBot, create_bot
from bot.settings import Settings
from bot.store import open_database
from bot.store.copy import copy_database
from bot.store.sqlite import SQLiteDatabase
from cogs.ledger.pool import PoolPageButton

# The sides in the order they are measured, repeated: each as often as the other, as
# often first as second, in short rounds, so load from elsewhere on the machine falls on
# both alike.
ORDER = ("empty", "big", "big", "empty")
ROUNDS = 24  # eight were too few: two runs' ratios disagreed by up to 0.3
REPEAT = 4  # timed runs of each command per round, after one untimed run
WAITING = 10_000
BIG_COURSE = "Big Course"
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Sydney"]
DAY = 86400
ANSWERS = {"completed": "Read chapter 3", "next_goal": "Chapter 4", "blockers": ""}
FIND = {
    "course": BIG_COURSE,
    "pace": 10,
    "timezone": "Europe/Berlin",
    "checkin_day": 0,
    "checkin_time": "18:00",
}
# A finder nobody in the queue fits: the members whose check-in falls anywhere near
# Wednesday 03:00 UTC (18 hours either way, wider than any zone's offset plus the
# matching window) all go at less than half this pace.
NOBODY = {
    "course": BIG_COURSE,
    "pace": 80,
    "timezone": "UTC",
    "checkin_day": 2,
    "checkin_time": "03:00",
}
NOBODY_NEAR = 18 * 60
FINDERS = itertools.count()  # a new member for each `/partner find`
LAST_PAGE = 1_000_000  # `/pool overview page:` past the end shows the last page
# Virtual seconds between two members' `/partner find`s. A pairing sends a handful of
# requests to Discord; back to back on a clock that stands still, a round's finds would
# fill the send budget's second and the next would wait for it (a second, real time,
# in SimCord), which is pacing, not the bot's work.
BETWEEN_FINDS = 1.0
BEAT = 0.005  # seconds between the watchdog's questions
STAGES = ("empty: start", "empty: commands", "big: start", "big: commands")


class Timings:
    """Bot-side durations, per command, of the interactions driven while `label` is set,
    without SimCord's settling that ran meanwhile (`exclude_settling`)."""

    def __init__(self) -> None:
        self.label = ""
        self.warming = False
        self.seen: dict[str, list[float]] = defaultdict(list)
        self.settling = 0.0  # seconds of SimCord's settling so far, all told
        self.settled: list[float] = []  # how much of it fell in each timed span, in ms

    @contextmanager
    def timing(self, label: str) -> Iterator[None]:
        """Time what the bot does inside: nothing while warming up."""
        self.label = "" if self.warming else label
        try:
            yield
        finally:
            self.label = ""

    def wrap(self, handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def timed(*args: Any, **kwargs: Any) -> Any:
            label = self.label
            started, settling = time.perf_counter(), self.settling
            try:
                return await handler(*args, **kwargs)
            finally:
                if label:
                    settled = self.settling - settling
                    self.seen[label].append((time.perf_counter() - started - settled) * 1000)
                    self.settled.append(settled * 1000)

        return timed


def exclude_settling(timings: Timings) -> None:
    """Time each step of SimCord's settling (`Env._settle_internal`, run by the member's
    side after each interaction it sends), adding it to `timings.settling`."""
    settle = simcord.Env._settle_internal

    async def timed_settle(env: simcord.Env, *args: Any, **kwargs: Any) -> Any:
        return await Stepped(settle(env, *args, **kwargs), timings)

    simcord.Env._settle_internal = timed_settle  # type: ignore[method-assign]


class Stepped:
    """A coroutine awaited step by step, each step's time added to `timings.settling`:
    the work it does between two suspensions, not the waits."""

    def __init__(self, coroutine: Coroutine[Any, Any, Any], timings: Timings) -> None:
        self._coroutine = coroutine
        self._timings = timings

    def __await__(self) -> Generator[Any, Any, Any]:
        steps = self._coroutine.__await__()
        sent: Any = None
        thrown: BaseException | None = None
        while True:
            started = time.perf_counter()
            try:
                yielded = steps.throw(thrown) if thrown is not None else steps.send(sent)
            except StopIteration as done:
                return done.value
            finally:
                self._timings.settling += time.perf_counter() - started
            sent, thrown = None, None
            try:
                sent = yield yielded
            except BaseException as error:  # cancellation, passed on
                thrown = error


class Watchdog:
    """The longest event-loop stall, per stage, seen from a thread outside the loop.

    Every few milliseconds the thread asks the loop to run a callback and notes how long
    it waited to run: a loop busy in one step for 80 ms answers about 80 ms late. Unlike
    asyncio's debug mode it adds no cost to every step, so the medians stay honest. Only
    named stages count: building the test server through SimCord (adding 10,000 members
    at once) is the benchmark's own work, not the bot's.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.stage = ""
        self.longest: dict[str, float] = {}
        self._loop = loop
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def __enter__(self) -> Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stopped.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stopped.wait(BEAT):
            self._loop.call_soon_threadsafe(self._arrived, time.perf_counter(), self.stage)

    def _arrived(self, sent: float, stage: str) -> None:
        if stage and stage == self.stage:
            late = (time.perf_counter() - sent) * 1000
            self.longest[stage] = max(self.longest.get(stage, 0.0), late)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


FORMS = checkin_cog.FORMS


def instrument(bot: TandemBot, timings: Timings) -> None:
    """Time what the bot does for an interaction: the tree's dispatch and the form handler."""
    bot.tree._call = timings.wrap(bot.tree._call)  # type: ignore[method-assign]
    # Forms are dispatched from the cog's FORMS table, so the check-in's handler is
    # wrapped there (once, from the table as imported).
    checkin_cog.FORMS = tuple(
        (pattern, timings.wrap(submit) if submit is checkin_cog.submit_checkin else submit, what)
        for pattern, submit, what in FORMS
    )


# -- the data --------------------------------------------------------------------------


def waiting_as(rng: random.Random, pairs: int) -> tuple[int, str, int, int]:
    """Pace, zone, day and minute of a waiting member.

    In the empty server every one suits the finders, so each `/partner find` there makes
    a pair, as it does in the big server: both sides time the same work. In the big one
    the members near `NOBODY`'s time go too slowly for them, so they fit nobody there.
    """
    if pairs == 0:
        return FIND["pace"], FIND["timezone"], FIND["checkin_day"], minute_of(FIND)
    weekday, minute = rng.randrange(7), rng.randrange(1440)
    near = abs(weekday * 1440 + minute - NOBODY["checkin_day"] * 1440 - minute_of(NOBODY))
    slowest = NOBODY["pace"] // 2 - 1 if near <= NOBODY_NEAR else 80
    return rng.randint(1, slowest), rng.choice(ZONES), weekday, minute


def minute_of(options: dict[str, Any]) -> int:
    hours, minutes = options["checkin_time"].split(":")
    return int(hours) * 60 + int(minutes)


def fill(path: Path, guild: int, pairs: int, waiting: list[int], now: int) -> None:
    """Bulk insert with sqlite3 in one transaction: seconds, not minutes.

    `waiting` are members of the SimCord server, so `/partner find` meets real people,
    as it would in a server, not departed members it has to drop one by one.
    """
    rng = random.Random(7)
    conn = sqlite3.connect(path, isolation_level=None)
    start = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM partnerships").fetchone()[0]
    courses = [f"course {n:02}" for n in range(50)]
    conn.executemany(
        "INSERT OR IGNORE INTO courses VALUES (?, ?, ?)",
        [(guild, c, c) for c in courses] + [(guild, BIG_COURSE.casefold(), BIG_COURSE)],
    )
    rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for n in range(pairs):
        pid = start + n
        course = courses[n % len(courses)]
        created = now - DAY * (30 + n % 300)
        first, second = 10**15 + 2 * n, 10**15 + 2 * n + 1
        rows["partnerships"].append(
            (
                pid,
                guild,
                course,
                10**16 + pid,
                ZONES[n % 5],
                n % 7,
                (n * 37) % 1440,
                created,
                now + DAY * (1 + n % 7),
                now + 3600 + n,
            )
        )
        for seat, user in enumerate((first, second)):
            rows["members"].append((pid, guild, course, user, 5 + n % 20, seat))
            rows["profiles"].append((guild, user, ZONES[user % 5]))
            for weeks in (1, 2):
                week = now - weeks * 7 * DAY
                rows["checkins"].append((pid, guild, user, week, "done", "next", week + 600))
        for weeks in (1, 2):
            week = now - weeks * 7 * DAY
            rows["outbox"].append(
                (f"checkin:{pid}:{week}:0", guild, pid, "checkin", week, "sent", week, week)
            )
        item = 10**7 + pid  # goal and milestone ids clear of the real ones
        rows["goals"].append((item, guild, pid, first, "A goal", "When it is done", created))
        share = n % 10
        status = "confirmed" if share < 4 else "missed" if share < 7 else "open"
        deadline = now + DAY * (1 + n % 20) if status == "open" else now - DAY * (1 + n % 60)
        confirmed = deadline - 3600 if status == "confirmed" else None
        missed = deadline + 60 if status == "missed" else None
        rows["milestones"].append(
            (
                item,
                item,
                pid,
                guild,
                first,
                "A milestone",
                "2026-01-01",
                deadline,
                500,
                status,
                created,
                confirmed,
                missed,
            )
        )
        key = f"miss:{item}:{deadline}" if status == "missed" else f"old:{pid}"
        rows["ledger"].append(
            (pid, guild, first, item if status == "missed" else None, "miss", 500, key, deadline)
        )
        for kind in ("welcome", "heads_up"):
            rows["outbox"].append(
                (f"{kind}:{pid}:{created}:0", guild, pid, kind, created, "sent", created, created)
            )
    for n, user in enumerate(waiting):
        rows["queue"].append(
            (guild, user, BIG_COURSE.casefold(), *waiting_as(rng, pairs), now - n, 0)
        )
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO partnerships (id, guild_id, course_key, thread_id, timezone, weekday, minute,"
        " created_at, next_checkin_at, alarm_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows["partnerships"],
    )
    conn.executemany(
        "INSERT INTO partnership_members (partnership_id, guild_id, course_key, user_id, pace, seat)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        rows["members"],
    )
    conn.executemany(
        "INSERT INTO profiles (guild_id, user_id, timezone) VALUES (?, ?, ?)", rows["profiles"]
    )
    conn.executemany(
        "INSERT INTO checkins (partnership_id, guild_id, user_id, week_at, completed, next_goal,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows["checkins"],
    )
    conn.executemany(
        "INSERT INTO goals (id, guild_id, partnership_id, user_id, text, done_when, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows["goals"],
    )
    conn.executemany(
        "INSERT INTO milestones (id, goal_id, partnership_id, guild_id, owner_id, title,"
        " due_date, deadline_at, stake, status, created_at, confirmed_at, missed_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows["milestones"],
    )
    conn.executemany(
        "INSERT INTO ledger_entries (partnership_id, guild_id, member_id, milestone_id, kind,"
        " amount, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows["ledger"],
    )
    conn.executemany(
        "INSERT INTO outbox (key, guild_id, partnership_id, kind, episode, status, due_at,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows["outbox"],
    )
    conn.executemany(
        "INSERT INTO queue_entries (guild_id, user_id, course_key, pace, timezone, weekday,"
        " minute, queued_at, priority) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows["queue"],
    )
    conn.execute("COMMIT")
    conn.close()
    asyncio.run(derive_aggregates(path, now))


async def derive_aggregates(path: Path, now: int) -> None:
    """The leaderboard, pool totals, queue minutes (and until when each holds) and health
    figures, from the history just inserted.

    The bot keeps them up to date change by change; a bulk insert bypasses that, so the
    upgrade migrations that derive them from history run again, on everything.
    """
    derive = importlib.import_module("bot.store.migrations.0006_aggregates_from_history")
    health = importlib.import_module("bot.store.migrations.0019_health")
    times = importlib.import_module("bot.store.migrations.0020_queue_times_until")
    db = await SQLiteDatabase.connect(path)
    try:
        async with db.transaction() as conn:
            for table in (
                "leaderboard",
                "leaderboard_places",
                "leaderboard_expiry",
                "pool_totals",
                "guild_pool_totals",
            ):
                await conn.execute(f"DELETE FROM {table}")
            await derive.migrate(conn, datetime.fromtimestamp(now, UTC))
            await health.derive(conn)
            await times.derive(conn, datetime.fromtimestamp(now, UTC))
        await db.fetch_all("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        await db.close()


def fill_in_child(
    path: Path, guild: int, pairs: int, waiting: list[int], now: int, url: str | None
) -> float:
    """Fill the SQLite file at `path`, then copy it to PostgreSQL at `url` if given."""
    started = time.perf_counter()
    members = path.with_suffix(".waiting")
    members.write_text(" ".join(map(str, waiting)))
    command = [__file__, "--fill", path, guild, pairs, members, now, url or ""]
    subprocess.run([sys.executable, *map(str, command)], check=True)
    return time.perf_counter() - started


async def copy_to(path: Path, url: str, now: int) -> None:
    """The filled SQLite file's rows into a new, migrated PostgreSQL schema, then analysed."""
    source = await open_database(path, datetime.fromtimestamp(now, UTC))
    target = await open_database(url, datetime.fromtimestamp(now, UTC))
    try:
        await copy_database(source, target)
        async with target.transaction() as conn:
            await conn.execute("ANALYZE")
    finally:
        await source.close()
        await target.close()


# -- driving the bot -------------------------------------------------------------------


async def prepare(env: simcord.Env) -> dict[str, Any]:
    """The server, a pair with a goal, a milestone, check-ins and a confirmed milestone."""
    guild = env.create_guild("Largest Study Server")
    mods = guild.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
    general = guild.create_text_channel("general")
    partners = guild.create_text_channel("partners")
    board = guild.create_text_channel("leaderboard")
    moderator = guild.add_member(env.create_user("mod"), roles=[mods])
    await moderator.slash(general, "setup", leaderboard_channel=board, partner_channel=partners)
    alice, bob = (
        guild.add_member(env.create_user("alice")),
        guild.add_member(env.create_user("bob")),
    )
    for member in (alice, bob):
        await member.slash(general, "partner find", **(FIND | {"course": "Intro"}))
    for title, due in (("Chapter 4", "2026-03-01"), ("Chapter 5", "2026-03-02")):
        await alice.slash(general, "goal set", text=f"Finish {title}", done_when="Exercises done")
        [goal] = [
            g
            for g in await env.bot.store.milestones.active_goals(guild.id, alice.id)
            if title in g.text
        ]
        await alice.slash(general, "milestone add", goal=str(goal.id), title=title, due=due)
    [first, _] = await env.bot.store.milestones.milestones_of(guild.id, alice.id, open_only=True)
    await alice.slash(general, "milestone done", milestone=str(first.id))
    thread = next(iter(partners.threads))
    await bob.click([m for m in thread.history() if "is done!" in m.content][-1], label="Confirm")
    await alice.submit_modal(await alice.slash(general, "checkin"), ANSWERS)
    return {
        "guild": guild,
        "general": general,
        "moderator": moderator,
        "alice": alice,
        "bob": bob,
    }


async def measure(env: simcord.Env, timings: Timings, server: dict[str, Any], tag: str) -> None:
    """Each command `REPEAT` times in a row (once, untimed, while warming up)."""
    general, alice, moderator = server["general"], server["alice"], server["moderator"]
    runs = range(1 if timings.warming else REPEAT)
    commands: list[tuple[str, Any, str, dict[str, Any]]] = [
        ("/partner status", alice, "partner status", {}),
        ("/pool view", alice, "pool view", {}),
        ("/milestone list", alice, "milestone list", {}),
        ("/leaderboard period:all", alice, "leaderboard", {"period": "all"}),
        ("/leaderboard period:week", alice, "leaderboard", {"period": "week"}),
        ("/pool overview", moderator, "pool overview", {}),
        ("/pool overview (last page)", moderator, "pool overview", {"page": LAST_PAGE}),
        ("/setup health:True", moderator, "setup", {"health": True}),
    ]
    for label, member, name, options in commands:
        for _ in runs:
            with timings.timing(f"{label}|{tag}"):
                await member.slash(general, name, **options)
    await next_to_the_last_page(timings, server, tag, runs)
    await time_health_figures(env, timings, server["guild"].id, tag, runs)
    for n in runs:
        shown = await alice.slash(general, "checkin")
        with timings.timing(f"check-in submit|{tag}"):
            await alice.submit_modal(shown, ANSWERS | {"completed": f"Round {n}"})
    for label, options, pairs in (
        ("/partner find", FIND, True),
        ("/partner find (fits nobody)", NOBODY, False),
    ):
        for _ in runs:
            await find(env, timings, server, f"{label}|{tag}", options, pairs=pairs)


async def find(
    env: simcord.Env,
    timings: Timings,
    server: dict[str, Any],
    label: str,
    options: dict[str, Any],
    *,
    pairs: bool,
) -> None:
    """A new member's `/partner find`, checked to have paired them or not as meant; one
    who waits leaves the queue again, so the queue stays as it was."""
    guild = server["guild"]
    finder = guild.add_member(env.create_user(f"finder-{next(FINDERS)}"))
    with timings.timing(label):
        await finder.slash(server["general"], "partner find", **options)
    paired = await env.bot.store.partnerships.active_partnerships(guild.id, finder.id)
    assert bool(paired) == pairs, f"{label}: paired {paired}"
    if not pairs:
        await finder.slash(server["general"], "partner leave_queue")
    await env.advance_time(BETWEEN_FINDS)


async def next_to_the_last_page(
    timings: Timings, server: dict[str, Any], tag: str, runs: range
) -> None:
    """**Next ▶** from the page before the last, and back; only where there are pages."""
    general, moderator = server["general"], server["moderator"]
    last = await moderator.slash(general, "pool overview", page=LAST_PAGE)
    pages = int(re.findall(r"page \d+ of (\d+)", shown_text(last))[0])
    if pages < 2:
        return
    before = await moderator.slash(general, "pool overview", page=pages - 1)
    message = before.followups[-1] if before.followups else before.response
    for _ in runs:
        with timings.timing(f"Next ▶ to the last page|{tag}"):
            await moderator.click(message, label="Next ▶")
        await moderator.click(message, label="◀ Previous")


def shown_text(result: Any) -> str:
    return str((result.followups[-1] if result.followups else result.response).content)


async def time_health_figures(
    env: simcord.Env, timings: Timings, guild_id: int, tag: str, runs: range
) -> None:
    """The health view's reads alone (`/setup health:True` without its picture, which
    costs the same in any server): what must stay flat as the server grows."""
    for _ in runs:
        started = time.perf_counter()
        await env.bot.store.health.health(guild_id, env.now())
        if not timings.warming:
            elapsed = (time.perf_counter() - started) * 1000
            timings.seen[f"health figures (store)|{tag}"].append(elapsed)


def progress(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def pin_to_one_cpu() -> int | None:
    """Keep the bot's loop and every thread it starts on one CPU, the last this process
    may use (None where the system cannot pin). On this benchmark's VM, handing a
    statement to aiosqlite's thread and back took 0.025 ms when both ran on one CPU and
    0.1 ms when the thread woke on the other, and where each new bot's thread lands
    varies: unpinned, that weighed on whichever side got the far CPU."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def report(
    timings: Timings,
    stalls: Watchdog,
    memory: dict[str, float],
    filled: float,
    engine: str,
    pairs: int,
    cpu: int | None,
) -> None:
    print(
        f"{engine}, {pairs} pairs, on {platform.node()} ({platform.machine()},"
        f" {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()})"
    )
    print("unpinned" if cpu is None else f"the bot and its threads on CPU {cpu}")
    print(f"big database filled in {filled:.1f} s (child process)")
    print(f"{'command':30} {'empty med':>9} {'p95':>7} {'big med':>9} {'p95':>7} {'ratio':>6}")
    labels = dict.fromkeys(label.split("|")[0] for label in timings.seen)
    for label in labels:
        small = sorted(timings.seen[f"{label}|empty"])
        big = sorted(timings.seen[f"{label}|big"])
        print(f"{label:30} {figures(small)} {figures(big)} {ratio(small, big):>6}")
    settled = sorted(timings.settled)
    print(
        f"SimCord's settling inside the timed spans, taken out: median"
        f" {statistics.median(settled):.2f} ms, p95 {settled[int(0.95 * (len(settled) - 1))]:.2f} ms"
    )
    print(
        "longest event-loop stall (watchdog): "
        + ", ".join(f"{stage} {stalls.longest.get(stage, 0):.0f} ms" for stage in STAGES)
    )
    print(
        "peak memory (RSS): "
        + ", ".join(f"{stage} {value:.0f} MiB" for stage, value in memory.items())
    )


def figures(times: list[float]) -> str:
    """Median and p95, or blanks where the side has none (one page has no **Next**)."""
    if not times:
        return f"{'-':>9} {'-':>7}"
    p95 = times[int(0.95 * (len(times) - 1))]
    return f"{statistics.median(times):8.1f}m {p95:6.1f}m"


def ratio(small: list[float], big: list[float]) -> str:
    if not small or not big:
        return "-"
    return f"{statistics.median(big) / statistics.median(small):.2f}"


async def main(pairs: int, engine: str, rounds: int) -> None:
    cpu = pin_to_one_cpu()
    timings = Timings()
    exclude_settling(timings)
    PoolPageButton.callback = timings.wrap(PoolPageButton.callback)  # type: ignore[method-assign]
    memory = {"start": peak_mib()}
    filled: dict[str, float] = {}
    bots: list[TandemBot] = []
    async with AsyncExitStack() as stack:
        stalls = stack.enter_context(Watchdog(asyncio.get_running_loop()))
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        urls = {}
        if engine == POSTGRES:
            urls = {
                tag: await stack.enter_async_context(fresh(POSTGRES))
                for tag in stores(pairs, rounds)
            }
        stack.push_async_callback(close, bots)  # before the schemas are dropped
        seed = folder / "seed.db"
        bots.append(create_bot(Settings(_env_file=None, database_path=seed, discord_token=None)))
        async with simcord.run(bots[0], settle_timeout=120, shard_count=1) as env:
            progress("preparing the server")
            server = await prepare(env)
            await env.bot.store.db.fetch_all("PRAGMA wal_checkpoint(TRUNCATE)")
            now = int(env.now().timestamp())
            guild = server["guild"].id
            progress("adding the members who wait in one course")
            waiting = [
                server["guild"].add_member(env.create_user(f"waiting-{n}")).id
                for n in range(WAITING)
            ]
            sides = {}
            for tag, (size, queue) in stores(pairs, rounds).items():
                path, url = folder / f"{tag}.db", urls.get(tag)
                shutil.copy(seed, path)
                progress(f"filling the {tag} server ({size} pairs)")
                filled[tag] = fill_in_child(path, guild, size, waiting[:queue], now, url)
                sides[tag] = Settings(
                    _env_file=None, database_path=path, database_url=url, discord_token=None
                )
            order = [ORDER[number % len(ORDER)] for number in range(rounds)]
            for round_number, tag in enumerate(order, start=1):
                stalls.stage = f"{tag}: start"
                bots.append(create_bot(sides[tag]))
                await env.restart_bot(bots[-1])
                instrument(env.bot, timings)
                progress(f"round {round_number} of {rounds}: the {tag} server")
                stalls.stage = f"{tag}: commands"
                for warming in (True, False):
                    timings.warming = warming
                    await measure(env, timings, server, tag)
                stalls.stage = ""
                memory.setdefault(f"{tag} server", peak_mib())
    memory["end"] = peak_mib()
    report(timings, stalls, memory, filled["big"], engine, pairs, cpu)


def stores(pairs: int, rounds: int) -> dict[str, tuple[int, int]]:
    """The two databases: how many pairs each holds and how many members wait in its
    queue; in the empty one, a member who fits for each `/partner find` of its rounds."""
    return {"empty": (0, (rounds + 1) // 2 * (REPEAT + 1)), "big": (pairs, WAITING)}


async def close(bots: list[TandemBot]) -> None:
    """Close the databases of the bots started: SimCord detaches a bot but leaves its
    database open, whose worker thread (aiosqlite's) would keep the process alive."""
    for bot in bots:
        if hasattr(bot, "store"):
            await bot.store.close()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--fill":
        path, guild, pairs, members, now, url = sys.argv[2:8]
        waiting = [int(user) for user in Path(members).read_text().split()]
        fill(Path(path), int(guild), int(pairs), waiting, int(now))
        if url:
            progress(f"copying {pairs} pairs to PostgreSQL")
            asyncio.run(copy_to(Path(path), url, int(now)))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="multiples of 4 are fair")
    arguments = parser.parse_args()
    engine = POSTGRES if arguments.engine == "postgresql" else SQLITE
    asyncio.run(main(arguments.pairs, engine, arguments.rounds))
