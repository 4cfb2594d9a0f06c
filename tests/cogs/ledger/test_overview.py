"""`/pool overview` a page at a time, each page read from the last pool shown (issue 24).

Pages hold three pools here, so a few pairs make several pages and ties on balance
straddle them. Every pool's milestone is missed on 2026-01-03, which fills the pools.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.app import TandemBot
from cogs.ledger import pool
from tests.helpers import (
    Member,
    Server,
    add,
    advance_to,
    answer,
    goal,
    pair,
    reply,
    statements_sent,
)

# Pools tied on balance fall across page boundaries: 5 5 5 | 4 4 3 | 3 3.
PLEDGES = (5, 5, 5, 4, 4, 3, 3, 3)
CHARGED = datetime(2026, 1, 4, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "POOLS_PER_PAGE", 3)


async def fill_pools(server: Server) -> list[Member]:
    """One pair per pledge, each pool charged its pledge; returns the owners, in order."""
    owners = []
    for n, stake in enumerate(PLEDGES):
        owner, partner = server.member(f"owner{n}"), server.member(f"partner{n}")
        await pair(server, owner, partner)
        await add(server, owner, await goal(server, owner), pledge=float(stake))
        owners.append(owner)
    await advance_to(server, CHARGED)
    return owners


def pools_shown(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("•")]


def amounts(lines: list[str]) -> list[int]:
    return [int(re.findall(r": (\d+) points?$", line)[0]) for line in lines]


def enabled(message: Any) -> dict[str, bool]:
    """Each button under a private reply, by label: whether it can be pressed."""
    return {
        str(item["label"]): not item.get("disabled", False)
        for row in message.components
        for item in row["components"]
    }


async def test_the_buttons_page_to_the_last_page_and_back_across_restarts(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    await fill_pools(ready)
    shown = await ready.moderator.slash(ready.general, "pool overview")
    pages = [pools_shown(reply(shown))]
    assert "(page 1 of 3, 8 pools)" in reply(shown)
    assert enabled(answer(shown)) == {"◀ Previous": False, "Next ▶": True}
    for number in (2, 3):
        await ready.env.restart_bot(make_bot())  # the buttons outlive the process
        await ready.moderator.click(answer(shown), label="Next ▶")
        assert f"(page {number} of 3, 8 pools)" in reply(shown)
        pages.append(pools_shown(reply(shown)))
    assert enabled(answer(shown)) == {"◀ Previous": True, "Next ▶": False}
    every = [line for page in pages for line in page]
    assert len(set(every)) == len(every) == len(PLEDGES)
    assert amounts(every) == sorted(PLEDGES, reverse=True)
    assert [len(page) for page in pages] == [3, 3, 2]
    # A page by its number shows what the buttons reached (the last one counted from the end).
    for number, lines in enumerate(pages, start=1):
        numbered = await ready.moderator.slash(ready.general, "pool overview", page=number)
        assert pools_shown(reply(numbered)) == lines
    for number in (2, 1):
        await ready.env.restart_bot(make_bot())
        await ready.moderator.click(answer(shown), label="◀ Previous")
        assert f"(page {number} of 3, 8 pools)" in reply(shown)
        assert pools_shown(reply(shown)) == pages[number - 1]
    assert enabled(answer(shown)) == {"◀ Previous": False, "Next ▶": True}
    assert not ready.errors()


async def test_a_pool_that_changes_between_pages_is_never_shown_twice(ready: Server) -> None:
    owners = await fill_pools(ready)
    shown = await ready.moderator.slash(ready.general, "pool overview")
    first = pools_shown(reply(shown))
    # The first pool of page 2 misses a larger pledge and climbs above the page read; by
    # position, page 2 would now begin with the last pool of page 1.
    climber = owners[PLEDGES.index(4)]
    [goal_id] = [
        g.id for g in await ready.bot.store.milestones.active_goals(ready.guild.id, climber.id)
    ]
    await add(ready, climber, goal_id, title="Chapter 5", due="2026-01-05", pledge=20.0)
    await advance_to(ready, datetime(2026, 1, 6, 0, 0, tzinfo=UTC))
    await ready.moderator.click(answer(shown), label="Next ▶")
    second = pools_shown(reply(shown))
    assert "(page 2 of 3, 8 pools)" in reply(shown)
    assert not set(first) & set(second) and amounts(second) == [4, 3, 3]
    assert all(climber.mention not in line for line in second)
    # On to the last page, and back to the one before it.
    await ready.moderator.click(answer(shown), label="Next ▶")
    third = pools_shown(reply(shown))
    assert "(page 3 of 3, 8 pools)" in reply(shown) and amounts(third) == [3]
    assert not set(third) & set(first + second)
    assert enabled(answer(shown)) == {"◀ Previous": True, "Next ▶": False}
    await ready.moderator.click(answer(shown), label="◀ Previous")
    assert pools_shown(reply(shown)) == second
    assert not ready.errors()


async def test_the_last_page_asks_what_the_first_does_and_the_settings_once(
    ready: Server,
) -> None:
    await fill_pools(ready)
    pages = {}
    for number in (1, 3):
        with statements_sent(ready) as sent:
            shown = await ready.moderator.slash(ready.general, "pool overview", page=number)
        assert f"(page {number} of 3, 8 pools)" in reply(shown)
        pages[number] = sent
    assert len(pages[3]) == len(pages[1])  # the last page is read from the end
    assert sum("FROM guild_settings" in sql for sql in pages[1]) == 1  # the check's, reused


@pytest.mark.parametrize("pool_part", [":99999999999999999999:1", ":5:99999999999999999999"])
def test_a_button_naming_a_pool_no_database_holds_pages_by_number(pool_part: str) -> None:
    """A forged id with a number past 64 bits would make the engine raise: it is read as
    the page its number names, like a button drawn before pages were read by pool."""
    button = pool.PoolPageButton("next", 2, pool_part)
    assert button.seek is None and button.page == 2
    assert pool.PoolPageButton("next", 2, ":5:7").seek is not None
