"""Mentorships: `/partner request ... as:mentor` makes an asymmetric partnership.

Alice invites Bob to be her mentor on Thursday 1 January 2026 at 00:00 UTC; their weekly
check-in is Wednesday 07:30 in Asia/Kolkata (02:00 UTC), so the first is on 7 January and
the monthly question comes every four weeks from pairing: 29 January, 26 February, ...
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.app import TandemBot
from bot.errors import UserError
from bot.models import Role
from bot.store.checkins import Answers
from cogs.checkins.messages import QUIET_NUDGE
from cogs.common.text import moment, stamp
from tests.helpers import (
    DAY,
    WEEK,
    Member,
    Server,
    add,
    advance,
    advance_to,
    answer,
    assert_short,
    button_labels,
    check_in,
    goal,
    invitation_message,
    messages_with,
    pair,
    pinged,
    reply,
    request,
)

QUESTION = "What can I do for you?"
FIRST_QUESTION = datetime(2026, 1, 29, tzinfo=UTC)
FIRST_CHECKIN = datetime(2026, 1, 7, 2, 0, tzinfo=UTC)


async def mentorship(server: Server) -> tuple[Member, Member, Any]:
    """Alice (mentee) and Bob (her mentor), paired by Bob accepting her invitation."""
    alice, bob = server.member("alice"), server.member("bob")
    invited = await request(server, alice, bob, **{"as": "mentor"})
    assert "to be your mentor" in reply(invited)
    await bob.click(invitation_message(server, bob), label="Accept")
    [partnership] = await server.bot.store.partnerships.active_partnerships(
        server.guild.id, alice.id
    )
    return alice, bob, partnership


async def count(server: Server, table: str) -> int:
    return int(await server.bot.store.db.fetch_value(f"SELECT COUNT(*) FROM {table}"))


async def test_request_as_mentor_pairs_a_mentee_whose_reminders_are_hers_alone(
    ready: Server,
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await request(ready, alice, bob, **{"as": "mentor"})
    invitation = invitation_message(ready, bob)
    assert "their **mentor**" in invitation.content
    assert f"{stamp(FIRST_CHECKIN)}, then every week" in invitation.content
    assert "Asia/Kolkata" not in invitation.content
    assert_short(invitation.content)
    assert button_labels(invitation) == ["Accept", "Decline", "How it works"]
    assert pinged(ready, invitation) == {bob.id}
    guide = await bob.click(invitation, label="How it works")
    assert guide.ephemeral and answer(guide).embeds[0].title == "🧭 Mentorships"
    await bob.click(invitation, label="Accept")
    [accepted] = messages_with(ready.general, "accepted")
    assert "to be their mentor" in accepted.content
    assert_short(accepted.content)

    [partnership] = await ready.bot.store.partnerships.active_partnerships(ready.guild.id, bob.id)
    assert partnership.role_of(alice.id) is Role.MENTEE
    assert partnership.role_of(bob.id) is Role.MENTOR
    assert (partnership.mentor, partnership.mentee) == (bob.id, alice.id)
    thread = ready.thread(partnership.thread_id)
    [welcome] = messages_with(thread, "Welcome")
    assert f"{bob.mention} mentors {alice.mention}" in welcome.content
    # Only the mentee's check-in is listed, as a moment each reads on their own clock.
    assert f"{alice.mention}'s first check-in: {moment(FIRST_CHECKIN)}" in welcome.content
    assert f"{bob.mention}:" not in welcome.content and "Asia/Kolkata" not in welcome.content
    assert "each of you" not in welcome.content
    assert_short(welcome.content)
    assert pinged(ready, welcome) == {alice.id, bob.id}
    assert button_labels(welcome) == ["How it works"]
    guide = await bob.click(welcome, label="How it works")
    assert guide.ephemeral and answer(guide).embeds[0].title == "🧭 Mentorships"

    await advance_to(ready, datetime(2026, 1, 7, 2, 1, tzinfo=UTC))
    [heads_up] = messages_with(thread, "Heads-up")
    assert pinged(ready, heads_up) == {alice.id} and bob.mention not in heads_up.content
    [due] = messages_with(thread, "it's check-in time")
    assert pinged(ready, due) == {alice.id} and bob.mention not in due.content
    assert "planned break" not in due.content
    await check_in(ready, alice)
    [answers] = [m for m in thread.history() if m.embeds and m.embeds[0].title == "Check-in"]
    assert answers.embeds[0].author.name == "alice"  # Bob reads it in the thread

    # A peer invitation (the default) still makes two peers.
    carol, dave = ready.member("carol"), ready.member("dave")
    await request(ready, carol, dave)
    await dave.click(invitation_message(ready, dave), label="Accept")
    [peers] = await ready.bot.store.partnerships.active_partnerships(ready.guild.id, carol.id)
    assert peers.roles == (Role.PEER, Role.PEER) and peers.mentor is None


async def test_a_mentor_is_refused_check_ins_goals_and_milestones(ready: Server) -> None:
    alice, bob, partnership = await mentorship(ready)
    refused = await bob.slash(ready.general, "checkin")
    assert refused.modal is None and refused.ephemeral
    assert "As the mentor in this mentorship you don't check in" in reply(refused)

    await advance_to(ready, datetime(2026, 1, 7, 2, 1, tzinfo=UTC))
    [due] = messages_with(ready.thread(partnership.thread_id), "it's check-in time")
    pressed = await bob.click(due, label="Check in")
    assert pressed.modal is None and "you don't check in" in reply(pressed)
    no_goal = await bob.slash(ready.general, "goal set", text="Mentor well", done_when="Always")
    assert no_goal.ephemeral and "you don't set goals, milestones or pledges" in reply(no_goal)
    alices = await goal(ready, alice)
    no_milestone = await add(ready, bob, alices, due="2026-01-20")
    assert no_milestone.ephemeral and "you don't set goals" in reply(no_milestone)
    assert await count(ready, "checkins") == 0
    assert await count(ready, "goals") == 1  # Alice's own
    assert await count(ready, "milestones") == 0
    assert {type(e) for e in ready.errors()} == {UserError}


async def test_a_mentor_takes_no_planned_break_and_nothing_is_stored(ready: Server) -> None:
    alice, bob, _partnership = await mentorship(ready)
    refused = await bob.slash(ready.general, "pause start", weeks=1)
    assert refused.ephemeral and "there is nothing to pause" in reply(refused)
    assert await count(ready, "pauses") == 0
    assert await count(ready, "outbox WHERE kind = 'pause_started'") == 0
    status = reply(await alice.slash(ready.general, "partner status"))
    assert "planned break" not in status
    taken = await alice.slash(ready.general, "pause start", weeks=1)  # the mentee may
    assert "Enjoy your break" in reply(taken)
    assert await count(ready, "pauses") == 1
    assert {type(e) for e in ready.errors()} == {UserError}


async def test_the_mentee_proposes_settling_the_pool_and_her_mentor_confirms(
    ready: Server,
) -> None:
    alice, bob, partnership = await mentorship(ready)
    await add(ready, alice, await goal(ready, alice), pledge=12.0)  # due 3 January
    await advance_to(ready, datetime(2026, 1, 4, 9, 0, tzinfo=UTC))  # 14:30 in Kolkata
    assert await ready.bot.store.ledger.balance(partnership.id) == 1200
    thread = ready.thread(partnership.thread_id)

    refused = await bob.slash(ready.general, "pool settle", note="Pizza")
    assert refused.ephemeral and "you don't propose settling the pool" in reply(refused)
    assert await count(ready, "settle_proposals") == 0
    assert messages_with(thread, "proposes settling the pool") == []

    await alice.slash(ready.general, "pool settle", note="Books")
    [proposal] = messages_with(thread, "proposes settling the pool")
    assert pinged(ready, proposal) == {bob.id}
    await bob.click(proposal, label="Confirm")
    assert await ready.bot.store.ledger.balance(partnership.id) == 0
    assert {type(e) for e in ready.errors()} == {UserError}


async def test_the_store_refuses_a_mentor_whichever_way_a_change_arrives(ready: Server) -> None:
    """Each rule is the store's: a form, a retry or another process reaching it is refused."""
    alice, bob, partnership = await mentorship(ready)
    store = ready.bot.store
    await add(ready, alice, await goal(ready, alice), pledge=3.0)  # due 3 January
    [alices] = await store.milestones.active_goals(ready.guild.id, alice.id)
    await advance_to(ready, datetime(2026, 1, 7, 2, 1, tzinfo=UTC))  # a pool, a check-in due
    now = ready.env.now()
    before = {t: await count(ready, t) for t in ("checkins", "goals", "milestones", "outbox")}
    refusals: dict[str, Callable[[], Awaitable[object]]] = {
        "you don't check in": lambda: store.checkins.record(
            partnership, bob.id, now, Answers("Read it", "Review it", ""), now
        ),
        "you don't set goals": lambda: store.milestones.add_goal(
            partnership, bob.id, "Mentor well", "Always", now
        ),
        "you don't set goals, milestones or pledges": lambda: store.milestones.add_milestone(
            alices, bob.id, "Chapter 5", now.date(), now + timedelta(days=3), 500, now
        ),
        "there is nothing to pause": lambda: store.pauses.start(partnership, bob.id, 1, now, "UTC"),
        "you don't propose settling": lambda: store.ledger.propose_settlement(
            partnership, bob.id, "Pizza", now
        ),
    }
    for says, change in refusals.items():
        with pytest.raises(UserError, match=says):
            await change()
    assert {t: await count(ready, t) for t in before} == before
    assert await count(ready, "pauses") + await count(ready, "settle_proposals") == 0
    added = await store.milestones.add_milestone(
        alices, alice.id, "Chapter 5", now.date(), now + timedelta(days=3), 500, now
    )
    assert added.value.owner_id == alice.id  # the mentee still adds to her own goal


