"""Goals, milestones, pledges, the shared pool and the leaderboard through the real bot.

SimCord's clock starts on Thursday 2026-01-01 00:00 UTC; the pairs below live in
Europe/Berlin (UTC+1 in January).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from discord import app_commands

from bot.app import TandemBot
from bot.errors import UserError
from bot.replies import NEEDS_MANAGE_SERVER
from tests.helpers import (
    ANSWERS,
    DAY,
    HOUR,
    Server,
    add,
    advance_to,
    assert_short,
    fresh,
    goal,
    ledger_rows,
    messages_with,
    pair,
    reply,
)


async def test_goals_at_most_two(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await pair(ready, alice, bob)
    first = await goal(ready, alice, "Python")
    await goal(ready, alice, "SQL")
    third = await alice.slash(ready.general, "goal set", text="Rust", done_when="A crate published")
    assert third.ephemeral and "Too many goals is overwhelm" in reply(third)
    assert len(await ready.bot.store.milestones.active_goals(ready.guild.id, alice.id)) == 2
    closed = await alice.slash(ready.general, "goal close", goal=str(first))
    assert "Closed **Python**" in reply(closed)
    await goal(ready, alice, "Rust")
    choices = await bob.autocomplete(ready.general, "milestone add", "goal", "")
    assert choices == []  # bob sees only his own goals
    mine = await alice.autocomplete(ready.general, "milestone add", "goal", "")
    assert {c["name"] for c in mine} == {"SQL", "Rust"}
    assert {type(e) for e in ready.errors()} == {UserError}


async def test_milestone_add_tells_the_partner_and_stores_minor_units(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    goal_id = await goal(ready, alice)
    result = await add(ready, alice, goal_id, title="Chapter 4 @everyone", pledge=7.0)
    assert result.ephemeral and "pledge 7 points" in reply(result)
    [milestone] = await ready.bot.store.milestones.milestones_of(
        ready.guild.id, alice.id, open_only=True
    )
    assert milestone.stake == 700
    assert milestone.deadline == datetime(2026, 1, 3, 23, 0, tzinfo=UTC)  # end of the day in Berlin
    [told] = messages_with(ready.thread(partnership.thread_id), "set a milestone")
    assert bob.mention in told.content and "Chapter 4 @everyone" in told.content
    assert not told.mention_everyone
    listed = await alice.slash(ready.general, "milestone list")
    assert "Chapter 4" in reply(listed) and "open" in reply(listed)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"pledge": -1.0}, "can't be negative"),
        ({"pledge": 2.5}, "whole points"),
        ({"pledge": 101.0}, "largest pledge in this server is 100 points"),
        ({"due": "2025-12-31"}, "already passed"),
        ({"due": "31/12/2026"}, "is not a date"),
        ({"due": "2026-02-30"}, "is not a date"),
        ({"title": "  "}, "write the milestone title"),
        ({"goal": "999"}, "not one of your active goals"),
    ],
)
async def test_bad_milestones_are_refused_and_nothing_stored(
    ready: Server, overrides: Any, message: str
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await pair(ready, alice, bob)
    goal_id = await goal(ready, alice)
    result = await add(ready, alice, goal_id, **overrides)
    assert result.ephemeral and message in reply(result)
    assert (
        await ready.bot.store.milestones.milestones_of(ready.guild.id, alice.id, open_only=False)
        == []
    )
    assert [type(e) for e in ready.errors()] == [UserError]


async def test_milestone_needs_a_goal_and_own_goal_only(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await pair(ready, alice, bob)
    none_yet = await add(ready, alice, 1)
    assert "Set a goal first" in reply(none_yet)
    bobs_goal = await goal(ready, bob)
    await goal(ready, alice)
    stolen = await add(ready, alice, bobs_goal)
    assert "not one of your active goals" in reply(stolen)
    assert (
        await ready.bot.store.milestones.milestones_of(ready.guild.id, alice.id, open_only=False)
        == []
    )
    assert {type(e) for e in ready.errors()} == {UserError}


async def test_only_an_active_goal_of_a_lasting_pair_takes_a_milestone(ready: Server) -> None:
    """`MilestoneStore.add_milestone` decides, whatever goal id the command names."""
    alice, bob = ready.member("alice"), ready.member("bob")
    await pair(ready, alice, bob)
    closed = await goal(ready, alice, "Python")
    await alice.slash(ready.general, "goal close", goal=str(closed))
    refused = await add(ready, alice, closed)
    assert refused.ephemeral and "not one of your active goals" in reply(refused)
    kept = await goal(ready, alice, "SQL")
    await alice.slash(ready.general, "partner end")
    ended = await add(ready, alice, kept)
    assert ended.ephemeral and "not one of your active goals" in reply(ended)
    assert await ready.bot.store.db.fetch_value("SELECT COUNT(*) FROM milestones") == 0
    assert {type(e) for e in ready.errors()} == {UserError}


async def test_done_is_confirmed_by_the_partner_and_celebrated(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await alice.submit_modal(await alice.slash(ready.general, "checkin"), ANSWERS)
    await add(ready, alice, await goal(ready, alice))
    [milestone] = await ready.bot.store.milestones.milestones_of(
        ready.guild.id, alice.id, open_only=True
    )
    assert [
        c["value"]
        for c in await alice.autocomplete(ready.general, "milestone done", "milestone", "")
    ] == [str(milestone.id)]
    assert await bob.autocomplete(ready.general, "milestone done", "milestone", "") == []
    not_bobs = await bob.slash(ready.general, "milestone done", milestone=str(milestone.id))
    assert "not one of your milestones" in reply(not_bobs)

    asked = await alice.slash(ready.general, "milestone done", milestone=str(milestone.id))
    assert asked.ephemeral
    thread = ready.thread(partnership.thread_id)
    [request] = messages_with(thread, "is done!")
    own = await alice.click(request, label="Confirm")
    assert own.ephemeral and "nobody confirms their own milestone" in reply(own)
    await bob.click(request, label="Confirm")

    confirmed = await ready.bot.store.milestones.milestone(milestone.id)
    assert confirmed is not None and confirmed.status == "confirmed"
    outcome = fresh(thread, request)
    assert outcome.content.startswith(f"🎉 {alice.mention} finished **Chapter 4**, confirmed by")
    assert "the pledge of 5 points stays theirs" in outcome.content and not outcome.components
    [cheer] = ready.leaderboard.history()
    assert (
        cheer.embeds[0].author.name == "alice"
        and cheer.embeds[0].description == "alice completed **Chapter 4**"
    )
    assert cheer.embeds[0].fields[0].value == "1 week"
    assert "Chapter 3 exercises" not in str(
        cheer.embeds[0].to_dict()
    )  # check-in content stays private
    assert await ledger_rows(ready) == []  # the pledge is released, nothing charged
    await advance_to(ready, datetime(2026, 1, 5, 0, 0, tzinfo=UTC))
    assert await ledger_rows(ready) == []
    assert {type(e) for e in ready.errors()} == {UserError}


async def test_reject_and_reschedule_with_consent(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await add(ready, alice, await goal(ready, alice))
    [milestone] = await ready.bot.store.milestones.milestones_of(
        ready.guild.id, alice.id, open_only=True
    )
    thread = ready.thread(partnership.thread_id)

    await alice.slash(ready.general, "milestone done", milestone=str(milestone.id))
    asked = messages_with(thread, "is done!")[-1]
    await bob.click(asked, label="Not yet")
    still = await ready.bot.store.milestones.milestone(milestone.id)
    assert still is not None and still.status == "open"
    answered = fresh(thread, asked)
    assert "doesn't think **Chapter 4** is done yet" in answered.content
    assert not answered.components

    await alice.slash(
        ready.general, "milestone reschedule", milestone=str(milestone.id), new_due="2026-01-10"
    )
    [ask] = messages_with(thread, "asks to move")
    await bob.click(ask, label="Confirm")
    moved = await ready.bot.store.milestones.milestone(milestone.id)
    assert moved is not None and moved.due_date == "2026-01-10"
    assert moved.deadline == datetime(2026, 1, 10, 23, 0, tzinfo=UTC)

    await advance_to(ready, datetime(2026, 1, 11, 0, 0, tzinfo=UTC))
    late = await alice.slash(
        ready.general, "milestone reschedule", milestone=str(milestone.id), new_due="2026-01-20"
    )
    assert late.ephemeral and "already missed" in reply(late)
    assert {type(e) for e in ready.errors()} == {UserError}


async def test_missed_milestone_is_charged_once_across_restart(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    goal_id = await goal(ready, alice)
    await add(ready, alice, goal_id, pledge=5.0)
    await add(ready, alice, goal_id, title="Free one", pledge=0.0)
    thread = ready.thread(partnership.thread_id)

    await advance_to(ready, datetime(2026, 1, 3, 22, 58, tzinfo=UTC))
    assert await ledger_rows(ready) == []
    await ready.env.advance_time(3 * 60)  # the deadline, 23:00 UTC, passes
    [milestone, free] = sorted(
        await ready.bot.store.milestones.milestones_of(ready.guild.id, alice.id, open_only=False),
        key=lambda m: m.id,
    )
    assert await ledger_rows(ready) == [("miss", 500, milestone.id)]
    [told] = messages_with(thread, "missed **")  # one message for both
    assert f"{alice.mention} missed **Chapter 4**, **Free one**: 5 points went" in told.content
    assert_short(told.content)

    await ready.env.restart_bot(make_bot())
    await ready.env.advance_time(DAY)
    await ready.env.restart_bot(make_bot())
    await ready.env.advance_time(HOUR)
    assert await ledger_rows(ready) == [("miss", 500, milestone.id)]
    assert len(messages_with(thread, "missed **")) == 1
    assert free.status == "missed"

    pool = await bob.slash(ready.general, "pool view")
    assert pool.ephemeral and "5 points" in reply(pool) and "missed **Chapter 4**" in reply(pool)
    done = await alice.slash(ready.general, "milestone done", milestone=str(milestone.id))
    assert "already missed" in reply(done)
    assert {type(e) for e in ready.errors()} == {UserError}


async def test_settle_needs_the_partner_and_zeroes_the_pool(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    empty = await alice.slash(ready.general, "pool settle", note="pizza")
    assert empty.ephemeral and "nothing to settle" in reply(empty)
    await add(ready, alice, await goal(ready, alice), pledge=12.0)
    await advance_to(ready, datetime(2026, 1, 4, 0, 0, tzinfo=UTC))
    assert await ready.bot.store.ledger.balance(partnership.id) == 1200

    await bob.slash(ready.general, "pool settle", note="Pizza for the study group")
    [proposal] = messages_with(ready.thread(partnership.thread_id), "proposes settling the pool")
    own = await bob.click(proposal, label="Confirm")
    assert "Your partner has to confirm" in reply(own)
    await alice.click(proposal, label="Confirm")
    assert await ready.bot.store.ledger.balance(partnership.id) == 0
    assert await ledger_rows(ready) == [("miss", 1200, 1), ("settle", -1200, None)]
    [settled] = messages_with(ready.thread(partnership.thread_id), "Settled 12 points")
    assert "Pizza for the study group" in settled.content and not settled.components
    assert {type(e) for e in ready.errors()} == {UserError}


async def test_pool_overview_is_for_moderators(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await pair(ready, alice, bob)
    await add(ready, alice, await goal(ready, alice), pledge=3.0)
    await advance_to(ready, datetime(2026, 1, 4, 0, 0, tzinfo=UTC))
    refused = await alice.slash(ready.general, "pool overview")
    assert refused.ephemeral and reply(refused) == NEEDS_MANAGE_SERVER
    overview = await ready.moderator.slash(ready.general, "pool overview")
    assert "Intro to Python" in reply(overview) and "Total: 3 points" in reply(overview)
    assert {type(e) for e in ready.errors()} == {app_commands.MissingPermissions}


async def test_leaderboard_ranks_by_confirmed_then_streak(ready: Server) -> None:
    alice, bob, carol, dan = (ready.member(n) for n in ("alice", "bob", "carol", "dan"))
    first = await pair(ready, alice, bob)
    second = await pair(ready, carol, dan, course="Statistics")
    for owner, partner, partnership, titles in (
        (alice, bob, first, ["A1"]),
        (carol, dan, second, ["C1", "C2"]),
        (bob, alice, first, ["B1"]),
    ):
        goal_id = await goal(ready, owner)
        for title in titles:
            await add(ready, owner, goal_id, title=title, due="2026-01-20")
            [milestone] = [
                m
                for m in await ready.bot.store.milestones.milestones_of(
                    ready.guild.id, owner.id, open_only=True
                )
                if m.title == title
            ]
            await owner.slash(ready.general, "milestone done", milestone=str(milestone.id))
            await partner.click(
                messages_with(ready.thread(partnership.thread_id), "is done!")[-1], label="Confirm"
            )
    await bob.submit_modal(
        await bob.slash(ready.general, "checkin"), ANSWERS
    )  # bob's streak beats alice's
    board = await alice.slash(ready.general, "leaderboard", period="all")
    text = reply(board)
    assert board.ephemeral
    assert text.index(carol.mention) < text.index(bob.mention) < text.index(alice.mention)
    assert "You're **3rd** overall." in text
    lonely = await dan.slash(ready.general, "leaderboard", period="week")
    assert "no confirmed milestones yet" in reply(lonely)
    assert len(ready.leaderboard.history()) == 4


async def test_milestones_of_an_ended_partnership_are_never_charged(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await pair(ready, alice, bob)
    await add(ready, alice, await goal(ready, alice), pledge=9.0)
    await alice.slash(ready.general, "partner end")
    await advance_to(ready, datetime(2026, 1, 5, 0, 0, tzinfo=UTC))
    assert await ledger_rows(ready) == []
    assert await alice.autocomplete(ready.general, "milestone done", "milestone", "") == []


async def test_a_newer_request_replaces_an_older_one(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await add(ready, alice, await goal(ready, alice))
    [milestone] = await ready.bot.store.milestones.milestones_of(
        ready.guild.id, alice.id, open_only=True
    )
    for new_due in ("2026-01-10", "2026-01-20"):
        await alice.slash(
            ready.general, "milestone reschedule", milestone=str(milestone.id), new_due=new_due
        )
    thread = ready.thread(partnership.thread_id)
    [old, new] = [
        m
        for m in thread.history()
        if "asks to move" in m.content or "no longer stands" in m.content
    ]
    assert "no longer stands" in old.content and not old.components  # an old button can't undo
    await bob.click(new, label="Confirm")
    assert "agreed" in fresh(thread, new).content and not fresh(thread, new).components
    moved = await ready.bot.store.milestones.milestone(milestone.id)
    assert moved is not None and moved.due_date == "2026-01-20"
    assert not ready.errors()


async def test_settling_needs_the_pool_unchanged_since_the_proposal(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    goal_id = await goal(ready, alice)
    await add(ready, alice, goal_id, pledge=4.0)
    await add(ready, alice, goal_id, title="Chapter 5", due="2026-01-04", pledge=6.0)
    await advance_to(ready, datetime(2026, 1, 4, 0, 0, tzinfo=UTC))
    await alice.slash(ready.general, "pool settle", note="Books")
    await advance_to(ready, datetime(2026, 1, 5, 0, 0, tzinfo=UTC))  # another 6 points arrive
    [proposal] = messages_with(ready.thread(partnership.thread_id), "proposes settling the pool")
    changed = await bob.click(proposal, label="Confirm")
    assert "pool changed since this was proposed" in reply(changed)
    assert await ready.bot.store.ledger.balance(partnership.id) == 1000
    assert not ready.errors()  # handled by the buttons themselves
