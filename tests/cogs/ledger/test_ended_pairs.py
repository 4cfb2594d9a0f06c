"""Ending a partnership keeps its pool, and is no way out of a pledge due soon."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.helpers import (
    Server,
    add,
    advance_to,
    find,
    goal,
    ledger_rows,
    messages_with,
    pair,
    reply,
)


async def test_an_ended_pair_can_still_view_and_settle_its_pool(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await add(ready, alice, await goal(ready, alice), pledge=4.0)
    await advance_to(ready, datetime(2026, 1, 4, 0, 0, tzinfo=UTC))  # 4 points in the pool
    await alice.slash(ready.general, "partner end")

    viewed = await bob.slash(ready.general, "pool view", course="Intro to Python")
    assert "Shared pool (Intro to Python (partnership ended))**: 4 points" in reply(viewed)
    asked = await alice.slash(ready.general, "pool settle", note="Books for both")
    assert "saved" in reply(asked)
    [proposal] = messages_with(ready.thread(partnership.thread_id), "proposes settling the pool")
    await bob.click(proposal, label="Confirm")
    assert await ready.bot.store.ledger.balance(partnership.id) == 0
    assert await ledger_rows(ready) == [("miss", 400, 1), ("settle", -400, None)]


async def test_a_pledge_due_within_two_days_is_still_judged_after_the_pair_ends(
    ready: Server,
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    goal_id = await goal(ready, alice)
    await add(ready, alice, goal_id, title="Soon, confirmed", due="2026-01-02", pledge=3.0)
    await add(ready, alice, goal_id, title="Soon, missed", due="2026-01-02", pledge=5.0)
    await add(ready, alice, goal_id, title="Later", due="2026-01-09", pledge=7.0)
    ended = await alice.slash(ready.general, "partner end")  # Thursday 00:00: 47 hours to go
    assert "has ended" in reply(ended)
    thread = ready.thread(partnership.thread_id)
    [goodbye] = messages_with(thread, "ended this partnership")
    assert "2 milestones due within 48 hours still count" in goodbye.content

    soon = {
        m.title: m
        for m in await ready.bot.store.milestones.milestones_of(
            ready.guild.id, alice.id, open_only=False
        )
    }
    assert soon["Later"].status == "void" and soon["Soon, missed"].status == "open"
    moved = await alice.slash(
        ready.general,
        "milestone reschedule",
        milestone=str(soon["Soon, missed"].id),
        new_due="2026-02-01",
    )
    assert "can no longer move" in reply(moved)
    await alice.slash(ready.general, "milestone done", milestone=str(soon["Soon, confirmed"].id))
    await bob.click(messages_with(thread, "is done!")[-1], label="Confirm")  # still his to confirm
    await advance_to(ready, datetime(2026, 1, 12, 0, 0, tzinfo=UTC))

    assert await ledger_rows(ready) == [("miss", 500, soon["Soon, missed"].id)]
    confirmed = await ready.bot.store.milestones.milestone(soon["Soon, confirmed"].id)
    assert confirmed is not None and confirmed.status == "confirmed"
    # One cheer (a Sunday's weekly recap is posted there too, as a picture).
    assert len([m for m in ready.leaderboard.history() if m.embeds]) == 1
    assert messages_with(thread, "missed **")
    ready.errors()


async def test_former_partners_waiting_in_the_same_course_are_told_why(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await pair(ready, alice, bob)
    await alice.slash(ready.general, "partner end")
    await find(ready, alice)
    waiting = await find(ready, bob)
    assert "added you to the queue" in reply(waiting)
    assert f"{alice.mention} is waiting too" in reply(waiting)
    assert "`/partner request`" in reply(waiting)
    status = await alice.slash(ready.general, "partner status")
    assert f"{bob.mention} is waiting too" in reply(status)


async def test_an_ended_pool_is_reached_by_its_pair_once_the_course_has_a_new_partner(
    ready: Server,
) -> None:
    alice, bob, carol = ready.member("alice"), ready.member("bob"), ready.member("carol")
    first = await pair(ready, alice, bob)
    await add(ready, alice, await goal(ready, alice), pledge=4.0)
    await advance_to(ready, datetime(2026, 1, 4, 0, 0, tzinfo=UTC))
    await alice.slash(ready.general, "partner end")
    await pair(ready, alice, carol)  # the same course, a new partner
    choices = await alice.autocomplete(ready.general, "pool view", "course", "")
    assert [c["value"] for c in choices] == ["Intro to Python", f"#{first.id}"]
    assert "(ended 2026-01-04)" in choices[1]["name"]
    old = await alice.slash(ready.general, "pool view", course=f"#{first.id}")
    assert "4 points" in reply(old) and "partnership ended" in reply(old)
    new = await alice.slash(ready.general, "pool view", course="Intro to Python")
    assert "0 points" in reply(new)
    stranger = await carol.slash(ready.general, "pool view", course=f"#{first.id}")
    assert "not one of your pools" in reply(stranger)
    ready.errors()
