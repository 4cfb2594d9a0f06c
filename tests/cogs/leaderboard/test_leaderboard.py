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
    assert_short,
    check_in,
    confirm,
    find,
    goal,
    pair,
    pinged,
    reply,
    statements_sent,
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
    """The viewer's own place as they are told it ("2nd"), or "unranked"."""
    text = reply(await viewer.slash(server.general, "leaderboard", period=period))
    found = re.search(r"You're \*\*(\d+(?:st|nd|rd|th))\*\*", text)
    return found[1] if found else "unranked"


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
        await board_line(ready, bob, "all", alice) == f"🥇 {alice.mention}: 1 milestone, 🔥 0 weeks"
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
    assert [await standing(ready, m) for m in (alice, carol, bob)] == ["1st", "1st", "unranked"]
    await confirm(ready, bob, alice, first.thread_id, "B1")
    await confirm(ready, bob, alice, first.thread_id, "B2")
    assert [await standing(ready, m) for m in (bob, alice, carol)] == ["1st", "2nd", "2nd"]
    # The list above "You're 2nd" shows the tie the same way.
    lines = [await board_line(ready, alice, "all", m) for m in (bob, alice, carol)]
    assert [str(line).split(" ")[0] for line in lines] == ["🥇", "🥈", "🥈"]
    await check_in(ready, carol)  # a streak breaks the tie
    assert [await standing(ready, m) for m in (carol, alice)] == ["2nd", "3rd"]
    await carol.slash(ready.general, "profile", leaderboard="hide")
    assert await standing(ready, alice) == "2nd"
    assert await board_line(ready, alice, "all", carol) is None


async def test_the_board_reads_its_members_pairs_once_however_many_it_shows(
    ready: Server,
) -> None:
    alice, bob, carol, dan = (ready.member(n) for n in ("alice", "bob", "carol", "dan"))
    first = await pair(ready, alice, bob)
    await confirm(ready, alice, bob, first.thread_id, "A1")
    with statements_sent(ready) as few:
        await alice.slash(ready.general, "leaderboard", period="all")
    second = await pair(ready, carol, dan, course="Statistics")
    await confirm(ready, carol, dan, second.thread_id, "C1")
    await confirm(ready, dan, carol, second.thread_id, "D1")
    with statements_sent(ready) as more:
        shown = await alice.slash(ready.general, "leaderboard", period="all")
    assert all(m.mention in reply(shown) for m in (alice, carol, dan))
    assert len(more) == len(few)  # badges and two-week streaks: one read of their pairs
    assert sum("JOIN partnerships p ON p.id = m.partnership_id" in sql for sql in more) == 1


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
    await add(
        ready, bob, await goal(ready, bob, "Missed"), title="B1", due="2026-01-10", pledge=4.0
    )
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
        await add(ready, owner, await goal(ready, owner), pledge=float(stake))
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
        await add(ready, owner, await goal(ready, owner), pledge=2.0)
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
        await add(ready, owner, await goal(ready, owner), pledge=100.0)
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


async def test_places_are_medals_and_bold_numbers_never_a_numbered_list(ready: Server) -> None:
    """Discord renders lines "1.", "2.", "2." as a list numbered 1, 2, 3: a tie must not be
    renumbered, so places are medals, then bold numbers; the period is said in words."""
    alice, bob, carol, dan, erin = (
        ready.member(n) for n in ("alice", "bob", "carol", "dan", "erin")
    )
    first = await pair(ready, alice, bob)
    second = await pair(ready, carol, dan, course="Statistics")
    for owner, partner, partnership, title in (
        (alice, bob, first, "A1"),
        (alice, bob, first, "A2"),
        (bob, alice, first, "B1"),
        (carol, dan, second, "C1"),
        (dan, carol, second, "D1"),
    ):
        await confirm(ready, owner, partner, partnership.thread_id, title)
    for member in (bob, carol):  # one milestone and a streak of 1: tied second
        await check_in(ready, member)
    text = reply(await dan.slash(ready.general, "leaderboard", period="all"))
    heading, *lines, _, mine = text.splitlines()
    assert heading == "**Leaderboard, all time**"
    assert [line.split(" ")[:2] for line in lines] == [
        ["🥇", alice.mention + ":"],
        ["🥈", bob.mention + ":"],
        ["🥈", carol.mention + ":"],
        ["**4**", dan.mention + ":"],
    ]
    assert not re.search(r"^\s*(\d+[.)]|[-*+]) ", text, re.MULTILINE)  # no Markdown list
    assert mine == "You're **4th** overall."
    assert reply(await alice.slash(ready.general, "leaderboard", period="all")).endswith(
        "You're **1st** overall."
    )
    week = reply(await erin.slash(ready.general, "leaderboard"))
    assert week.startswith("**Leaderboard, this week**\n🥇 ")
    assert week.endswith("You have no confirmed milestones yet. Your first one is waiting!")
    month = reply(await carol.slash(ready.general, "leaderboard", period="month"))
    assert month.startswith("**Leaderboard, the last 30 days**\n🥇 ")
    assert month.endswith("You're **2nd** in the last 30 days.")
    assert not ready.errors()


