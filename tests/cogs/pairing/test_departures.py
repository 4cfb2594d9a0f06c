"""Members who leave the server, noticed without privileged intents (a REST member lookup)."""

from __future__ import annotations

from tests.helpers import Server, find, fresh, invitation_message, reply, request


async def test_a_queued_member_who_left_is_never_matched(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await find(ready, alice)
    await find(ready, alice, course="Statistics")
    ready.guild.remove_member(alice)  # alice leaves; Tandem hears nothing without the intent
    waiting = await find(ready, bob)
    assert "added you to the queue" in reply(waiting)
    assert await ready.bot.store.partnerships.active_partnerships(ready.guild.id, bob.id) == []
    assert await ready.bot.store.queue.queued_courses(ready.guild.id, alice.id) == []
    assert ready.partners.threads == []


async def test_the_newcomer_is_matched_with_the_next_candidate_instead(ready: Server) -> None:
    alice, carol, bob = ready.member("alice"), ready.member("carol"), ready.member("bob")
    await find(ready, alice, checkin_time="18:00")
    await find(ready, carol, checkin_time="21:30")  # too far from alice; farther from bob
    ready.guild.remove_member(alice)
    paired = await find(ready, bob, checkin_time="19:00")
    assert f"paired with {carol.mention}" in reply(paired)
    [partnership] = await ready.bot.store.partnerships.active_partnerships(ready.guild.id, bob.id)
    assert set(partnership.members) == {bob.id, carol.id}


async def test_an_invitation_from_someone_who_left_cannot_be_accepted(ready: Server) -> None:
    alice, bob, carol = ready.member("alice"), ready.member("bob"), ready.member("carol")
    await request(ready, alice, bob)
    await request(ready, alice, carol, course="Statistics")
    to_bob, to_carol = invitation_message(ready, bob), invitation_message(ready, carol)
    ready.guild.remove_member(alice)
    pressed = await bob.click(to_bob, label="Accept")
    assert pressed.ephemeral and f"{alice.mention} is no longer in this server" in reply(pressed)
    assert await ready.bot.store.partnerships.active_partnerships(ready.guild.id, bob.id) == []
    assert ready.partners.threads == []
    for message in (to_bob, to_carol):  # every invitation of hers is withdrawn, buttons gone
        withdrawn = fresh(ready.general, message)
        assert "no longer open" in withdrawn.content and not withdrawn.components
    assert [type(e) for e in ready.errors()] == []
