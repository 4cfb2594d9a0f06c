"""The scheduler's loop in the running bot (`cogs.scheduler`): it sleeps until work is due
and ticks then, a change wakes it within one interval, and it looks at once when Discord
is back after a break. The interval here is an hour: a loop that only ticked every
interval would post these reminders up to an hour late.

The pair checks in on Mondays at 18:25 Berlin time (17:25 UTC in January).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.settings import Settings
from tests.helpers import HOUR, Server, advance, advance_to, agree_time, messages_with, pair

DUE = "it's check-in time"
THURSDAY = 3


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"reminder_interval_seconds": HOUR})


async def test_work_is_done_when_due_not_at_the_next_interval(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob, checkin_time="18:25")
    await advance_to(ready, datetime(2026, 1, 5, 17, 26, tzinfo=UTC))
    [due] = messages_with(ready.thread(partnership.thread_id), DUE)
    assert due.created_at == datetime(2026, 1, 5, 17, 25, tzinfo=UTC)


async def test_a_change_that_brings_work_forward_wakes_the_sleeping_loop(ready: Server) -> None:
    """The loop sleeps until Sunday's heads-up; at 02:00 the pair moves to Thursdays at
    09:25 Berlin time, so a check-in is due this very morning, and is told right then."""
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob, checkin_time="18:25")
    await advance(ready, 2 * HOUR)
    thread = ready.thread(partnership.thread_id)
    await agree_time(
        ready,
        alice,
        bob,
        thread,
        checkin_day=THURSDAY,
        checkin_time="09:25",
        timezone="Europe/Berlin",
    )
    await advance_to(ready, datetime(2026, 1, 1, 8, 26, tzinfo=UTC))
    [due] = messages_with(thread, DUE)
    assert due.created_at == datetime(2026, 1, 1, 8, 25, tzinfo=UTC)


@pytest.mark.parametrize("event", ["connect", "resumed"])
async def test_back_on_discord_the_loop_looks_at_once(ready: Server, event: str) -> None:
    """A machine that was suspended slept on a clock that stopped: work may have come due."""
    alice, bob = ready.member("alice"), ready.member("bob")
    await pair(ready, alice, bob)
    await advance(ready, 2 * HOUR)
    loop = ready.bot.get_cog("SchedulerCog").loop
    assert loop.next_iteration > ready.env.now()  # asleep until the heads-up, days away
    ready.bot.dispatch(event)
    await ready.env.settle()
    assert loop.next_iteration == ready.env.now()
