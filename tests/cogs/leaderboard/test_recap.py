"""The weekly recap picture in the leaderboard channel: when it comes, once, and what it shows.

SimCord's clock starts on Thursday 2026-01-01 00:00 UTC; the default recap time is
Sunday 18:00 UTC, so the first recap is due on Sunday 4 January at 18:00 UTC. Pairs made
with `pair` check in on Mondays at 18:00 Berlin time (17:00 UTC).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import discord
from PIL import Image

from bot.app import TandemBot
from bot.errors import UserError
from bot.models import Cadence
from cogs.common.pictures import TEXT_LAYER
from tests.helpers import (
    Server,
    advance,
    advance_to,
    assert_short,
    check_in,
    confirm,
    invitation_message,
    pair,
    reply,
    request,
    shown_on_a_phone,
)


async def recaps(server: Server) -> list[tuple[discord.Message, dict[str, Any]]]:
    """Every recap in the leaderboard channel, with the values its picture drew.

    Each is a short message and a picture drawn for a phone: 800 px wide, shown 400 px
    wide, where no text of it is under 11 px tall, by the layout its PNG recorded.
    """
    found = []
    for message in server.leaderboard.history():
        if not message.attachments or message.attachments[0].filename != "weekly-recap.png":
            continue
        image = Image.open(io.BytesIO(await message.attachments[0].read()))
        drawn = json.loads(image.text[TEXT_LAYER])  # type: ignore[attr-defined]
        assert image.format == "PNG" and image.size == (800, drawn["layout"]["height"])
        assert min(shown_on_a_phone(drawn).values()) >= 11
        assert_short(message.content)
        found.append((message, drawn))
    return found


async def test_the_recap_comes_once_a_week_names_only_members_who_show(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob = ready.member("Ana 😀"), ready.member("bob")
    carol, dan = ready.member("carol"), ready.member("dan")
    ab = await pair(ready, alice, bob)
    cd = await pair(ready, carol, dan, course="Statistics")
    await carol.slash(ready.general, "profile", leaderboard="hide")
    await confirm(ready, alice, bob, ab.thread_id, "Chapter 4")
    await confirm(ready, carol, dan, cd.thread_id, "Secret hobby")

    await advance_to(ready, datetime(2026, 1, 4, 17, 59, tzinfo=UTC))
    assert await recaps(ready) == []
    await advance_to(ready, datetime(2026, 1, 4, 18, 1, tzinfo=UTC))
    [(message, drawn)] = await recaps(ready)
    sunday = int(datetime(2026, 1, 4, 18, tzinfo=UTC).timestamp())
    assert message.content == (
        f"📊 **Weekly recap**, the week to <t:{sunday}:D>: 2 milestones done. Keep it up, everyone!"
    )
    assert not message.mentions and not message.mention_everyone
    assert drawn["week"] == ["2025-12-28T18:00:00+00:00", "2026-01-04T18:00:00+00:00"]
    assert drawn["confirmed_count"] == 2
    named = {(item["id"], item["name"], item["title"]) for item in drawn["confirmed"]}
    assert named == {(alice.id, "Ana 😀", "Chapter 4"), (None, "A member", "Secret hobby")}
    assert [(r["place"], r["id"], r["confirmed"]) for r in drawn["top"]] == [(1, alice.id, 1)]
    assert drawn["top"][0]["sentence"] == "Ana 😀: 1 milestone"
    assert "carol" not in json.dumps(drawn)

    await ready.env.restart_bot(make_bot())
    await advance_to(ready, datetime(2026, 1, 6, tzinfo=UTC))
    assert len(await recaps(ready)) == 1  # once, across a restart
    assert await ready.bot.store.db.fetch_value("SELECT COUNT(*) FROM recaps") == 1

    # Moved to Wednesdays, the next recap starts where Sunday's ended: nothing twice.
    await ready.moderator.slash(ready.general, "setup", recap_day=2, recap_time="09:00")
    await confirm(ready, bob, alice, ab.thread_id, "Chapter 5")
    await advance_to(ready, datetime(2026, 1, 7, 9, 1, tzinfo=UTC))
    [_, (_, moved)] = await recaps(ready)
    assert moved["week"] == ["2026-01-04T18:00:00+00:00", "2026-01-07T09:00:00+00:00"]
    assert [item["title"] for item in moved["confirmed"]] == ["Chapter 5"]
    assert [(r["id"], r["confirmed"]) for r in moved["top"]] == [(bob.id, 1)]


async def test_moderators_set_the_recap_time_and_a_quiet_week_posts_nothing(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    ab = await pair(ready, alice, bob)
    bad = await ready.moderator.slash(ready.general, "setup", recap_timezone="Mars/Olympus")
    assert bad.ephemeral and "not a time zone I know" in reply(bad)
    set_up = await ready.moderator.slash(
        ready.general, "setup", recap_day=2, recap_time="09:00", recap_timezone="Europe/Berlin"
    )
    assert "Weekly recap: Wednesday 09:00 (Europe/Berlin)" in reply(set_up)

    await advance_to(ready, datetime(2026, 1, 5, tzinfo=UTC))
    assert await recaps(ready) == []  # no Sunday recap any more
    await confirm(ready, alice, bob, ab.thread_id, "Chapter 4")
    await advance_to(ready, datetime(2026, 1, 7, 7, 59, tzinfo=UTC))
    assert await recaps(ready) == []
    await advance_to(ready, datetime(2026, 1, 7, 8, 1, tzinfo=UTC))  # 09:00 in Berlin
    [(_, drawn)] = await recaps(ready)
    assert drawn["confirmed_count"] == 1
    # Its dates are Berlin's; it starts where the last recap would have ended (none was
    # posted on Sunday 4 January: nothing was confirmed before it).
    assert drawn["week"] == ["2025-12-31T09:00:00+01:00", "2026-01-07T09:00:00+01:00"]

    # A week in which nobody checked in and nothing was confirmed posts no picture.
    await advance_to(ready, datetime(2026, 2, 5, tzinfo=UTC))
    assert len(await recaps(ready)) == 1
    assert {type(e) for e in ready.errors()} == {UserError}


async def test_a_recap_discord_refuses_waits_and_comes_once(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    ab = await pair(ready, alice, bob)
    await confirm(ready, alice, bob, ab.thread_id, "Chapter 4")
    ready.env.inject_error(
        "POST", f"/channels/{ready.leaderboard.id}/messages", status=503, times=2
    )
    await advance_to(ready, datetime(2026, 1, 4, 18, 1, tzinfo=UTC))
    assert await recaps(ready) == []  # refused: it waits
    await advance_to(ready, datetime(2026, 1, 4, 20, tzinfo=UTC))
    [(_, drawn)] = await recaps(ready)
    assert drawn["confirmed_count"] == 1
    await advance_to(ready, datetime(2026, 1, 5, 20, tzinfo=UTC))
    assert len(await recaps(ready)) == 1


async def test_a_recap_moved_later_still_covers_every_milestone(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    ab = await pair(ready, alice, bob)
    await confirm(ready, alice, bob, ab.thread_id, "Chapter 4")
    await advance_to(ready, datetime(2026, 1, 4, 18, 1, tzinfo=UTC))  # Sunday's recap
    await advance_to(ready, datetime(2026, 1, 4, 20, tzinfo=UTC))
    await confirm(ready, bob, alice, ab.thread_id, "After the recap")
    await advance_to(ready, datetime(2026, 1, 11, 17, tzinfo=UTC))
    await ready.moderator.slash(ready.general, "setup", recap_day=0)  # Mondays from now
    await advance_to(ready, datetime(2026, 1, 12, 18, 1, tzinfo=UTC))
    [(_, sunday), (_, monday)] = await recaps(ready)
    assert [item["title"] for item in sunday["confirmed"]] == ["Chapter 4"]
    assert monday["week"] == ["2026-01-04T18:00:00+00:00", "2026-01-12T18:00:00+00:00"]
    assert [item["title"] for item in monday["confirmed"]] == ["After the recap"]


async def test_the_top_of_the_week_shows_a_mentees_role(ready: Server) -> None:
    """As on the leaderboard: the mentee ranked with her 🌱 badge; her mentor confirms."""
    alice, bob = ready.member("alice"), ready.member("bob")
    await request(ready, alice, bob, **{"as": "mentor"})
    await bob.click(invitation_message(ready, bob), label="Accept")
    [mentorship] = await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id)
    carol, dan = ready.member("carol"), ready.member("dan")
    cd = await pair(ready, carol, dan, course="Statistics")
    await confirm(ready, alice, bob, mentorship.thread_id, "Chapter 4")
    await confirm(ready, carol, dan, cd.thread_id, "Chapter 1")
    await advance_to(ready, datetime(2026, 1, 4, 18, 1, tzinfo=UTC))
    [(_, drawn)] = await recaps(ready)
    assert {(r["name"], r["badge"]) for r in drawn["top"]} == {
        ("alice", " · 🌱 mentee"),
        ("carol", ""),
    }


async def test_after_downtime_across_a_dst_change_the_recap_covers_only_its_week(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    """Recaps on Sundays at 18:00 in Berlin. The bot's timed work is down from 22 March
    until just after the recap time of 5 April, so the recap of 29 March (the first in
    summer time) never runs: the one of 5 April covers only the week since 29 March, not
    two weeks, though 22 to 29 March was 6 days 23 hours of the clock."""
    alice, bob = ready.member("alice"), ready.member("bob")
    ab = await pair(ready, alice, bob)
    await ready.moderator.slash(ready.general, "setup", recap_timezone="Europe/Berlin")
    await advance_to(ready, datetime(2026, 3, 20, tzinfo=UTC))
    await confirm(ready, alice, bob, ab.thread_id, "Before", due="2026-04-30")
    await advance_to(ready, datetime(2026, 3, 22, 17, 1, tzinfo=UTC))
    [(_, before)] = await recaps(ready)
    assert before["week"][1] == "2026-03-22T18:00:00+01:00"

    await advance_to(ready, datetime(2026, 3, 22, 20, tzinfo=UTC))
    await confirm(ready, alice, bob, ab.thread_id, "Skipped week", due="2026-04-30")
    ready.bot.get_cog("SchedulerCog").loop.cancel()  # its timed work stops until 5 April
    await advance_to(ready, datetime(2026, 4, 1, tzinfo=UTC))
    await confirm(ready, bob, alice, ab.thread_id, "Latest week", due="2026-04-30")
    await advance_to(ready, datetime(2026, 4, 5, 16, 30, tzinfo=UTC))
    await ready.env.restart_bot(make_bot())
    await advance(ready, 60)
    [_, (_, latest)] = await recaps(ready)
    assert latest["week"] == ["2026-03-29T18:00:00+02:00", "2026-04-05T18:00:00+02:00"]
    assert [item["title"] for item in latest["confirmed"]] == ["Latest week"]


async def test_every_week_with_check_ins_gets_a_recap_in_sentences(ready: Server) -> None:
    """No milestone is finished, yet members check in: each such week has its recap, as
    tall as its lines, each member in a sentence (a streak every two weeks counts
    check-ins); a week without a check-in or a milestone still posts nothing."""
    alice, bob = ready.member("alice"), ready.member("bob")
    carol, dan = ready.member("carol"), ready.member("dan")
    await pair(ready, alice, bob)
    cd = await pair(ready, carol, dan, course="Statistics")
    await carol.slash(ready.general, "checkin_cadence", every=Cadence.EVERY_TWO_WEEKS.value)
    thread = ready.thread(cd.thread_id)
    [proposal] = [m for m in thread.history() if "every two weeks" in m.content and m.components]
    await dan.click(proposal, label="Confirm")
    await check_in(ready, alice)  # early, in the week of Monday 29 December

    await advance_to(ready, datetime(2026, 1, 4, 18, 1, tzinfo=UTC))
    [(first, drawn)] = await recaps(ready)
    assert "1 check-in." in first.content and "milestone" not in first.content
    assert (drawn["checkins"], drawn["confirmed_count"], drawn["confirmed"]) == (1, 0, [])
    assert [r["sentence"] for r in drawn["top"]] == ["alice: 1-week streak"]
    assert drawn["longest_streak"] == 1

    await advance_to(ready, datetime(2026, 1, 5, 18, tzinfo=UTC))
    for member in (alice, bob, carol):
        await check_in(ready, member)
    await advance_to(ready, datetime(2026, 1, 11, 18, 1, tzinfo=UTC))
    [_, (second, drawn)] = await recaps(ready)
    assert "3 check-ins." in second.content
    assert drawn["checkins"] == 3 and drawn["longest_streak"] == 2
    assert [(r["place"], r["sentence"]) for r in drawn["top"]] == [
        (1, "alice: 2-week streak"),
        (2, "bob: 1-week streak"),
        (2, "carol: streak of 1 check-in"),
    ]
    # Sized to its content: two more lines, a taller picture; nothing else grows.
    first_height = (await recaps(ready))[0][1]["layout"]["height"]
    assert drawn["layout"]["height"] - first_height == 2 * 44

    await advance_to(ready, datetime(2026, 1, 18, 18, 1, tzinfo=UTC))
    assert len(await recaps(ready)) == 2  # nobody checked in: no recap
    assert await ready.bot.store.db.fetch_value("SELECT COUNT(*) FROM recaps") == 3
