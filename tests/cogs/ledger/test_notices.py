"""What milestone and pool notices say, whom they ping and when, and the buttons they end in.

SimCord's clock starts on Thursday 2026-01-01 00:00 UTC (01:00 in Berlin: night); the
pairs below check in from Europe/Berlin, so a due date ends at 23:00 UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bot.app import TandemBot
from cogs.common.text import Stamp, stamp
from tests.helpers import (
    HOUR,
    Member,
    Server,
    add,
    advance,
    advance_to,
    answer,
    assert_short,
    button_labels,
    fresh,
    goal,
    invitation_message,
    ledger_rows,
    messages_with,
    only_milestone,
    pair,
    pinged,
    reply,
    request,
)

MORNING = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)  # 10:00 in Berlin


def posts_to(server: Server, channel_id: int) -> int:
    """How many messages the bot posted (not edited) in this channel."""
    path = f"/channels/{channel_id}/messages"
    return len([r for r in server.env.http_requests if r.method == "POST" and r.path == path])


async def milestones(server: Server, member: Member) -> list[object]:
    return await server.bot.store.milestones.milestones_of(
        server.guild.id, member.id, open_only=False
    )


async def test_milestones_added_within_a_minute_make_one_notice_that_pings_once(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await advance_to(ready, MORNING)
    goal_id = await goal(ready, alice, "Finish the course")
    thread = ready.thread(partnership.thread_id)
    before = posts_to(ready, thread.id)
    await add(ready, alice, goal_id, title="Read chapter 1", due="2026-01-05", pledge=5.0)
    await add(ready, alice, goal_id, title="Read chapter 2", due="2026-01-06", pledge=0.0)
    await ready.env.restart_bot(make_bot())  # a deploy in the middle of the burst
    await advance(ready, 30)
    third = await add(ready, alice, goal_id, title="Pass the quiz", due="2026-01-07", pledge=3.0)
    assert "Milestone **Pass the quiz** added" in reply(third)

    [told] = messages_with(thread, "🎯")
    assert posts_to(ready, thread.id) == before + 1  # one post, edited twice
    assert told.content.startswith(f"🎯 {alice.mention} set 3 milestones for “Finish the course”")
    for title in ("Read chapter 1", "Read chapter 2", "Pass the quiz"):
        assert f"**{title}**" in told.content
    [first, *_] = sorted(await milestones(ready, alice), key=lambda m: m.id)  # type: ignore[attr-defined]
    assert stamp(first.deadline, Stamp.RELATIVE) in told.content
    assert "pledging 8 points" in told.content and "Europe/Berlin" not in told.content
    assert pinged(ready, told) == {bob.id}
    assert button_labels(told) == ["How it works"]
    assert_short(told.content)

    await advance(ready, 61)  # a minute after the first: a notice of its own
    await add(ready, alice, goal_id, title="Write the summary", due="2026-01-08")
    [_, later] = messages_with(thread, "🎯")
    assert later.content.startswith(f"🎯 {alice.mention} set a milestone for “Finish the course”")
    assert "**Write the summary**" in later.content and "Write the summary" not in told.content
    rows = await ready.bot.store.db.fetch_value(
        "SELECT COUNT(*) FROM outbox WHERE kind = 'milestone_added'"
    )
    assert rows == 2


async def test_a_milestone_added_at_night_is_posted_without_waking_the_partner(
    ready: Server,
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await add(ready, alice, await goal(ready, alice))  # 01:00 in Berlin
    [night] = messages_with(ready.thread(partnership.thread_id), "set a milestone")
    assert bob.mention in night.content and pinged(ready, night) == set()

    await advance_to(ready, MORNING)
    await add(ready, alice, await goal(ready, alice, "SQL"), title="Joins")
    [_, day] = messages_with(ready.thread(partnership.thread_id), "set a milestone")
    assert pinged(ready, day) == {bob.id}


async def test_one_milestone_notice_names_its_deadline_as_a_timestamp(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await bob.slash(ready.general, "profile", timezone="America/New_York")
    await add(ready, alice, await goal(ready, alice), due="2026-01-20", pledge=7.0)
    milestone = await only_milestone(ready, alice)
    [added] = messages_with(ready.thread(partnership.thread_id), "set a milestone")
    assert f"**Chapter 4**, due by {stamp(milestone.deadline)}" in added.content
    assert "pledge 7 points" in added.content
    assert "Europe/Berlin" not in added.content and "America/New_York" not in added.content
    assert "2026-01-20" not in added.content
    assert_short(added.content)
    listed = reply(await alice.slash(ready.general, "milestone list"))
    assert stamp(milestone.deadline) in listed and "open" in listed


async def test_notices_stay_short_however_long_what_members_type(ready: Server) -> None:
    """The longest goals, titles (100), notes, currency label (16) and pledges there can be."""
    alice, bob = ready.member("alice"), ready.member("bob")
    await ready.moderator.slash(ready.general, "setup", currency="C" * 16, max_pledge=1_000_000)
    most = 1_000_000.0
    partnership = await pair(ready, alice, bob)
    await advance_to(ready, MORNING)
    goal_id = await goal(ready, alice, "G" * 200)
    for n in range(5):
        await add(ready, alice, goal_id, title=f"{n}" + "T" * 99, due="2026-01-05", pledge=most)
    bobs = await goal(ready, bob, "H" * 200)
    await add(ready, bob, bobs, title="B" * 100, due="2026-01-05", pledge=most)
    thread = ready.thread(partnership.thread_id)
    for notice in messages_with(thread, "🎯"):
        assert_short(notice.content)
    [alices, *_] = sorted(await milestones(ready, alice), key=lambda m: m.id)  # type: ignore[attr-defined]
    await alice.slash(ready.general, "milestone done", milestone=str(alices.id))
    await alice.slash(
        ready.general,
        "milestone reschedule",
        milestone=str(alices.id + 1),
        new_due="2026-01-09",
    )
    for text in ("is done!", "asks to move"):
        [asked] = messages_with(thread, text)
        assert_short(asked.content)
    await bob.click(messages_with(thread, "is done!")[0], label="Confirm")
    await bob.click(messages_with(thread, "asks to move")[0], label="Not yet")
    for text in ("finished", "would rather keep"):
        [outcome] = messages_with(thread, text)
        assert_short(outcome.content)
    await advance_to(ready, datetime(2026, 1, 6, 0, 0, tzinfo=UTC))  # both owners miss at once
    [missed] = messages_with(thread, "⌛")
    assert missed.content.startswith("⌛ Missed:") and "and 3 more" in missed.content
    assert_short(missed.content)
    await alice.slash(ready.general, "pool settle", note="N" * 200)
    [proposal] = messages_with(thread, "proposes settling the pool")
    assert_short(proposal.content)
    await bob.click(proposal, label="Confirm")
    assert_short(fresh(thread, proposal).content)


async def test_a_confirmation_names_the_achiever_and_what_becomes_of_the_pledge(
    ready: Server,
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await add(ready, alice, await goal(ready, alice), title="Pass the quiz", pledge=0.0)
    milestone = await only_milestone(ready, alice)
    await alice.slash(ready.general, "milestone done", milestone=str(milestone.id))
    thread = ready.thread(partnership.thread_id)
    [asked] = messages_with(thread, "is done!")
    await bob.click(asked, label="Confirm")
    said = fresh(thread, asked).content
    assert said.startswith(
        f"🎉 {alice.mention} finished **Pass the quiz**, confirmed by {bob.mention}"
    )
    assert "No pledge was riding on it." in said and "released" not in said


async def test_a_miss_at_the_end_of_the_owners_day_pings_nobody_and_a_daytime_one_pings(
    ready: Server,
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await add(ready, alice, await goal(ready, alice), pledge=5.0)  # ends 00:00 on 4 Jan, Berlin
    await add(ready, bob, await goal(ready, bob), title="Chapter 9", due="2026-01-08")
    # Bob moves to New York: his milestone still ends at Berlin's midnight, 18:00 for him.
    await bob.slash(ready.general, "profile", timezone="America/New_York")
    thread = ready.thread(partnership.thread_id)
    await advance_to(ready, datetime(2026, 1, 3, 23, 1, tzinfo=UTC))
    [midnight] = messages_with(thread, "⌛")
    assert midnight.content.startswith(f"⌛ {alice.mention} missed **Chapter 4**")
    assert "5 points went to your shared pool" in midnight.content
    assert pinged(ready, midnight) == set()
    await advance_to(ready, datetime(2026, 1, 8, 23, 1, tzinfo=UTC))
    [_, evening] = messages_with(thread, "⌛")
    assert evening.content.startswith(f"⌛ {bob.mention} missed **Chapter 9**")
    assert pinged(ready, evening) == {bob.id}


async def test_set_a_new_milestone_from_a_missed_one(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    goal_id = await goal(ready, alice)
    await add(ready, alice, goal_id, pledge=5.0)
    await advance_to(ready, datetime(2026, 1, 4, 9, 0, tzinfo=UTC))
    thread = ready.thread(partnership.thread_id)
    [missed] = messages_with(thread, "⌛")
    assert button_labels(missed) == ["Set a new milestone", "How it works"]

    partner = await bob.click(missed, label="Set a new milestone")
    assert answer(partner).ephemeral and "whose milestone was missed" in reply(partner)

    await ready.env.restart_bot(make_bot())
    shown = await alice.click(missed, label="Set a new milestone")
    assert shown.modal is not None and shown.modal["title"] == "New milestone"
    fields = {c["custom_id"]: c for row in shown.modal["components"] for c in row["components"]}
    assert fields["title"]["placeholder"] == "For example: Pass the Module 3 quiz"
    assert fields["due"]["placeholder"].startswith("For example 20")
    await ready.env.restart_bot(make_bot())  # the form outlives a deploy too
    for values, refusal in (
        ({"title": "Chapter 5", "due": "next week", "pledge": "5"}, "is not a date"),
        ({"title": "Chapter 5", "due": "2026-01-02", "pledge": "5"}, "already passed"),
        ({"title": "Chapter 5", "due": "2026-01-10", "pledge": "lots"}, "is not a number"),
        ({"title": "Chapter 5", "due": "2026-01-10", "pledge": "101"}, "largest pledge"),
        ({"title": "   ", "due": "2026-01-10", "pledge": ""}, "write the milestone title"),
    ):
        refused = await alice.submit_modal(shown, values)
        assert answer(refused).ephemeral and refusal in reply(refused), reply(refused)
        shown = await alice.click(missed, label="Set a new milestone")
    assert len(await milestones(ready, alice)) == 1

    wanted = {"title": "Chapter 5", "due": "2026-01-10", "pledge": "3"}
    added = await alice.submit_modal(shown, wanted)
    assert "Milestone **Chapter 5** added" in reply(added)
    again = await alice.submit_modal(await alice.click(missed, label="Set a new milestone"), wanted)
    assert "already added" in reply(again)
    new = await ready.bot.store.milestones.milestones_of(ready.guild.id, alice.id, open_only=True)
    [chapter5] = new
    assert (chapter5.goal_id, chapter5.stake, chapter5.due_date) == (goal_id, 300, "2026-01-10")
    [told] = messages_with(thread, "set a milestone for")[1:]
    assert "**Chapter 5**" in told.content and pinged(ready, told) == {bob.id}
    assert not ready.errors()  # refused by the buttons and forms themselves


async def test_propose_settling_from_pool_view(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    empty = await bob.slash(ready.general, "pool view")
    assert button_labels(answer(empty)) == ["How it works"]  # nothing to settle yet
    await add(ready, alice, await goal(ready, alice), pledge=12.0)
    await advance_to(ready, datetime(2026, 1, 4, 0, 0, tzinfo=UTC))
    viewed = await bob.slash(ready.general, "pool view")
    assert button_labels(answer(viewed)) == ["Propose settling", "How it works"]

    await ready.env.restart_bot(make_bot())
    shown = await bob.click(answer(viewed), label="Propose settling")
    assert shown.modal is not None
    await ready.env.restart_bot(make_bot())
    blank = await bob.submit_modal(shown, {"note": "   "})
    assert answer(blank).ephemeral and "write the note" in reply(blank)
    assert await ready.bot.store.db.fetch_value("SELECT COUNT(*) FROM settle_proposals") == 0

    shown = await bob.click(answer(viewed), label="Propose settling")
    proposed = await bob.submit_modal(shown, {"note": "Pizza for the study group"})
    assert "Proposal to settle 12 points saved" in reply(proposed)
    thread = ready.thread(partnership.thread_id)
    [proposal] = messages_with(thread, "proposes settling the pool")
    assert "Pizza for the study group" in proposal.content and alice.mention in proposal.content
    assert pinged(ready, proposal) == set()  # 01:00 in Berlin: it can wait, alice is not woken
    await alice.click(proposal, label="Confirm")
    assert await ready.bot.store.ledger.balance(partnership.id) == 0
    late = await bob.click(answer(viewed), label="Propose settling")  # an old reply's button
    assert "nothing to settle" in reply(late)
    assert await ledger_rows(ready) == [("miss", 1200, 1), ("settle", -1200, None)]
    assert not ready.errors()  # refused by the buttons and forms themselves


async def test_a_mentor_is_not_offered_propose_settling(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await request(ready, alice, bob, **{"as": "mentor"})
    await bob.click(invitation_message(ready, bob), label="Accept")
    await add(ready, alice, await goal(ready, alice), pledge=4.0)
    await advance(ready, 4 * 24 * HOUR)
    mentor = await bob.slash(ready.general, "pool view")
    assert "4 points" in reply(mentor) and button_labels(answer(mentor)) == ["How it works"]
    mentee = await alice.slash(ready.general, "pool view")
    assert button_labels(answer(mentee)) == ["Propose settling", "How it works"]
