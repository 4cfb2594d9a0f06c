"""`/privacy export`, `/privacy delete` and `/profile leaderboard`: what members control."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.app import TandemBot
from bot.replies import NEEDS_SETUP
from tests.helpers import (
    ANSWERS,
    TEST_DATABASE_URL,
    Server,
    add,
    advance_to,
    check_in,
    exported,
    find,
    goal,
    ledger_rows,
    messages_with,
    only_milestone,
    pair,
    reply,
    request,
)


async def a_full_history(server: Server, alice: Any, bob: Any) -> Any:
    """Alice: a pair with bob, a check-in each, a missed pledge, a queue place, an invitation,
    and a planned break."""
    partnership = await pair(server, alice, bob)
    await check_in(server, alice, completed="Alice's secret progress")
    await check_in(server, bob, completed="Bob's own words")
    await add(server, alice, await goal(server, alice, "Learn Rust"), pledge=6.0)
    await advance_to(server, datetime(2026, 1, 4, 0, 0, tzinfo=UTC))  # missed: 6 points
    await find(server, alice, course="Statistics")
    await request(server, alice, server.member("carol"), course="Go")
    await alice.slash(server.general, "pause start", weeks=1)
    return partnership


async def test_export_holds_everything_about_the_member_and_nothing_of_others(
    ready: Server,
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await a_full_history(ready, alice, bob)
    document = await exported(ready, alice)
    assert (document["server_id"], document["member_id"]) == (ready.guild.id, alice.id)
    assert document["profile"] == [
        {
            "time_zone": "Europe/Berlin",
            "leaderboard_hidden": False,
            "heads_up": True,
            "languages": [],
        }
    ]
    assert document["discord_language"] == "en-US"
    assert [q["course"] for q in document["queue"]] == ["Statistics"]
    assert [(i["direction"], i["course"]) for i in document["invitations"]] == [("sent", "Go")]
    [pair_record] = document["partnerships"]
    assert (pair_record["id"], pair_record["partner_id"]) == (partnership.id, bob.id)
    assert [c["completed"] for c in document["checkins"]] == ["Alice's secret progress"]
    assert [(p["weeks"], p["started_at"]) for p in document["pauses"]] == [
        (1, "2026-01-04T00:00:00+00:00")
    ]
    assert [g["text"] for g in document["goals"]] == ["Learn Rust"]
    [milestone] = document["milestones"]
    assert (milestone["title"], milestone["status"]) == ("Chapter 4", "missed")
    assert milestone["deadline"] == "2026-01-03T23:00:00+00:00"
    assert [(e["kind"], e["amount_minor_units"]) for e in document["ledger_entries"]] == [
        ("miss", 600)
    ]
    assert "Bob's own words" not in json.dumps(document)


async def test_delete_asks_first_then_erases_and_keeps_every_pool_exact(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await a_full_history(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    asked = await alice.slash(ready.general, "privacy delete")
    assert asked.ephemeral and "cannot be undone" in reply(asked)
    assert await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id) != []

    await ready.env.restart_bot(make_bot())  # the confirmation survives a deploy
    done = await alice.click(asked.response.message, label="Delete my data")
    assert "is deleted" in reply(done)
    assert await ready.bot.store.languages.of_members((alice.id,)) == {}

    document = await exported(ready, alice)
    sections = {k: v for k, v in document.items() if isinstance(v, list)}
    assert sections and all(rows == [] for rows in sections.values()), sections
    # Seeing her data stores nothing, her Discord language included.
    assert document["discord_language"] is None
    # The pool adds up exactly as before; the entry no longer names alice.
    assert await ready.bot.store.ledger.balance(partnership.id) == 600
    assert await ledger_rows(ready) == [("miss", 600, 1)]
    assert await ready.bot.store.db.fetch_value("SELECT member_id FROM ledger_entries") is None
    pool = await bob.slash(ready.general, "pool view")
    assert "6 points" in reply(pool) and "a former member" in reply(pool)
    # Bob is told kindly; alice's answers leave the thread, bob's stay.
    [goodbye] = messages_with(thread, "deleted their Tandem data")
    assert bob.mention in goodbye.content
    embeds = [m.embeds[0].fields[0].value for m in thread.history() if m.embeds]
    assert embeds == ["Bob's own words"]
    assert await ready.bot.store.partnerships.active_partnerships(ready.guild.id, bob.id) == []
    assert (
        await ready.bot.store.db.fetch_value(
            "SELECT COUNT(*) FROM checkins WHERE user_id = ?", (bob.id,)
        )
        == 1
    )

    tables = await ready.bot.store.db.table_names()
    assert "ledger_entries" in tables
    for table in tables:
        dump = str([tuple(r) for r in await ready.bot.store.db.fetch_all(f"SELECT * FROM {table}")])
        for words in ("Learn Rust", "Chapter 4", "Alice's secret progress", str(alice.id)):
            assert words not in dump, (table, words)

    again = await alice.click(asked.response.message, label="Delete my data")  # idempotent
    assert "is deleted" in reply(again)
    assert await ready.bot.store.ledger.balance(partnership.id) == 600


async def test_the_database_refuses_any_other_change_to_the_ledger(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await pair(ready, alice, bob)
    await add(ready, alice, await goal(ready, alice), pledge=2.0)
    await advance_to(ready, datetime(2026, 1, 4, 0, 0, tzinfo=UTC))
    statements = [
        "UPDATE ledger_entries SET amount = 0",
        "UPDATE ledger_entries SET member_id = 12345",
        "DELETE FROM ledger_entries",
    ]
    if TEST_DATABASE_URL:  # PostgreSQL has one more way to empty a table
        statements += ["TRUNCATE ledger_entries CASCADE", "TRUNCATE partnerships CASCADE"]
    for statement in statements:
        try:
            async with ready.bot.store.db.transaction() as conn:
                await conn.execute(statement)
        except Exception as error:
            assert "append-only" in str(error)
        else:
            raise AssertionError(f"the ledger allowed: {statement}")
    assert await ledger_rows(ready) == [("miss", 200, 1)]


async def test_a_hidden_member_is_not_ranked_and_celebrated_without_a_name(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    hidden = await alice.slash(ready.general, "profile", leaderboard="hide")
    assert hidden.ephemeral and "hidden" in reply(hidden)
    await add(ready, alice, await goal(ready, alice), due="2026-01-20")
    await alice.slash(
        ready.general, "milestone done", milestone=str((await only_milestone(ready, alice)).id)
    )
    await bob.click(
        messages_with(ready.thread(partnership.thread_id), "is done!")[-1], label="Confirm"
    )

    [cheer] = ready.leaderboard.history()
    assert "A member completed **Chapter 4**" in cheer.embeds[0].description
    assert alice.mention not in str(cheer.embeds[0].to_dict())
    board = await bob.slash(ready.general, "leaderboard", period="all")
    assert alice.mention not in reply(board) and "No confirmed milestones yet" in reply(board)
    mine = await alice.slash(ready.general, "leaderboard", period="all")
    assert "You are hidden from the leaderboard" in reply(mine)

    await alice.slash(ready.general, "profile", leaderboard="show")
    shown = await bob.slash(ready.general, "leaderboard", period="all")
    assert f"🥇 {alice.mention}" in reply(shown)


async def test_privacy_works_even_before_a_moderator_ran_setup(server: Server) -> None:
    alice = server.member("alice")
    document = await exported(server, alice)
    assert document["profile"] == []
    profile = await alice.slash(server.general, "profile")
    assert reply(profile) == NEEDS_SETUP  # other commands still wait for /setup


async def test_profile_alone_shows_the_members_settings(ready: Server) -> None:
    alice = ready.member("alice")
    shown = await alice.slash(ready.general, "profile")
    assert shown.ephemeral and "haven't set a time zone" in reply(shown)
    assert "appear** on the leaderboard" in reply(shown)
    await alice.slash(ready.general, "profile", timezone="Asia/Tokyo", leaderboard="hide")
    both = await alice.slash(ready.general, "profile")
    assert "**Asia/Tokyo**" in reply(both) and "**hidden**" in reply(both)


async def test_answers_of_a_check_in_stay_private_in_the_export_of_the_partner(
    ready: Server,
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await pair(ready, alice, bob)
    await alice.submit_modal(await alice.slash(ready.general, "checkin"), ANSWERS)
    document = await exported(ready, bob)
    assert document["checkins"] == []
