"""Every interaction's cost in an empty server, and in one holding 100,000 partnerships.

Drives the real bot through SimCord, as members would, first on a server with one pair
and then on the same server grown to 100,000 partnerships (200k members, 400k
check-ins, 100k goals, 100k milestones of which 40% confirmed, 100k ledger entries,
400k delivered outbox rows (200k of them the check-in reminders those check-ins answer)
and 10,000 members waiting in one course). For each command
it prints the bot-side median and p95 (from the interaction reaching the command tree,
or the check-in form's handler, to the handler's return; SimCord's own settling is not
counted) on both, their ratio, the longest event-loop stall seen (by a watchdog thread)
and the process's peak memory. The big database is filled in a child
process, so its construction does not count against the bot's memory.

Run from the repository root: `python bench/interactions.py [--pairs N]`. It is a
benchmark that prints, not a timed test.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import random
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
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import discord
import simcord

import cogs.checkins.cog as checkin_cog
from bot.app import TandemBot, create_bot
from bot.settings import Settings
from bot.store.sqlite import SQLiteDatabase

REPEAT = 15
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
BEAT = 0.005  # seconds between the watchdog's questions
STAGES = ("empty: start", "empty: commands", "big: start", "big: commands")


class Timings:
    """Bot-side durations, per command, of the interactions driven while `label` is set."""

    def __init__(self) -> None:
        self.label = ""
        self.seen: dict[str, list[float]] = defaultdict(list)

    def wrap(self, handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await handler(*args, **kwargs)
            finally:
                if self.label:
                    self.seen[self.label].append((time.perf_counter() - started) * 1000)

        return timed


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
    a pair, as it does in the big server: both sides time the same work.
    """
    if pairs == 0:
        hours, minutes = FIND["checkin_time"].split(":")
        return FIND["pace"], FIND["timezone"], FIND["checkin_day"], int(hours) * 60 + int(minutes)
    return rng.randint(1, 80), rng.choice(ZONES), rng.randrange(7), rng.randrange(1440)


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
    """The leaderboard, pool totals, queue minutes and health figures, from the history
    just inserted.

    The bot keeps them up to date change by change; a bulk insert bypasses that, so the
    upgrade migrations that derive them from history run again, on everything.
    """
    derive = importlib.import_module("bot.store.migrations.0006_aggregates_from_history")
    health = importlib.import_module("bot.store.migrations.0019_health")
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
        await db.fetch_all("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        await db.close()


def fill_in_child(path: Path, guild: int, pairs: int, waiting: list[int], now: int) -> float:
    started = time.perf_counter()
    members = path.with_suffix(".waiting")
    members.write_text(" ".join(map(str, waiting)))
    command = [__file__, "--fill", path, guild, pairs, members, now]
    subprocess.run([sys.executable, *map(str, command)], check=True)
    return time.perf_counter() - started


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
    general, alice, moderator = server["general"], server["alice"], server["moderator"]
    commands: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
        ("/partner status", lambda: alice.slash(general, "partner status")),
        ("/pool view", lambda: alice.slash(general, "pool view")),
        ("/milestone list", lambda: alice.slash(general, "milestone list")),
        ("/leaderboard period:all", lambda: alice.slash(general, "leaderboard", period="all")),
        ("/leaderboard period:week", lambda: alice.slash(general, "leaderboard", period="week")),
        ("/pool overview", lambda: moderator.slash(general, "pool overview")),
        ("/pool overview page:5000", lambda: moderator.slash(general, "pool overview", page=5000)),
        ("/setup health:True", lambda: moderator.slash(general, "setup", health=True)),
    ]
    for label, run in commands:
        timings.label = f"{label}|{tag}"
        for _ in range(REPEAT):
            await run()
    timings.label = ""
    await time_health_figures(env, timings, server["guild"].id, tag)
    for n in range(REPEAT):
        shown = await alice.slash(general, "checkin")
        timings.label = f"check-in submit|{tag}"
        await alice.submit_modal(shown, ANSWERS | {"completed": f"Round {n}"})
        timings.label = ""
    finders = [
        server["guild"].add_member(env.create_user(f"{tag}-finder-{n}")) for n in range(REPEAT)
    ]
    timings.label = f"/partner find|{tag}"
    for finder in finders:
        await finder.slash(general, "partner find", **FIND)
    timings.label = ""


