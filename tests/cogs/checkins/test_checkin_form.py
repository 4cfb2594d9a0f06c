"""The check-in form belongs to one member, and still submits after a deploy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.app import TandemBot
from tests.helpers import ANSWERS, Server, pair, reply


def answers_in(thread: Any) -> dict[str, str]:
    """Whose check-in each embed in the thread shows, and what they completed."""
    return {
        m.embeds[0].author.name: m.embeds[0].fields[0].value for m in thread.history() if m.embeds
    }


async def test_both_partners_fill_the_form_at_once_and_each_posts_their_own(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    alices = await alice.slash(ready.general, "checkin")
    bobs = await bob.slash(ready.general, "checkin")  # both forms are open now
    assert alices.modal["custom_id"] != bobs.modal["custom_id"]

    done_alice = await alice.submit_modal(alices, ANSWERS | {"completed": "Alice's chapter"})
    done_bob = await bob.submit_modal(bobs, ANSWERS | {"completed": "Bob's exercises"})

    assert "posted" in reply(done_alice) and "posted" in reply(done_bob)
    assert answers_in(ready.thread(partnership.thread_id)) == {
        "alice": "Alice's chapter",
        "bob": "Bob's exercises",
    }
    assert await ready.bot.store.db.fetch_value("SELECT COUNT(*) FROM checkins") == 2


async def test_a_form_opened_before_a_restart_submits_after_it(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    shown = await alice.slash(ready.general, "checkin")
    await ready.env.restart_bot(make_bot())  # a deploy while alice is typing
    done = await alice.submit_modal(shown, ANSWERS)
    assert done.ephemeral and "posted" in reply(done)
    assert answers_in(ready.thread(partnership.thread_id)) == {"alice": ANSWERS["completed"]}


async def test_a_second_answer_that_week_edits_the_same_message(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    first = await alice.slash(ready.general, "checkin")
    second = await alice.slash(ready.general, "checkin")
    await alice.submit_modal(first, ANSWERS)
    updated = await alice.submit_modal(second, ANSWERS | {"completed": "Even more"})
    assert "updated" in reply(updated)
    thread = ready.thread(partnership.thread_id)
    assert answers_in(thread) == {"alice": "Even more"}
    assert len([m for m in thread.history() if m.embeds]) == 1
