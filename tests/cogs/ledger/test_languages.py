"""Goals, milestones, pledges and the pool in the reader's language: private replies and forms
speak the member's Discord language, the partner thread the pair's. The test-only
pseudo-locale shows any word that did not pass the translation layer, outside its ⟦ ⟧ marks.

SimCord's clock starts on Thursday 2026-01-01 00:00 UTC; the pair lives in Europe/Berlin
(UTC+1 in January). The server keeps the default currency, `points`, which is translated.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from bot.i18n import PSEUDO, _, speaking
from bot.ledger import MINOR_PER_UNIT, format_amount
from bot.models import DEFAULT_CURRENCY
from cogs.common.requests import CONFIRM
from tests.helpers import (
    Server,
    add,
    advance_to,
    answer,
    assert_translated,
    button_labels,
    fresh,
    messages_with,
    only_milestone,
    pair,
    reply,
    speaks,
    unmarked,
)

COURSE = "Intro to Python"
GOAL = "Finish the Python course"
DONE_WHEN = "Certificate in hand"
WRITTEN = (COURSE, GOAL, DONE_WHEN, "Chapter 4", "Chapter 5")


def own_words(result: Any) -> str:
    """A stored change's reply without its closing sentence about the partner: that sentence
    is the shared `reply_stored`'s (`cogs/common/outbox.py`), not the ledger's wording."""
    return re.split(r" ⟦?Your partner (?:was|will be) ", reply(result))[0]


def assert_form_translated(shown: Any) -> None:
    """A form's title, and every field's label and placeholder, passed the translation layer."""
    assert shown.modal is not None
    assert unmarked(shown.modal["title"]) == "", shown.modal["title"]
    fields = [field for row in shown.modal["components"] for field in row["components"]]
    assert fields
    for field in fields:
        for text in (field["label"], field.get("placeholder") or ""):
            assert unmarked(text) == "", text


async def test_milestones_and_the_pool_speak_the_pair_language(ready: Server) -> None:
    alice = speaks(ready.member("alice"), PSEUDO)
    bob = speaks(ready.member("bob"), PSEUDO)
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)

    # /goal set, and a refusal of the same command.
    blank = await alice.slash(ready.general, "goal set", text="  ", done_when=DONE_WHEN)
    assert blank.ephemeral and unmarked(reply(blank)) == "", reply(blank)
    set_goal = await alice.slash(ready.general, "goal set", text=GOAL, done_when=DONE_WHEN)
    with speaking(PSEUDO):
        goal_set = _(
            "Goal set: **{goal}** (done when: {done}). Break it into milestones with "
            "`/milestone add`.",
            goal=GOAL,
            done=DONE_WHEN,
        )
        pledged = _("pledge {amount}", amount=format_amount(5 * MINOR_PER_UNIT, DEFAULT_CURRENCY))
        confirm = _(CONFIRM)
    assert reply(set_goal) == goal_set
    assert unmarked(reply(set_goal), *WRITTEN) == "", reply(set_goal)
    [chosen] = await ready.bot.store.milestones.active_goals(ready.guild.id, alice.id)

    # /milestone add with a pledge: the reply and the partner's notice.
    added = await add(ready, alice, chosen.id, title="Chapter 4", due="2026-01-10", pledge=5.0)
    assert added.ephemeral and unmarked(own_words(added), *WRITTEN) == "", reply(added)
    [told] = messages_with(thread, "🎯")
    assert pledged in told.content
    assert_translated(told, *WRITTEN)
    listed = await alice.slash(ready.general, "milestone list")
    assert unmarked(reply(listed), *WRITTEN) == "", reply(listed)

    # /milestone done: the partner's Confirm / Not yet, then the outcome once confirmed.
    milestone = await only_milestone(ready, alice)
    asked = await alice.slash(ready.general, "milestone done", milestone=str(milestone.id))
    assert unmarked(own_words(asked), *WRITTEN) == "", reply(asked)
    [request] = messages_with(thread, "✅")
    assert button_labels(request) == ["⟦Confirm⟧", "⟦Not yet⟧"]
    assert_translated(request, *WRITTEN)
    own = await alice.click(request, label="⟦Confirm⟧")
    assert answer(own).ephemeral and unmarked(reply(own)) == "", reply(own)
    await bob.click(request, label="⟦Confirm⟧")
    confirmed = fresh(thread, request)
    assert confirmed.content.startswith("⟦🎉") and button_labels(confirmed) == []
    assert_translated(confirmed, *WRITTEN)

    # A missed milestone adds its pledge to the pool; its notice offers the next one.
    await add(ready, alice, chosen.id, title="Chapter 5", due="2026-01-03", pledge=5.0)
    await advance_to(ready, datetime(2026, 1, 4, 9, 0, tzinfo=UTC))
    [missed] = messages_with(thread, "⌛")
    assert "⟦⌛ {member} missed" not in missed.content  # the values were filled in
    assert button_labels(missed) == ["⟦Set a new milestone⟧", "⟦How it works⟧"]
    assert_translated(missed, *WRITTEN)
    assert_form_translated(await alice.click(missed, label="⟦Set a new milestone⟧"))

    # /pool view, the settling form and its request, confirmed by the partner.
    viewed = await bob.slash(ready.general, "pool view")
    assert button_labels(answer(viewed)) == ["⟦Propose settling⟧", "⟦How it works⟧"]
    assert_translated(answer(viewed), *WRITTEN)
    shown = await bob.click(answer(viewed), label="⟦Propose settling⟧")
    assert_form_translated(shown)
    proposed = await bob.submit_modal(shown, {"note": "Pizza for the study group"})
    assert unmarked(own_words(proposed), *WRITTEN) == "", reply(proposed)
    [proposal] = messages_with(thread, "💸")
    assert confirm in proposal.content and button_labels(proposal) == [confirm]
    assert_translated(proposal, "Pizza for the study group", *WRITTEN)
    await alice.click(proposal, label="⟦Confirm⟧")
    settled = fresh(thread, proposal)
    assert settled.content.startswith("⟦🤝") and button_labels(settled) == []
    assert_translated(settled, "Pizza for the study group", *WRITTEN)
    assert await ready.bot.store.ledger.balance(partnership.id) == 0

    # The moderators' overview of every pool.
    overview = await speaks(ready.moderator, PSEUDO).slash(ready.general, "pool overview")
    assert_translated(answer(overview), *WRITTEN)
    assert {type(error).__name__ for error in ready.errors()} == {"UserError"}