async def time_health_figures(env: simcord.Env, timings: Timings, guild_id: int, tag: str) -> None:
    """The health view's reads alone (`/setup health:True` without its picture, which
    costs the same in any server): what must stay flat as the server grows."""
    for _ in range(REPEAT):
        started = time.perf_counter()
        await env.bot.store.health.health(guild_id, env.now())
        timings.seen[f"health figures (store)|{tag}"].append((time.perf_counter() - started) * 1000)


def progress(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def report(timings: Timings, stalls: Watchdog, memory: dict[str, float], filled: float) -> None:
    print(f"big database filled in {filled:.1f} s (child process)")
    print(f"{'command':28} {'empty med':>9} {'p95':>7} {'big med':>9} {'p95':>7} {'ratio':>6}")
    labels = dict.fromkeys(label.split("|")[0] for label in timings.seen)
    for label in labels:
        small = sorted(timings.seen[f"{label}|empty"])
        big = sorted(timings.seen[f"{label}|big"])
        p95 = lambda xs: xs[int(0.95 * (len(xs) - 1))]  # noqa: E731
        ratio = statistics.median(big) / statistics.median(small)
        print(
            f"{label:28} {statistics.median(small):8.1f}m {p95(small):6.1f}m "
            f"{statistics.median(big):8.1f}m {p95(big):6.1f}m {ratio:6.2f}"
        )
    print(
        "longest event-loop stall (watchdog): "
        + ", ".join(f"{stage} {stalls.longest.get(stage, 0):.0f} ms" for stage in STAGES)
    )
    print(
        "peak memory (RSS): "
        + ", ".join(f"{stage} {value:.0f} MiB" for stage, value in memory.items())
    )


async def main(pairs: int) -> None:
    timings = Timings()
    memory = {"start": peak_mib()}
    with Watchdog(asyncio.get_running_loop()) as stalls, tempfile.TemporaryDirectory() as folder:
        empty, big = Path(folder) / "empty.db", Path(folder) / "big.db"
        settings = Settings(_env_file=None, database_path=empty, discord_token=None)
        bot = create_bot(settings)
        async with simcord.run(bot, settle_timeout=120, shard_count=1) as env:
            progress("preparing the server")
            server = await prepare(env)
            await env.bot.store.db.fetch_all("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copy(empty, big)
            now = int(env.now().timestamp())
            guild = server["guild"].id
            progress("adding the members who wait in one course")
            waiting = [
                server["guild"].add_member(env.create_user(f"waiting-{n}")).id
                for n in range(WAITING)
            ]
            fill_in_child(empty, guild, 0, waiting[:REPEAT], now)  # a short queue
            stalls.stage = "empty: start"
            await env.restart_bot(create_bot(settings))
            instrument(env.bot, timings)
            progress("measuring the empty server")
            stalls.stage = "empty: commands"
            await measure(env, timings, server, "empty")
            stalls.stage = ""
            memory["empty server"] = peak_mib()
            progress(f"filling {pairs} pairs")
            filled = fill_in_child(big, guild, pairs, waiting, now)
            big_settings = Settings(_env_file=None, database_path=big, discord_token=None)
            stalls.stage = "big: start"
            await env.restart_bot(create_bot(big_settings))
            instrument(env.bot, timings)
            progress("measuring the big server")
            stalls.stage = "big: commands"
            await measure(env, timings, server, "big")
            stalls.stage = ""
            memory[f"{pairs // 1000}k pairs"] = peak_mib()
    report(timings, stalls, memory, filled)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--fill":
        path, guild, pairs, members, now = sys.argv[2:7]
        waiting = [int(user) for user in Path(members).read_text().split()]
        fill(Path(path), int(guild), int(pairs), waiting, int(now))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=100_000)
    asyncio.run(main(parser.parse_args().pairs))