async def test_the_mentor_confirms_the_mentees_milestone_and_both_show_their_role(
    ready: Server,
) -> None:
    alice, bob, partnership = await mentorship(ready)
    await add(ready, alice, await goal(ready, alice), due="2026-01-20")
    [milestone] = await ready.bot.store.milestones.milestones_of(
        ready.guild.id, alice.id, open_only=True
    )
    await alice.slash(ready.general, "milestone done", milestone=str(milestone.id))
    thread = ready.thread(partnership.thread_id)
    [asked] = messages_with(thread, "is done!")
    assert pinged(ready, asked) == {bob.id}
    own = await alice.click(asked, label="Confirm")
    assert "nobody confirms their own milestone" in reply(own)
    await bob.click(asked, label="Confirm")
    confirmed = await ready.bot.store.milestones.milestone(milestone.id)
    assert confirmed is not None and confirmed.status == "confirmed"

    board = reply(await alice.slash(ready.general, "leaderboard", period="week"))
    assert f"🥇 {alice.mention} · 🌱 mentee: 1 milestone" in board
    assert "You're **1st** this week · 🌱 mentee." in board
    mentors = reply(await bob.slash(ready.general, "leaderboard", period="week"))
    assert "You are a **mentor**" in mentors and "1 milestone" in mentors

    mine = reply(await alice.slash(ready.general, "partner status"))
    assert f"🌱 your mentor {bob.mention}" in mine
    assert f"Next check-in: {moment(FIRST_CHECKIN)}" in mine
    assert "Your streak:" in mine
    assert {type(e) for e in ready.errors()} <= {UserError}


