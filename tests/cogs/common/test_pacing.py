"""The send budget in SimCord: a peak's reminders paced at the budget, and a send whose
place in the budget would come after its claim lapsed given back, then posted once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.models import OutboxStatus
from bot.pacing import WINDOW_SECONDS
from cogs.common.outbox import ChannelTurns
from tests.helpers import (
    Server,
    add,
    advance,
    advance_to,
    goal,
    messages_with,
    pair,
    reply,
)

CHECKIN = datetime(2026, 1, 5, 17, tzinfo=UTC)  # Monday 18:00 in Berlin, `pair`'s time


async def test_a_send_that_would_outlive_its_claim_is_given_back_and_posted_once(
    ready: Server,
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    goal_id = await goal(ready, alice)
    # Another process of the bot took the budget's places up to 200 seconds from now:
    # a send asked for now could begin only after its two-minute claim lapsed.
    budget, per_second = ready.bot.store.budget, ready.bot.settings.send_rate
    busy_until = ready.env.now() + timedelta(seconds=200)
    for _ in range(per_second):
        await budget.take(lambda: busy_until, per_second)

    added = await add(ready, alice, goal_id, due="2026-01-20")
    assert "Milestone **Chapter 4** added" in reply(added)
    assert "Discord is busy just now" in reply(added)
    row = await ready.bot.store.db.fetch_one(
        "SELECT status, attempts, claimed_by FROM outbox WHERE kind = 'milestone_added'"
    )
    assert row is not None and row["claimed_by"] is None and row["attempts"] == 0
    assert row["status"] == OutboxStatus.PENDING  # given back untouched: never attempted
    thread = ready.thread(partnership.thread_id)
    assert messages_with(thread, "set a milestone") == []

    await advance(ready, 10 * 60)
    [told] = messages_with(thread, "set a milestone")
    assert told.created_at >= busy_until
    assert (
        await ready.bot.store.db.fetch_value(
            "SELECT status FROM outbox WHERE kind = 'milestone_added'"
        )
        == OutboxStatus.SENT
    )
    assert not ready.errors()


async def test_a_peak_goes_out_at_the_budget_and_no_faster(ready: Server) -> None:
    names = [f"member{n}" for n in range(8)]
    for first, second in zip(names[::2], names[1::2], strict=True):
        await pair(ready, ready.member(first), ready.member(second))
    ready.bot.outbox.pacer.per_second = 2  # four reminders due at once: two a second
    await advance_to(ready, CHECKIN + timedelta(minutes=1))
    posted = sorted(
        message.created_at
        for thread in ready.partners.threads
        for message in messages_with(thread, "it's check-in time")
    )
    assert len(posted) == 4
    assert posted[2] - posted[0] >= timedelta(seconds=WINDOW_SECONDS)
    assert posted[3] - posted[1] >= timedelta(seconds=WINDOW_SECONDS)
    assert posted[-1] - CHECKIN < timedelta(seconds=5)
    assert not ready.errors()


def test_a_busy_channel_is_left_to_its_delivery_which_then_delivers_again() -> None:
    """A command's flush meeting a channel the outbox is delivering to right now does not
    wait: the delivery under way, once it ends, has what is due delivered again."""
    asked: list[str] = []
    turns = ChannelTurns(then=lambda: asked.append("again"))
    thread = (1, 7, None)
    with turns.turn(thread) as mine:
        assert mine
        with turns.turn(thread) as other:
            assert not other
        with turns.turn((1, 8, None)) as elsewhere:
            assert elsewhere  # other channels are delivered side by side
        assert asked == []
    assert asked == ["again"]
    with turns.turn(thread) as mine:
        assert mine
    assert asked == ["again"]  # nobody waited this time
