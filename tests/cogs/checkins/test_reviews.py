"""The review every eight weeks after the two-week trial: Keep, Change time or Switch.

The pair is made on Thursday 1 January 2026 at 00:00 UTC, so the trial question comes on
day 15 (15 January) and the reviews on 12 March (day 71) and 7 May (day 127).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import pytest

from bot.app import TandemBot
from bot.errors import UserError
from tests.helpers import (
    DAY,
    WEEK,
    Server,
    advance,
    advance_to,
    exported,
    messages_with,
    pair,
    pinged,
    reply,
)

QUESTION = "is this partnership still helping?"
FIRST_REVIEW = datetime(2026, 3, 12, tzinfo=UTC)


async def reviewed(server: Server) -> tuple[Any, Any, Any, Any]:
    """A pair, right after its first review was posted: (alice, bob, partnership, review)."""
    alice, bob = server.member("alice"), server.member("bob")
    partnership = await pair(server, alice, bob)
    await advance_to(server, FIRST_REVIEW + timedelta(minutes=2))
    [review] = messages_with(server.thread(partnership.thread_id), QUESTION)
    return alice, bob, partnership, review


def labels(message: discord.Message) -> list[str]:
    return [child.label for row in message.components for child in row.children]  # type: ignore[attr-defined]


async def test_the_pair_is_asked_once_every_eight_weeks_after_the_trial(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    await advance_to(ready, FIRST_REVIEW - timedelta(minutes=2))
    assert messages_with(thread, QUESTION) == []
    await advance(ready, 4 * 60)
    [review] = messages_with(thread, QUESTION)
    assert pinged(ready, review) == set()  # 01:00 in Berlin: it can wait, nobody is woken
    assert labels(review) == ["Keep", "Change time", "Switch", "How it works"]

    await ready.env.restart_bot(make_bot())
    await advance(ready, WEEK)
    assert len(messages_with(thread, QUESTION)) == 1  # once per review, restart or not
    await advance_to(ready, datetime(2026, 5, 7, 0, 2, tzinfo=UTC))
    assert len(messages_with(thread, QUESTION)) == 2
    late = await alice.click(review, label="Keep")  # the first review's buttons
    assert late.ephemeral and "This review has passed" in reply(late)
    assert await ready.bot.store.db.fetch_value("SELECT COUNT(*) FROM review_answers") == 0
    newest = messages_with(thread, QUESTION)[-1]
    assert "Noted" in reply(await alice.click(newest, label="Keep"))
    [answer] = (await exported(ready, alice))["review_answers"]
    assert (answer["answer"], answer["asked_at"]) == ("keep", "2026-05-07T00:00:00+00:00")


@pytest.mark.parametrize(
    ("made_at", "woken"),
    [
        (datetime(2026, 1, 1, 22, 30, tzinfo=UTC), False),  # 23:30 in Berlin
        (datetime(2026, 1, 1, 14, 0, tzinfo=UTC), True),  # 15:00 in Berlin
    ],
)
async def test_the_trial_question_pings_only_a_pair_made_in_the_daytime(
    ready: Server, made_at: datetime, woken: bool
) -> None:
    """It comes two weeks later at the time of day the pair was made, so a pair made late
    in the evening is asked without being woken."""
    alice, bob = ready.member("alice"), ready.member("bob")
    await advance_to(ready, made_at)
    partnership = await pair(ready, alice, bob)
    await advance_to(ready, made_at + timedelta(weeks=2, minutes=2))
    [trial] = messages_with(ready.thread(partnership.thread_id), "keep going together?")
    assert pinged(ready, trial) == ({alice.id, bob.id} if woken else set())


async def test_keep_from_both_settles_the_review(ready: Server) -> None:
    alice, bob, partnership, review = await reviewed(ready)
    thread = ready.thread(partnership.thread_id)
    kept = await alice.click(review, label="Keep")
    assert kept.ephemeral and "Noted" in reply(kept)
    again = await alice.click(review, label="Keep")
    assert again.ephemeral and "already chose **Keep**" in reply(again)
    both = await bob.click(review, label="Keep")
    assert "You both chose to keep going" in reply(both)
    [redrawn] = messages_with(thread, QUESTION)
    assert f"{alice.mention} chose **Keep**" in redrawn.content
    assert f"{bob.mention} chose **Keep**" in redrawn.content and not redrawn.components
    assert len(messages_with(thread, QUESTION)) == 1
    assert {type(e) for e in ready.errors()} <= {UserError}


async def test_change_time_opens_a_form_whose_new_time_the_partner_confirms(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob, partnership, review = await reviewed(ready)
    thread = ready.thread(partnership.thread_id)
    shown = await alice.click(review, label="Change time")
    assert shown.modal is not None and shown.modal["title"] == "New weekly check-in time"
    bad = await alice.submit_modal(shown, {"day": "Funday", "time": "07:30", "zone": "UTC"})
    assert "is not a day" in reply(bad)
    shown = await alice.click(review, label="Change time")
    same = await alice.submit_modal(
        shown, {"day": "Monday", "time": "18:00", "zone": "Europe/Berlin"}
    )
    assert "already your weekly check-in time" in reply(same)
    assert await ready.bot.store.db.fetch_value("SELECT COUNT(*) FROM schedule_proposals") == 0
    [unanswered] = messages_with(thread, QUESTION)  # a form not sent answers nothing
    assert "chose" not in unanswered.content

    shown = await alice.click(review, label="Change time")  # pressing again opens it anew
    await ready.env.restart_bot(make_bot())  # the open form still submits after a deploy
    asked = await alice.submit_modal(
        shown, {"day": "wednesday", "time": "07:30", "zone": "Asia/Kolkata"}
    )
    assert "Your proposal of **Wednesday 07:30 (Asia/Kolkata)** is saved" in reply(asked)
    [proposal] = messages_with(thread, "proposes a new check-in time")
    assert pinged(ready, proposal) == {bob.id}
    [answered] = messages_with(thread, QUESTION)
    assert f"{alice.mention} chose **Change time**" in answered.content and answered.components
    await bob.click(proposal, label="Confirm")
    changed = await ready.bot.store.partnerships.partnership(partnership.id)
    assert changed is not None and changed.weekly.label() == "Wednesday 07:30 (Asia/Kolkata)"
    assert {type(e) for e in ready.errors()} <= {UserError}


async def test_a_review_ended_otherwise_loses_its_buttons(ready: Server) -> None:
    alice, _bob, partnership, _review = await reviewed(ready)
    await alice.slash(ready.general, "partner end")
    [closed] = messages_with(ready.thread(partnership.thread_id), QUESTION)
    assert not closed.components
    trial = messages_with(ready.thread(partnership.thread_id), "keep going together?")
    assert trial and not trial[0].components


async def test_switch_ends_the_partnership_kindly_and_closes_the_review(ready: Server) -> None:
    alice, bob, partnership, review = await reviewed(ready)
    thread = ready.thread(partnership.thread_id)
    switched = await bob.click(review, label="Switch")
    assert switched.ephemeral and "first in line" in reply(switched)
    assert await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id) == []
    [decided] = messages_with(thread, QUESTION)
    assert f"{bob.mention} chose **Switch**" in decided.content and not decided.components
    await advance(ready, 60 * DAY)
    assert len(messages_with(thread, QUESTION)) == 1  # an ended pair is not reviewed again


async def test_only_the_partners_can_answer_a_review(ready: Server) -> None:
    alice, _bob, partnership, review = await reviewed(ready)
    mallory = ready.member("mallory")
    thread = await ready.bot.fetch_channel(partnership.thread_id)
    await thread.add_user(discord.Object(id=mallory.id))  # a moderator adds someone
    for label in ("Keep", "Change time", "Switch"):
        refused = await mallory.click(review, label=label)
        assert refused.ephemeral and "Only the two partners" in reply(refused)
    assert await ready.bot.store.db.fetch_value("SELECT COUNT(*) FROM review_answers") == 0
    assert await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id)
    assert {type(e) for e in ready.errors()} <= {UserError}