async def test_a_quiet_mentee_is_nudged_and_her_mentor_offered_a_rematch(ready: Server) -> None:
    alice, bob, partnership = await mentorship(ready)
    await advance_to(ready, datetime(2026, 1, 22, 1, 0, tzinfo=UTC))  # 21 days of silence
    thread = ready.thread(partnership.thread_id)
    [nudge] = messages_with(thread, QUIET_NUDGE)
    assert pinged(ready, nudge) == {alice.id} and bob.mention not in nudge.content
    [offer] = messages_with(thread, "has been quiet for three weeks")
    assert pinged(ready, offer) == {bob.id}
    assert f"your mentee {alice.mention}" in offer.content
    kinds = await ready.bot.store.db.fetch_all(
        "SELECT kind, member_id FROM outbox WHERE kind IN ('nudge', 'rematch_offer', 'one_sided')"
    )
    assert sorted((row["kind"], row["member_id"]) for row in kinds) == [
        ("nudge", alice.id),
        ("rematch_offer", bob.id),
    ]


async def test_a_mentor_who_never_checks_in_is_never_quiet_nor_one_sided(ready: Server) -> None:
    alice, _bob, partnership = await mentorship(ready)
    for week in range(6):  # Alice checks in every week; Bob, her mentor, never does
        await advance_to(ready, datetime(2026, 1, 7, 2, 1, tzinfo=UTC) + week * timedelta(weeks=1))
        await check_in(ready, alice)
    await advance(ready, 2 * DAY)
    thread = ready.thread(partnership.thread_id)
    assert messages_with(thread, QUIET_NUDGE) == []
    assert messages_with(thread, "A gentle note") == []
    assert messages_with(thread, "has been quiet") == []
    assert (
        await ready.bot.store.db.fetch_value(
            "SELECT COUNT(*) FROM outbox WHERE kind IN ('nudge', 'rematch_offer', 'one_sided')"
        )
        == 0
    )