async def test_alone_on_the_board_is_first_not_one_of_one(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await confirm(ready, alice, bob, partnership.thread_id, "Chapter 4")
    text = reply(await alice.slash(ready.general, "leaderboard"))
    assert text.endswith("You're **1st** this week.") and " of 1" not in text


async def test_a_member_counted_only_in_a_wider_period_hears_of_it(ready: Server) -> None:
    """Not "your first one is waiting" to a member whose milestones count elsewhere."""
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    confirmed = await confirm(ready, alice, bob, partnership.thread_id, "Chapter 4")

    async def yours(period: str) -> str:
        return reply(await alice.slash(ready.general, "leaderboard", period=period)).splitlines()[
            -1
        ]

    await advance_to(ready, confirmed + timedelta(days=8))
    assert await yours("week") == (
        "Nothing confirmed this week yet; you have **1 milestone** in the last 30 days."
    )
    assert await yours("month") == "You're **1st** in the last 30 days."
    await advance_to(ready, confirmed + timedelta(days=31))
    assert (
        await yours("week") == "Nothing confirmed this week yet; you have **1 milestone** overall."
    )
    assert await yours("month") == (
        "Nothing confirmed in the last 30 days yet; you have **1 milestone** overall."
    )
    assert await yours("all") == "You're **1st** overall."
    never = reply(await bob.slash(ready.general, "leaderboard", period="all"))
    assert never.endswith("You have no confirmed milestones yet. Your first one is waiting!")
    assert not ready.errors()


async def test_a_celebration_names_the_member_with_their_avatar_and_pings_nobody(
    ready: Server,
) -> None:
    """A mention in an embed may show as "@unknown-user": the cheer names the member as
    text, as the embed's author with their avatar. Hidden members stay anonymous."""
    lena = ready.guild.add_member(ready.env.create_user("lena", avatar="a1b2c3"), nick="Lena_K")
    marcus = ready.member("marcus")
    partnership = await pair(ready, lena, marcus)
    await check_in(ready, lena, completed="My secret chapter notes")
    await confirm(ready, lena, marcus, partnership.thread_id, "Pass the Module 3 quiz")
    [cheer] = ready.leaderboard.history()
    [embed] = cheer.embeds
    assert embed.author.name == "Lena_K" and "a1b2c3" in str(embed.author.icon_url)
    assert embed.description == "Lena\\_K completed **Pass the Module 3 quiz**"
    assert [(f.name, f.value) for f in embed.fields] == [("Check-in streak", "1 week")]
    assert_short(f"{cheer.content}\n{embed.description}")
    assert pinged(ready, cheer) == set()
    assert "secret" not in str(embed.to_dict())

    await marcus.slash(ready.general, "profile", leaderboard="hide")
    await confirm(ready, marcus, lena, partnership.thread_id, "Chapter 6")
    [_, hidden] = ready.leaderboard.history()
    [embed] = hidden.embeds
    assert embed.author.name is None and embed.author.icon_url is None and not embed.fields
    assert embed.description == "A member completed **Chapter 6**"
    assert "marcus" not in str(embed.to_dict()) and pinged(ready, hidden) == set()
    assert not ready.errors()
