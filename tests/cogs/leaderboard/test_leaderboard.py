"""The leaderboard from counts kept up to date, and `/pool overview` a page at a time.

Each test reads what members see through `/leaderboard` and `/pool overview` and checks
it against what the stored history says, as time passes.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.app import TandemBot
from bot.checkins import streak
from bot.store.database import from_timestamp
from cogs.ledger.pool import MOD_ONLY
from tests.helpers import (
    DAY,
    Member,
    Server,
    add,
    advance,
    advance_to,
    answer,
    check_in,
    confirm,
    find,
    goal,
    pair,
    reply,
)

AGGREGATES = {
    "leaderboard": "SELECT guild_id, user_id, all_time, week, month, streak, hidden"
    " FROM leaderboard WHERE all_time > 0 OR streak > 0",
    "leaderboard_places": "SELECT guild_id, period, confirmed, streak, members"
    " FROM leaderboard_places WHERE members > 0",
    "leaderboard_expiry": "SELECT milestone_id, period, guild_id, user_id, at FROM leaderboard_expiry",
    "pool_totals": "SELECT partnership_id, guild_id, balance FROM pool_totals",
    "guild_pool_totals": "SELECT guild_id, balance, pools FROM guild_pool_totals",
    "queue minutes": "SELECT guild_id, user_id, course_key, utc_minute FROM queue_entries",
}


async def board_line(server: Server, viewer: Member, period: str, member: Member) -> str | None:
    """The member's line as the viewer sees it, or None when they are not shown."""
    text = reply(await viewer.slash(server.general, "leaderboard", period=period))
    return next((line for line in text.splitlines() if member.mention in line), None)


async def standing(server: Server, viewer: Member, period: str = "all") -> str:
    text = reply(await viewer.slash(server.general, "leaderboard", period=period))
    found = re.search(r"You are \*\*#(\d+)\*\* of (\d+)", text)
    return f"#{found[1]} of {found[2]}" if found else "unranked"


