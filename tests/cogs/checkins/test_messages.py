"""What members see of check-ins and breaks: short messages, Discord timestamps, and a
button for every next step (issue 20).

The pair checks in on Mondays at 18:00 Berlin time (17:00 UTC); the simulation starts on
Thursday 1 January 2026 at 00:00 UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import discord

from bot.app import TandemBot
from bot.models import Cadence
from cogs.checkins.messages import ALONE, review_question
from cogs.checkins.schedule import schedule_form
from cogs.common.text import Stamp, stamp
from tests.helpers import (
    CADENCE_PROPOSED,
    Server,
    advance_to,
    agree_time,
    answer,
    assert_short,
    button_labels,
    check_in,
    fresh,
    messages_with,
    pair,
    pinged,
    reply,
)

DUE = "it's check-in time"
BREAK = "is taking a planned break"
ZONES = ("Europe/Berlin", "America/New_York", "(", "2026-")
REMINDER_BUTTONS = ["Check in", "My progress", "How it works"]


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment of January 2026 (or later: day 32 is 1 February), in UTC."""
    return datetime(2026, 1, 1, hour, minute, tzinfo=UTC) + timedelta(days=day - 1)


def for_everyone(text: str) -> None:
    """Short, and no moment written for one reader: no zone name, no ISO date."""
    assert_short(text)
    assert not any(written in text for written in ZONES[:2] + ZONES[3:]), text


async def pause_ends(server: Server) -> list[float]:
    rows = await server.bot.store.db.fetch_all("SELECT ends_at FROM pauses ORDER BY id")
    return [row["ends_at"] for row in rows]


async def new_yorker(server: Server) -> tuple[Any, Any, Any]:
    """alice (Berlin) and bob (New York), paired: (alice, bob, thread)."""
    alice, bob = server.member("alice"), server.member("bob")
    partnership = await pair(server, alice, bob)
    await bob.slash(server.general, "profile", timezone="America/New_York")
    return alice, bob, server.thread(partnership.thread_id)


async def test_the_reminders_show_the_moment_in_each_reader_s_clock(ready: Server) -> None:
    alice, bob, thread = await new_yorker(ready)
    partnership = await ready.bot.store.partnerships.partnership_in_thread(thread.id)
    assert partnership is not None
    await advance_to(ready, at(5, 17, 1))
    [heads_up] = messages_with(thread, "Heads-up")
    assert stamp(at(5, 17)) in heads_up.content
    for_everyone(heads_up.content)
    [due] = messages_with(thread, DUE)
    for_everyone(due.content)
    assert due.content.startswith(f"📝 {alice.mention} {bob.mention}, {DUE}!")
    assert button_labels(due) == REMINDER_BUTTONS
    progress = f"tandem:progress:{partnership.id}"
    assert progress in {c.custom_id for row in due.components for c in row.children}  # type: ignore[attr-defined]
    assert pinged(ready, heads_up) == pinged(ready, due) == {alice.id, bob.id}
    assert not ready.errors()