async def test_the_monthly_question_pings_the_mentee_only_when_she_is_awake(
    ready: Server,
) -> None:
    """Asked at the time of day the mentorship was made: 11:30 in Kolkata pings her."""
    await advance_to(ready, datetime(2026, 1, 1, 6, 0, tzinfo=UTC))
    alice, bob, partnership = await mentorship(ready)
    await advance_to(ready, FIRST_QUESTION + timedelta(hours=6, minutes=2))
    [asked] = messages_with(ready.thread(partnership.thread_id), QUESTION)
    assert pinged(ready, asked) == {alice.id} and bob.id not in pinged(ready, asked)


async def test_the_monthly_question_is_asked_once_and_after_downtime_only_the_latest(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob, partnership = await mentorship(ready)
    carol, dave = ready.member("carol"), ready.member("dave")
    peers = await pair(ready, carol, dave)
    thread = ready.thread(partnership.thread_id)
    await advance_to(ready, FIRST_QUESTION - timedelta(minutes=2))
    assert messages_with(thread, QUESTION) == []
    await advance(ready, 4 * 60)
    [asked] = messages_with(thread, QUESTION)
    assert f"{alice.mention}, your monthly question for your mentor {bob.mention}" in asked.content
    assert_short(asked.content)
    assert pinged(ready, asked) == set()  # 05:30 in Kolkata: it can wait, so nobody is woken

    await ready.env.restart_bot(make_bot())
    await advance(ready, WEEK)
    assert len(messages_with(thread, QUESTION)) == 1  # once, restart or not

    ready.bot.get_cog("SchedulerCog").loop.cancel()  # the bot goes down for two months
    await advance_to(ready, datetime(2026, 3, 27, tzinfo=UTC))
    await ready.env.restart_bot(make_bot())
    await advance(ready, DAY)
    assert len(messages_with(thread, QUESTION)) == 2  # 26 February is skipped: only the latest
    episodes = await ready.bot.store.db.fetch_all(
        "SELECT episode FROM outbox WHERE kind = 'mentor_question' ORDER BY episode"
    )
    assert [row["episode"] for row in episodes] == [
        int(FIRST_QUESTION.timestamp()),
        int(datetime(2026, 3, 26, tzinfo=UTC).timestamp()),
    ]
    assert messages_with(ready.thread(peers.thread_id), QUESTION) == []  # peers are not asked


async def test_a_mentors_status_says_whom_they_mentor_and_when_that_one_checks_in(
    ready: Server,
) -> None:
    """No streak of 0, no aside about quiet, no empty pool: what a mentor needs, briefly."""
    alice, bob, partnership = await mentorship(ready)
    status = await bob.slash(ready.general, "partner status")
    text = reply(status)
    assert text == (
        f"**Intro to Python** · <#{partnership.thread_id}>\n"
        f"🧭 You mentor {alice.mention}: they check in {moment(FIRST_CHECKIN)}, then every week.\n"
        "🗣️ Your thread is in English"
    )
    assert_short(text)
    assert button_labels(answer(status)) == ["How it works"]
    await add(ready, alice, await goal(ready, alice), pledge=12.0)  # missed on 3 January
    await advance_to(ready, datetime(2026, 1, 4, tzinfo=UTC))
    later = reply(await bob.slash(ready.general, "partner status"))
    # A pool they may settle: shown, beside the thread's language.
    assert later.endswith("\n🗣️ Your thread is in English · 💰 Shared pool: 12 points")
    assert_short(later)
