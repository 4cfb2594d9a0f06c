"""Check-ins in the pair's language: the reminders in the thread, the Check in button and its
form, the answers it posts, `/checkin`, breaks and a new time, for two partners who both
read the test-only pseudo-locale (every word that did not pass the translation layer
stands outside its ⟦ ⟧ marks).

The pair checks in on Mondays at 18:00 Berlin time (17:00 UTC); the simulation starts on
Thursday 1 January 2026 at 00:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.errors import UserError
from bot.i18n import PSEUDO, _, speaking
from cogs.checkins.messages import ANSWER_LABELS
from cogs.checkins.schedule import schedule_form
from tests.helpers import (
    ANSWERS,
    Server,
    advance_to,
    answer,
    assert_translated,
    pair,
    reply,
    speaks,
    unmarked,
)

COURSE = "Intro to Python"


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment of January 2026, in UTC."""
    return datetime(2026, 1, 1, hour, minute, tzinfo=UTC) + timedelta(days=day - 1)


async def pseudo_pair(server: Server) -> tuple[Any, Any, Any, Any]:
    """alice and bob, both reading the pseudo-locale, paired: so their thread speaks it."""
    alice = speaks(server.member("alice"), PSEUDO)
    bob = speaks(server.member("bob"), PSEUDO)
    partnership = await pair(server, alice, bob)
    return alice, bob, partnership, server.thread(partnership.thread_id)


def newest(thread: Any, marked: str) -> Any:
    """The thread's newest message holding `marked` (a translated string's start)."""
    return [m for m in thread.history() if marked in m.content][-1]


def assert_form_translated(modal: dict[str, Any]) -> None:
    """The form's title, and each field's label and example, passed the translation layer."""
    assert unmarked(modal["title"]) == "", modal["title"]
    inputs = [field for row in modal["components"] for field in row["components"]]
    assert inputs
    for field in inputs:
        for text in (field["label"], field.get("placeholder") or ""):
            assert unmarked(text) == "", text


async def test_reminders_the_form_and_the_answers_speak_the_pair_s_language(
    ready: Server,
) -> None:
    alice, _bob, partnership, thread = await pseudo_pair(ready)
    await advance_to(ready, at(5, 17, 1))

    heads_up = newest(thread, "⟦⏰")
    assert_translated(heads_up)
    due = newest(thread, "⟦📝")
    assert_translated(due)

    shown = await alice.click(due, label="⟦Check in⟧")
    assert shown.modal is not None
    assert_form_translated(shown.modal)
    written = ANSWERS | {"blockers": ""}
    sent = await alice.submit_modal(shown, written)
    assert unmarked(reply(sent)) == "", reply(sent)
    posted = next(m for m in thread.history() if m.embeds and m.embeds[0].title == "⟦Check-in⟧")
    assert posted.embeds[0].fields[2].value == "⟦Nothing⟧"
    assert_translated(posted, "alice", *written.values())

    # /checkin shows the same form, in the member's language.
    again = await alice.slash(ready.general, "checkin")
    assert again.modal is not None
    assert_form_translated(again.modal)
    # A second answer the same week updates the first, and says so.
    updated = await alice.submit_modal(again, ANSWERS)
    assert unmarked(reply(updated)) == "" and "⟦Thanks!" in reply(updated)
    assert not ready.errors()
    assert partnership.thread_id == thread.id


async def test_a_break_and_its_early_end_speak_the_pair_s_language(ready: Server) -> None:
    _alice, bob, _partnership, thread = await pseudo_pair(ready)

    started = answer(await bob.slash(ready.general, "pause start", weeks=1))
    assert started.ephemeral and "⟦🌿" in str(started.content)
    assert_translated(started)
    announced = newest(thread, "⟦🌿")
    assert_translated(announced)

    back = await bob.click(announced, label="⟦Come back early⟧")
    assert back.ephemeral and "⟦👋" in reply(back)
    assert_translated(answer(back))
    assert_translated(newest(thread, "⟦👋"))
    # /pause end once back changes nothing, and says so in the member's language.
    assert_translated(answer(await bob.slash(ready.general, "pause end")))
    # So do the rules a break must keep.
    await bob.slash(ready.general, "pause start", weeks=1)
    refused = answer(await bob.slash(ready.general, "pause start", weeks=2))
    assert refused.ephemeral and "/pause end" in str(refused.content)
    assert_translated(refused)
    assert {type(error) for error in ready.errors()} <= {UserError}


async def test_a_new_time_and_cadence_speak_the_pair_s_language(ready: Server) -> None:
    alice, _bob, partnership, thread = await pseudo_pair(ready)

    proposed = await alice.slash(
        ready.general,
        "checkin_schedule",
        checkin_day=2,
        checkin_time="07:30",
        timezone="Asia/Kolkata",
    )
    assert_translated(answer(proposed))
    assert_translated(newest(thread, "⟦📅"))
    repeated = await alice.slash(
        ready.general,
        "checkin_schedule",
        checkin_day=2,
        checkin_time="07:30",
        timezone="Asia/Kolkata",
    )
    assert_translated(answer(repeated))
    unknown = await alice.slash(
        ready.general,
        "checkin_schedule",
        checkin_day=2,
        checkin_time="07:30",
        timezone="Mars/Olympus",
    )
    assert "Mars/Olympus" in reply(unknown)
    assert unmarked(reply(unknown), "Mars/Olympus") == "", reply(unknown)

    cadence = await alice.slash(ready.general, "checkin_cadence", every="every_two_weeks")
    assert_translated(answer(cadence))
    assert_translated(newest(thread, "⟦📅"))

    # The review's Change time form, with the pair's current time filled in.
    with speaking(PSEUDO):
        form = schedule_form(partnership, alice.id, 0).to_dict()
    assert_form_translated(form)
    assert {type(error) for error in ready.errors()} <= {UserError}


async def test_the_two_week_question_and_its_answers_speak_the_pair_s_language(
    ready: Server,
) -> None:
    alice, bob, _partnership, thread = await pseudo_pair(ready)
    await advance_to(ready, at(15, 1))

    question = newest(thread, "⟦🌱")
    assert "⟦two weeks⟧" in question.content
    assert_translated(question)
    kept = await alice.click(question, label="⟦Keep⟧")
    assert_translated(answer(kept))
    # The redrawn question names each answer by its button's words.
    with speaking(PSEUDO):
        chose = _(
            "• {member} chose **{answer}**",
            member=alice.mention,
            answer=_(ANSWER_LABELS["keep"]),
        )
    assert chose in newest(thread, "⟦🌱").content
    assert_translated(newest(thread, "⟦🌱"))
    again = await alice.click(question, label="⟦Keep⟧")
    assert_translated(answer(again))
    assert_translated(answer(await bob.click(question, label="⟦Keep⟧")))