async def test_a_past_reminder_loses_its_check_in_button(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    """A reminder's week closes half a week after it (when the next check-in's week
    begins): **Check in** goes then, across a restart too; the newest keeps it, and it
    still opens the form."""
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    await advance_to(ready, at(5, 17, 1))
    [first] = messages_with(thread, DUE)
    assert button_labels(first) == REMINDER_BUTTONS
    await advance_to(ready, at(9, 4, 58))  # 3½ days after Monday 17:00 UTC: Friday 05:00
    assert button_labels(fresh(thread, first)) == REMINDER_BUTTONS
    await ready.env.restart_bot(make_bot())
    await advance_to(ready, at(9, 5, 2))
    assert button_labels(fresh(thread, first)) == ["My progress", "How it works"]
    await advance_to(ready, at(12, 17, 1))
    old, new = messages_with(thread, DUE)
    assert old.id == first.id
    assert button_labels(old) == ["My progress", "How it works"]
    assert button_labels(new) == REMINDER_BUTTONS
    shown = await alice.click(new, label="Check in")
    assert shown.modal is not None
    await advance_to(ready, at(19, 17, 1))
    assert [button_labels(m)[0] for m in messages_with(thread, DUE)] == [
        "My progress",
        "My progress",
        "Check in",
    ]
    assert not ready.errors()


async def test_an_ended_pair_s_reminder_and_break_notice_lose_their_buttons(
    ready: Server,
) -> None:
    """bob ends the pair on Tuesday 6 January, while Monday's reminder is still open and
    alice is on a break: neither message keeps a button for the pair that is gone."""
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    await advance_to(ready, at(5, 17, 1))
    [due] = messages_with(thread, DUE)
    assert button_labels(due) == REMINDER_BUTTONS
    await alice.slash(ready.general, "pause start", weeks=1)
    [told] = messages_with(thread, BREAK)
    assert button_labels(told) == ["Come back early", "How it works"]
    await advance_to(ready, at(6, 10))
    await bob.slash(ready.general, "partner end")
    assert button_labels(fresh(thread, due)) == ["How it works"]
    assert button_labels(fresh(thread, told)) == ["How it works"]
    assert not ready.errors()


async def test_the_heads_up_says_why_only_one_member_is_named(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    await alice.slash(ready.general, "pause start", weeks=1)
    await advance_to(ready, at(5, 17, 1))
    [heads_up] = messages_with(thread, "Heads-up")
    assert alice.mention not in heads_up.content and ALONE in heads_up.content
    [due] = messages_with(thread, DUE)
    assert alice.mention not in due.content and ALONE in due.content
    for message in (heads_up, due):
        for_everyone(message.content)
        assert pinged(ready, message) == {bob.id}
    await advance_to(ready, at(12, 17, 1))  # back from the break: no note
    assert ALONE not in messages_with(thread, "Heads-up")[-1].content
    assert ALONE not in messages_with(thread, DUE)[-1].content


async def test_a_break_says_when_it_ends_and_offers_to_come_back_early(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob, thread = await new_yorker(ready)
    started = await alice.slash(ready.general, "pause start", weeks=2)
    assert started.ephemeral
    text = reply(started)
    assert text.startswith(f"🌿 Enjoy your break! You're back {stamp(at(15))}")
    for_everyone(text)
    assert button_labels(answer(started)) == ["Come back early", "How it works"]
    [told] = messages_with(thread, BREAK)
    assert f"back {stamp(at(15))}" in told.content
    for_everyone(told.content)
    assert button_labels(told) == ["Come back early", "How it works"]
    assert pinged(ready, told) == {bob.id}

    refused = await bob.click(told, label="Come back early")  # not bob's break
    assert refused.ephemeral and "Only the member on this break" in reply(refused)
    await advance_to(ready, at(3, 14))
    await ready.env.restart_bot(make_bot())
    back = await alice.click(told, label="Come back early")
    assert back.ephemeral and reply(back).startswith("👋 Welcome back!")
    assert await pause_ends(ready) == [at(3, 14).timestamp()]  # as `/pause end` stores it
    [ended] = messages_with(thread, "is back from their break early")
    assert pinged(ready, ended) == {bob.id}
    for_everyone(ended.content)
    assert button_labels(fresh(thread, told)) == ["How it works"]

    again = await alice.click(answer(started), label="Come back early")  # a double press
    assert "already back" in reply(again)
    await advance_to(ready, at(3, 15))
    late = await alice.click(answer(started), label="Come back early")
    assert late.ephemeral and "not on a break" in reply(late)
    assert await pause_ends(ready) == [at(3, 14).timestamp()]
    assert len(messages_with(thread, "is back from their break early")) == 1
    status = await bob.slash(ready.general, "partner status")
    assert "on a planned break" not in reply(status)
    assert not ready.errors()


async def test_come_back_early_after_the_break_ended_changes_nothing(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    await alice.slash(ready.general, "pause start", weeks=1)
    [told] = messages_with(thread, BREAK)
    await advance_to(ready, at(9))  # the break ended on the 8th, as planned
    late = await alice.click(told, label="Come back early")
    assert late.ephemeral and "not on a break" in reply(late)
    assert await pause_ends(ready) == [at(8).timestamp()]
    assert messages_with(thread, "is back from their break early") == []
    assert not ready.errors()


async def test_an_earlier_break_s_button_never_ends_a_later_break(ready: Server) -> None:
    """A one-week break runs out on the 8th; alice takes another on the 9th. The first
    break's **Come back early** (its notice and her `/pause start` reply) answers that it
    was for that break: the new one goes on, and bob is told nothing."""
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    started = await alice.slash(ready.general, "pause start", weeks=1)
    [told] = messages_with(thread, BREAK)
    await advance_to(ready, at(9))
    await alice.slash(ready.general, "pause start", weeks=1)
    for old in (told, answer(started)):
        pressed = await alice.click(old, label="Come back early")
        assert pressed.ephemeral and "earlier break" in reply(pressed)
    assert await pause_ends(ready) == [at(8).timestamp(), at(16).timestamp()]
    assert messages_with(thread, "is back from their break early") == []
    assert "on a planned break" in reply(await bob.slash(ready.general, "partner status"))
    back = await alice.click(messages_with(thread, BREAK)[-1], label="Come back early")
    assert reply(back).startswith("👋 Welcome back!")
    assert await pause_ends(ready) == [at(8).timestamp(), at(9).timestamp()]


async def test_a_check_in_card_names_its_author_and_its_date(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    for monday in (5, 12):
        await advance_to(ready, at(monday, 17, 30))
        await check_in(ready, alice, completed=f"Chapter {monday}")
    await check_in(ready, bob)
    cards = [m.embeds[0] for m in thread.history() if m.embeds]
    assert [(c.title, c.author.name, c.description) for c in cards] == [
        ("Check-in", "alice", stamp(at(5, 17), Stamp.FULL)),
        ("Check-in", "alice", stamp(at(12, 17), Stamp.FULL)),
        ("Check-in", "bob", stamp(at(12, 17), Stamp.FULL)),
    ]
    assert all(card.author.icon_url for card in cards)
    assert not ready.errors()


async def test_the_forms_show_examples(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    shown = await alice.slash(ready.general, "checkin")
    assert shown.modal is not None and shown.modal["title"] == "Weekly check-in"
    inputs = [c for row in shown.modal["components"] for c in row["components"]]
    assert [bool(i.get("placeholder")) for i in inputs] == [True, True, True]
    # The review's Change time form: the current time filled in, an example behind it.
    change = schedule_form(partnership, alice.id, 0)
    fields = [item for item in change.children if isinstance(item, discord.ui.TextInput)]
    assert [(f.default, bool(f.placeholder)) for f in fields] == [
        ("Monday", True),
        ("18:00", True),
        ("Europe/Berlin", True),
    ]


async def test_proposals_show_the_first_check_in_in_each_reader_s_clock(ready: Server) -> None:
    alice, bob, thread = await new_yorker(ready)
    await alice.slash(ready.general, "checkin_cadence", every=Cadence.EVERY_TWO_WEEKS.value)
    [cadence] = messages_with(thread, CADENCE_PROPOSED)
    assert stamp(at(5, 17)) in cadence.content
    for_everyone(cadence.content)
    assert button_labels(cadence) == ["Confirm", "Not yet", "How it works"]
    await bob.click(cadence, label="Confirm")
    for_everyone(fresh(thread, cadence).content)
    assert stamp(at(5, 17)) in fresh(thread, cadence).content

    await agree_time(
        ready, bob, alice, thread, checkin_day=2, checkin_time="12:00", timezone="America/New_York"
    )
    [schedule] = messages_with(thread, "New check-in time confirmed")
    first = stamp(at(7, 17))  # Wednesday 12:00 in New York, then every two weeks
    confirmed = schedule.content
    assert first in confirmed and "every two weeks" in confirmed
    for_everyone(confirmed)
    assert not ready.errors()


async def test_the_thread_s_other_notices_are_short(ready: Server) -> None:
    """The nudge, the rematch offer, the one-sided note and the trial question."""
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    for monday in (5, 12, 19):
        await advance_to(ready, at(monday, 17, 30))
        await check_in(ready, alice)
    await advance_to(ready, at(26, 17, 30))
    texts = {
        "nudge": messages_with(thread, "No pressure to reply"),
        "offer": messages_with(thread, "has been quiet for"),
        "one-sided": messages_with(thread, "A gentle note"),
        "trial": messages_with(thread, "keep going together?"),
    }
    assert all(texts.values()), {kind: len(found) for kind, found in texts.items()}
    for found in texts.values():
        for message in found:
            assert_short(message.content)
    [offer] = texts["offer"]
    assert button_labels(offer) == ["End and find a new partner", "How it works"]
    assert "How it works" in button_labels(texts["trial"][0])
    for said in (offer, texts["trial"][0]):  # first in line for what
        assert "first in line for your next match." in said.content
    answers = dict.fromkeys(partnership.members, "change_time")
    assert_short(review_question(partnership, answers))
    assert not ready.errors()
