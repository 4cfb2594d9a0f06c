"""Nobody is pinged by text somebody typed; each message pings exactly whom it means to."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.errors import UserError
from tests.helpers import (
    Server,
    add,
    advance_to,
    goal,
    messages_with,
    pair,
    pinged,
    reply,
    request,
)


async def test_a_title_that_mentions_someone_pings_only_whom_each_notice_means(
    ready: Server,
) -> None:
    alice, bob, carol = ready.member("alice"), ready.member("bob"), ready.member("carol")
    partnership = await pair(ready, alice, bob)
    title = f"{carol.mention} {bob.mention} @everyone"
    await advance_to(ready, datetime(2026, 1, 1, 9, 0, tzinfo=UTC))  # daytime: pings may wake
    await add(ready, alice, await goal(ready, alice), title=title, pledge=5.0)
    # Alice moves west: her deadline, Berlin's midnight, is 18:00 for her, so she is pinged.
    await alice.slash(ready.general, "profile", timezone="America/New_York")
    await advance_to(ready, datetime(2026, 1, 4, 0, 0, tzinfo=UTC))  # the deadline passes
    thread = ready.thread(partnership.thread_id)
    [added] = messages_with(thread, "set a milestone")
    [missed] = messages_with(thread, "missed **")
    assert title in added.content and title in missed.content
    assert pinged(ready, added) == {bob.id}  # the partner, asked to confirm later
    assert pinged(ready, missed) == {alice.id}  # only the owner of the missed milestone
    assert not added.mention_everyone and not missed.mention_everyone
    members = {m.id for m in await (await ready.bot.fetch_channel(thread.id)).fetch_members()}
    assert carol.id not in members  # a ping would have added her to the private thread


async def test_every_message_names_its_pings_and_never_parses_everyone_or_roles(
    ready: Server,
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await alice.submit_modal(
        await alice.slash(ready.general, "checkin"),
        {"completed": "@everyone <@&1>", "next_goal": f"{bob.mention}", "blockers": ""},
    )
    await add(ready, alice, await goal(ready, alice), pledge=1.0)
    await advance_to(ready, datetime(2026, 1, 16, 0, 0, tzinfo=UTC))  # reminders, trial, misses
    sent = [
        r
        for r in ready.env.http_requests
        if r.method in ("POST", "PATCH") and isinstance(r.json, dict) and "content" in r.json
    ]
    assert len(sent) > 10
    for r in sent:
        allowed = r.json.get("allowed_mentions") or r.json.get("data", {}).get("allowed_mentions")
        assert allowed is not None and allowed["parse"] == [], r.path
        assert set(allowed.get("users", [])) <= set(partnership.members), r.path


async def test_asking_five_times_makes_one_invitation_and_one_ping(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    results = [await request(ready, alice, bob) for _ in range(5)]
    assert all(result.ephemeral for result in results)
    assert all("already invited" in reply(result) for result in results[1:])
    invitations = [m for m in ready.general.history() if "would like you" in m.content]
    assert len(invitations) == 1 and pinged(ready, invitations[0]) == {bob.id}
    assert [type(e) for e in ready.errors()] == [UserError] * 4


async def test_no_invitation_is_posted_inside_a_private_partner_thread(ready: Server) -> None:
    alice, bob, carol = ready.member("alice"), ready.member("bob"), ready.member("carol")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    before = len(thread.history())
    refused = await alice.slash(
        thread,
        "partner request",
        member=carol,
        course="Statistics",
        checkin_day=2,
        checkin_time="07:30",
        timezone="UTC",
    )
    assert refused.ephemeral and "public channel" in reply(refused)
    assert len(thread.history()) == before
    members = {m.id for m in await (await ready.bot.fetch_channel(thread.id)).fetch_members()}
    assert carol.id not in members
    assert await ready.bot.store.db.fetch_value("SELECT COUNT(*) FROM invitations") == 0
    assert [type(e) for e in ready.errors()] == [UserError]
