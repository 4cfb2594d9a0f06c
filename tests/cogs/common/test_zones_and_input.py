"""Times in each reader's own zone, and input that looks fine but is not."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import discord
import pytest

from bot.errors import UserError
from bot.schedule import WeeklyTime
from cogs.common.text import stamp
from tests.helpers import Server, add, agree_time, find, goal, messages_with, pair, reply


async def berlin_and_new_york(server: Server) -> tuple[Any, Any, Any]:
    alice, bob = server.member("alice"), server.member("bob")
    partnership = await pair(server, alice, bob)  # Monday 18:00 Europe/Berlin
    await bob.slash(server.general, "profile", timezone="America/New_York")
    return alice, bob, partnership


async def test_thread_notices_give_times_in_both_members_zones(ready: Server) -> None:
    alice, bob, partnership = await berlin_and_new_york(ready)
    await add(ready, alice, await goal(ready, alice), due="2026-01-20")
    thread = ready.thread(partnership.thread_id)
    [added] = messages_with(thread, "set a milestone")
    [milestone] = await server_milestones(ready, alice)
    assert f"due by {stamp(milestone.deadline)}" in added.content  # each reader's own clock
    assert "Europe/Berlin" not in added.content and "America/New_York" not in added.content

    await agree_time(
        ready, alice, bob, thread, checkin_day=3, checkin_time="07:30", timezone="Asia/Kolkata"
    )
    [confirmed] = messages_with(thread, "New check-in time confirmed")
    first = WeeklyTime(3, 7 * 60 + 30, "Asia/Kolkata").next_after(ready.env.now())
    assert f"the first is {stamp(first)}" in confirmed.content  # each reader's own clock
    assert "Asia/Kolkata" not in confirmed.content


async def test_status_and_milestone_list_read_in_the_readers_zone(ready: Server) -> None:
    alice, bob, _partnership = await berlin_and_new_york(ready)
    status = await bob.slash(ready.general, "partner status")
    monday = int(datetime(2026, 1, 5, 17, tzinfo=UTC).timestamp())  # each reader's own clock
    assert f"Next check-in: <t:{monday}:F>" in reply(status)
    await add(ready, bob, await goal(ready, bob), due="2026-01-20")
    listed = await bob.slash(ready.general, "milestone list")
    [his] = await server_milestones(ready, bob)
    assert his.deadline == datetime(2026, 1, 21, 5, 0, tzinfo=UTC)  # his end of day
    assert f"due by {stamp(his.deadline)}" in reply(listed)
    # Without a profile zone of her own, alice's day ends in the pair's zone, never in UTC.
    await add(ready, alice, await goal(ready, alice), due="2026-01-20")
    [hers] = await server_milestones(ready, alice)
    assert hers.deadline == datetime(2026, 1, 20, 23, 0, tzinfo=UTC)
    mine = await alice.slash(ready.general, "milestone list")
    assert f"due by {stamp(hers.deadline)}" in reply(mine)


async def server_milestones(server: Server, member: Any) -> list[Any]:
    return await server.bot.store.milestones.milestones_of(
        server.guild.id, member.id, open_only=False
    )


@pytest.mark.parametrize(
    "variant",
    ["Art\u200b", "\u200bArt", "A\u200drt", "Ａｒｔ", "art", " Art\t", "Art\u00ad"],
)
async def test_course_names_that_look_alike_are_one_course(ready: Server, variant: str) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await find(ready, alice, course="Art")
    paired = await find(ready, bob, course=variant)
    assert f"paired with {alice.mention} for **Art**" in reply(paired)


@pytest.mark.parametrize("empty", ["\u200b\u200b", " \u200d ", "\x07"])
async def test_a_course_name_of_invisible_characters_is_refused(ready: Server, empty: str) -> None:
    alice = ready.member("alice")
    refused = await find(ready, alice, course=empty)
    assert refused.ephemeral and "Name the course" in reply(refused)
    assert await ready.bot.store.queue.queued_courses(ready.guild.id, alice.id) == []
    assert [type(e) for e in ready.errors()] == [UserError]


@pytest.mark.parametrize("typed", ["¹²", "١٢", "1" * 25, "my goal", "-1", "9" * 19])
async def test_ids_typed_by_hand_get_a_clear_refusal(ready: Server, typed: str) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await pair(ready, alice, bob)
    await add(ready, alice, await goal(ready, alice))
    for command, option in (
        ("milestone done", "milestone"),
        ("milestone reschedule", "milestone"),
        ("goal close", "goal"),
        ("milestone add", "goal"),
    ):
        extra = {
            "milestone reschedule": {"new_due": "2026-02-01"},
            "milestone add": {"title": "T", "due": "2026-02-01"},
        }.get(command, {})
        refused = await alice.slash(ready.general, command, **{option: typed}, **extra)
        assert refused.ephemeral, command
        assert "from the list" in reply(refused) or "not one of your" in reply(refused), command
    assert {type(e) for e in ready.errors()} == {UserError}


async def test_a_lost_permission_names_it_and_the_pair_is_still_made(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await find(ready, alice)
    partners = ready.bot.get_channel(ready.partners.id)
    assert isinstance(partners, discord.TextChannel)
    await partners.set_permissions(ready.guild.me, create_private_threads=False)
    paired = await find(ready, bob)
    text = reply(paired)
    assert f"You're paired with {alice.mention}" in text
    assert "Create Private Threads" in text and "will open as soon as it can" in text
    [partnership] = await ready.bot.store.partnerships.active_partnerships(ready.guild.id, bob.id)
    assert partnership.thread_id is None

    await partners.set_permissions(ready.guild.me, overwrite=None)  # a moderator restores it
    await ready.env.advance_time(10 * 60)
    [opened] = await ready.bot.store.partnerships.active_partnerships(ready.guild.id, bob.id)
    assert opened.thread_id is not None
    [thread] = ready.partners.threads
    assert messages_with(thread, "Welcome")