async def test_each_period_counts_a_confirmation_for_exactly_its_length(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    confirmed = await confirm(ready, alice, bob, partnership.thread_id, "Chapter 4")
    shown = {"week": True, "month": True, "all": True}
    for after, leaving in ((timedelta(days=7), "week"), (timedelta(days=30), "month")):
        await advance_to(ready, confirmed + after)  # the last moment it counts
        for period, expected in shown.items():
            line = await board_line(ready, bob, period, alice)
            assert (line is not None) is expected, (after, period, line)
        await advance(ready, 1)
        shown[leaving] = False
        for period, expected in shown.items():
            line = await board_line(ready, bob, period, alice)
            assert (line is not None) is expected, (after, period, line)
    assert (
        await board_line(ready, bob, "all", alice) == f"1. {alice.mention}: 1 milestone, 🔥 0 weeks"
    )


async def test_a_streak_ends_when_the_store_says_it_does(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await confirm(ready, alice, bob, partnership.thread_id, "Chapter 4")
    await check_in(ready, alice)
    for _ in range(24):  # through the week in progress and past the week it closes
        rows = await ready.bot.store.db.fetch_all(
            "SELECT week_at FROM checkins WHERE user_id = ?", (alice.id,)
        )
        expected = streak([from_timestamp(row["week_at"]) for row in rows], ready.env.now())
        line = await board_line(ready, bob, "all", alice)
        assert line is not None and line.endswith(
            f"🔥 {expected} week{'' if expected == 1 else 's'}"
        )
        await advance(ready, DAY)
    assert line.endswith("🔥 0 weeks")  # it did end within the three weeks


async def test_members_with_the_same_score_share_a_place(ready: Server) -> None:
    alice, bob, carol, dan = (ready.member(n) for n in ("alice", "bob", "carol", "dan"))
    first = await pair(ready, alice, bob)
    second = await pair(ready, carol, dan, course="Statistics")
    await confirm(ready, alice, bob, first.thread_id, "A1")
    await confirm(ready, carol, dan, second.thread_id, "C1")
    assert [await standing(ready, m) for m in (alice, carol, bob)] == [
        "#1 of 2",
        "#1 of 2",
        "unranked",
    ]
    await confirm(ready, bob, alice, first.thread_id, "B1")
    await confirm(ready, bob, alice, first.thread_id, "B2")
    assert [await standing(ready, m) for m in (bob, alice, carol)] == [
        "#1 of 3",
        "#2 of 3",
        "#2 of 3",
    ]
    # The list above "You are #N" numbers the tie the same way.
    lines = [await board_line(ready, alice, "all", m) for m in (bob, alice, carol)]
    assert [str(line).split(".")[0] for line in lines] == ["1", "2", "2"]
    await check_in(ready, carol)  # a streak breaks the tie
    assert [await standing(ready, m) for m in (carol, alice)] == ["#2 of 3", "#3 of 3"]
    await carol.slash(ready.general, "profile", leaderboard="hide")
    assert await standing(ready, alice) == "#2 of 2"
    assert await board_line(ready, alice, "all", carol) is None


async def test_kept_counts_equal_those_derived_from_history(ready: Server) -> None:
    """Whatever happened, the kept aggregates are what the upgrade would derive again."""
    alice, bob, carol, dan, erin = (
        ready.member(n) for n in ("alice", "bob", "carol", "dan", "erin")
    )
    first = await pair(ready, alice, bob)
    second = await pair(ready, carol, dan, course="Statistics")
    await find(ready, erin, course="Rust", timezone="America/New_York")
    await confirm(ready, alice, bob, first.thread_id, "A1")
    await check_in(ready, alice)
    await advance(ready, 3 * DAY)
    await confirm(ready, carol, dan, second.thread_id, "C1")
    await add(ready, bob, await goal(ready, bob, "Missed"), title="B1", due="2026-01-10", stake=4.0)
    await check_in(ready, carol)
    await advance(ready, 10 * DAY)
    await confirm(ready, bob, alice, first.thread_id, "B2")
    await dan.slash(ready.general, "profile", leaderboard="hide")
    await advance(ready, 25 * DAY)
    await check_in(ready, dan)

    store, now = ready.bot.store, ready.env.now()
    await store.leaderboard.catch_up(now)
    kept = {name: await rows(ready, sql) for name, sql in AGGREGATES.items()}
    assert kept["leaderboard"] and kept["pool_totals"] and kept["queue minutes"]
    derive = importlib.import_module("bot.store.migrations.0006_aggregates_from_history")
    async with store.db.transaction() as conn:
        for table in ("leaderboard", "leaderboard_expiry", "pool_totals", "guild_pool_totals"):
            await conn.execute(f"DELETE FROM {table}")
        await conn.execute("UPDATE queue_entries SET utc_minute = 0")
        await derive.migrate(conn, now)
    assert {name: await rows(ready, sql) for name, sql in AGGREGATES.items()} == kept


async def rows(server: Server, sql: str) -> list[tuple[Any, ...]]:
    return sorted(tuple(row) for row in await server.bot.store.db.fetch_all(sql))


async def test_pool_overview_pages_largest_first(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    for stake in range(1, 12):
        owner, partner = ready.member(f"owner{stake}"), ready.member(f"partner{stake}")
        await pair(ready, owner, partner)
        await add(ready, owner, await goal(ready, owner), stake=float(stake))
    await advance_to(ready, datetime(2026, 1, 4, 0, 0, tzinfo=UTC))

    first = await ready.moderator.slash(ready.general, "pool overview")
    assert first.ephemeral
    text = reply(first)
    assert "(page 1 of 2, 11 pools)" in text and "**Total: 66 points**" in text
    assert amounts(text) == list(range(11, 1, -1))
    await ready.env.restart_bot(make_bot())  # the buttons outlive the process
    await ready.moderator.click(answer(first), label="Next ▶")
    text = reply(first)  # the same message, edited in place
    assert "(page 2 of 2, 11 pools)" in text and "**Total: 66 points**" in text
    assert amounts(text) == [1]
    await ready.moderator.click(answer(first), label="◀ Previous")
    assert amounts(reply(first)) == list(range(11, 1, -1))
    # Another admin takes the moderator role away: the open page's buttons stop working.
    mods = ready.guild.roles["Mods"]
    ready.env.backend.remove_member_role(ready.guild.id, ready.moderator.id, mods.id)
    refused = await ready.moderator.click(answer(first), label="Next ▶")
    assert refused.ephemeral and reply(refused) == MOD_ONLY
    assert amounts(reply(first)) == list(range(11, 1, -1))
    assert not ready.errors()


async def test_a_page_past_the_end_shows_the_last(ready: Server) -> None:
    for name in ("a", "b"):
        owner, partner = ready.member(f"owner-{name}"), ready.member(f"partner-{name}")
        await pair(ready, owner, partner)
        await add(ready, owner, await goal(ready, owner), stake=2.0)
    await advance_to(ready, datetime(2026, 1, 4, 0, 0, tzinfo=UTC))
    beyond = await ready.moderator.slash(ready.general, "pool overview", page=40)
    assert "(page 1 of 1, 2 pools)" in reply(beyond) and amounts(reply(beyond)) == [2, 2]
    assert "**Total: 4 points**" in reply(beyond)
    assert not ready.errors()


async def test_a_page_of_long_course_names_stays_inside_one_message(ready: Server) -> None:
    """Course names may be 100 characters; the overview cuts them so ten fit in 2,000."""
    for n in range(10):
        course = f"{n} " + "Advanced topics in distributed systems and databases " * 2
        owner, partner = ready.member(f"owner-{n}"), ready.member(f"partner-{n}")
        await pair(ready, owner, partner, course=course[:100])
        await add(ready, owner, await goal(ready, owner), stake=100.0)
    await advance_to(ready, datetime(2026, 1, 4, 0, 0, tzinfo=UTC))
    text = reply(await ready.moderator.slash(ready.general, "pool overview"))
    lines = [line for line in text.splitlines() if line.startswith("•")]
    assert len(lines) == 10 and all("databases Advanced" not in line for line in lines)
    shown = [line.split("**")[1] for line in lines]
    assert all(len(name) == 60 and name.endswith("…") for name in shown), shown[0]
    assert len(text) < 2000 - 10 * 40  # room left for long currencies and large amounts
    assert not ready.errors()


def amounts(text: str) -> list[int]:
    return [int(found) for found in re.findall(r": (\d+) points?$", text, re.MULTILINE)]
