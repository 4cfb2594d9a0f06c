"""`/progress`: the card a member sees, decoded as they would see it.

SimCord's clock starts on Thursday 2026-01-01 00:00 UTC; the pairs here check in on
Mondays at 18:00 Berlin time (17:00 UTC).
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

import discord
from PIL import Image

from bot.errors import UserError
from bot.models import Cadence
from cogs.common.pictures import TEXT_LAYER
from cogs.progress.card import HEIGHT, WIDTH, cell_box
from tests.helpers import (
    Server,
    add,
    advance_to,
    agree_time,
    answer,
    check_in,
    confirm,
    find,
    goal,
    invitation_message,
    pair,
    reply,
    request,
)


async def picture(attachment: discord.Attachment) -> tuple[Image.Image, dict[str, Any]]:
    """The card's pixels and the values it drew (its PNG text layer)."""
    assert attachment.filename == "progress.png"
    image = Image.open(io.BytesIO(await attachment.read()))
    image.load()
    return image, json.loads(image.text[TEXT_LAYER])  # type: ignore[attr-defined]


def centre(row: int, column: int) -> tuple[int, int]:
    left, top, right, bottom = cell_box(row, column)
    return (left + right) // 2, (top + bottom) // 2


async def test_the_card_shows_both_partners_weeks_streaks_milestones_and_pool(
    ready: Server,
) -> None:
    alice, bob = ready.member("Ana 李 😀"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await check_in(ready, alice, completed="Secret chapter notes")  # the week of Mon 29 Dec
    await add(ready, alice, await goal(ready, alice), due="2026-01-03", stake=5.0)
    await advance_to(ready, datetime(2026, 1, 5, 18, tzinfo=UTC))
    await check_in(ready, alice)
    await check_in(ready, bob)
    await advance_to(ready, datetime(2026, 1, 13, 9, tzinfo=UTC))  # Mon 12 Jan not answered yet

    shown = await alice.slash(ready.general, "progress")
    assert answer(shown).ephemeral
    [attachment] = answer(shown).attachments
    image, drawn = await picture(attachment)

    assert image.size == (WIDTH, HEIGHT) and image.format == "PNG"
    mine, theirs = drawn["members"]
    assert (mine["id"], theirs["id"]) == (alice.id, bob.id)
    assert mine["name"] == "Ana 李 😀"
    assert mine["cells"][-3:] == ["checked", "checked", "due"]
    assert theirs["cells"][-3:] == ["missed", "checked", "due"]
    assert set(mine["cells"][:-3]) == {"before"}
    store, now = ready.bot.store, ready.env.now()
    assert mine["streak"] == await store.checkins.streak(ready.guild.id, alice.id, now) == 2
    assert theirs["streak"] == await store.checkins.streak(ready.guild.id, bob.id, now) == 1
    assert (mine["best_streak"], theirs["best_streak"]) == (2, 1)
    assert (mine["missed"], mine["confirmed"], mine["open"]) == (1, 0, 0)
    assert drawn["pool"] == await store.ledger.balance(partnership.id) == 500
    assert drawn["pool_label"] == "5 points"
    assert drawn["age_days"] == 12
    assert drawn["weeks"][-1] == "2026-01-12"  # Monday 18:00 in Berlin, alice's zone
    await bob.slash(ready.general, "profile", timezone="Pacific/Auckland")
    _, seen_by_bob = await picture(
        answer(await bob.slash(ready.general, "progress")).attachments[0]
    )
    assert seen_by_bob["weeks"][-1] == "2026-01-13"  # already Tuesday 06:00 in Auckland
    # A checked-in week is drawn unlike a missed one, and unlike one before the pair began.
    checked, missed, before = (image.getpixel(centre(r, c)) for r, c in ((0, 9), (1, 9), (0, 0)))
    assert len({checked, missed, before}) == 3
    assert image.getpixel(centre(0, 10)) == image.getpixel(centre(1, 10)) == checked
    # Check-in answers never reach a picture.
    assert "Secret chapter" not in json.dumps(drawn) and "Chapter 3" not in json.dumps(drawn)


async def test_a_partner_views_the_card_in_the_thread_and_nobody_else_can(ready: Server) -> None:
    alice, bob, carol = ready.member("alice"), ready.member("bob"), ready.member("carol")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    await check_in(ready, alice)

    shown = await bob.slash(thread, "progress", member=alice)
    assert not answer(shown).ephemeral  # the thread is private to the two of them
    [posted] = [m for m in thread.history() if m.attachments]
    assert "alice" in posted.content and not posted.mentions
    _, drawn = await picture(posted.attachments[0])
    assert [m["id"] for m in drawn["members"]] == [alice.id, bob.id]
    assert drawn["members"][0]["cells"][-1] == "checked"

    before = len(ready.general.history())
    refused = await carol.slash(ready.general, "progress", member=alice)
    assert refused.ephemeral and "private to a partnership" in reply(refused)
    assert not answer(refused).attachments and len(ready.general.history()) == before
    lonely = await carol.slash(ready.general, "progress")
    assert lonely.ephemeral and "don't have an active partner" in reply(lonely)
    assert {type(e) for e in ready.errors()} == {UserError}


async def test_a_pair_every_two_weeks_sees_its_off_weeks(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    await alice.slash(ready.general, "checkin_cadence", every=Cadence.EVERY_TWO_WEEKS.value)
    [proposal] = [m for m in thread.history() if "every two weeks" in m.content and m.components]
    await bob.click(proposal, label="Confirm")  # on-weeks from Monday 5 January
    for monday in (5, 19):
        await advance_to(ready, datetime(2026, 1, monday, 18, tzinfo=UTC))
        await check_in(ready, alice)
    await advance_to(ready, datetime(2026, 1, 27, 9, tzinfo=UTC))

    shown = await alice.slash(ready.general, "progress")
    _, drawn = await picture(answer(shown).attachments[0])
    assert drawn["cadence"] == "every_two_weeks"
    mine, theirs = drawn["members"]
    assert mine["cells"][-4:] == ["checked", "off", "checked", "off"]  # 5, 12, 19, 26 Jan
    assert theirs["cells"][-4:] == ["missed", "off", "missed", "off"]
    assert mine["streak"] == mine["best_streak"] == 2


async def test_a_mentorship_card_shows_each_role(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await request(ready, alice, bob, **{"as": "mentor"})
    await bob.click(invitation_message(ready, bob), label="Accept")
    await check_in(ready, alice)

    shown = await bob.slash(ready.general, "progress", member=alice)
    _, drawn = await picture(answer(shown).attachments[0])
    mentee, mentor = drawn["members"]
    assert (mentee["id"], mentee["role"]) == (alice.id, "🌱 mentee")
    assert (mentor["id"], mentor["role"]) == (bob.id, "🧭 mentor")
    assert mentee["cells"][-1] == "checked"
    # The mentor is never asked to check in: no week of theirs is missed, no streak shown.
    assert set(mentor["cells"]) == {"before", "not_asked"}
    assert mentor["streak"] is None and mentee["streak"] == 1


async def test_partners_in_two_courses_name_the_course_and_each_card_counts_its_own(
    ready: Server,
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    python = await pair(ready, alice, bob)
    await confirm(ready, alice, bob, python.thread_id, "Chapter 3")
    await add(ready, alice, await goal(ready, alice), title="Chapter 4", due="2026-03-01")
    await find(ready, alice, course="Statistics")
    await find(ready, bob, course="Statistics")
    [statistics] = [
        p
        for p in await ready.bot.store.partnerships.active_partnerships(ready.guild.id, alice.id)
        if p.course == "Statistics"
    ]

    refused = await alice.slash(ready.general, "progress", member=bob)
    assert refused.ephemeral and "name the course" in reply(refused)
    assert not answer(refused).attachments

    async def card(where: Any, **options: Any) -> tuple[str, dict[str, Any]]:
        shown = answer(await alice.slash(where, "progress", member=bob, **options))
        if not shown.attachments:  # posted in the thread, not as an ephemeral answer
            shown = [m for m in where.history() if m.attachments][-1]
        return shown.content, (await picture(shown.attachments[0]))[1]

    said, drawn = await card(ready.general, course="Statistics")
    assert "**Statistics**" in said and drawn["course"] == "Statistics"
    assert drawn["members"][0]["id"] == bob.id
    mine = drawn["members"][1]
    assert (mine["confirmed"], mine["open"], mine["missed"]) == (0, 0, 0)
    said, drawn = await card(ready.thread(python.thread_id))  # the thread names its pair
    assert "**Intro to Python**" in said and drawn["course"] == "Intro to Python"
    mine = drawn["members"][1]
    assert (mine["confirmed"], mine["open"], mine["missed"]) == (1, 1, 0)
    assert statistics.thread_id != python.thread_id
    assert {type(e) for e in ready.errors()} == {UserError}


async def test_a_check_in_asked_after_a_new_time_is_due_then_missed_never_off(
    ready: Server,
) -> None:
    """Every two weeks on Mondays, answered on 5 January; on the 6th the pair moves to
    Thursdays 19:00. Its first check-in at the new time is Thursday 15 January, in the
    column right after the answer: due on the 13th, missed once its window closes."""
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    await alice.slash(ready.general, "checkin_cadence", every=Cadence.EVERY_TWO_WEEKS.value)
    [proposal] = [m for m in thread.history() if "every two weeks" in m.content and m.components]
    await bob.click(proposal, label="Confirm")
    await advance_to(ready, datetime(2026, 1, 5, 18, tzinfo=UTC))
    await check_in(ready, alice)
    await advance_to(ready, datetime(2026, 1, 6, 9, tzinfo=UTC))
    await agree_time(
        ready, alice, bob, thread, checkin_day=3, checkin_time="19:00", timezone="Europe/Berlin"
    )

    async def alices_row() -> list[str]:
        _, drawn = await picture(
            answer(await alice.slash(ready.general, "progress")).attachments[0]
        )
        return list(drawn["members"][0]["cells"])

    await advance_to(ready, datetime(2026, 1, 13, 9, tzinfo=UTC))
    assert (await alices_row())[-2:] == ["checked", "due"]  # Thursdays 8 and 15 January
    await advance_to(ready, datetime(2026, 1, 20, 9, tzinfo=UTC))
    assert (await alices_row())[-3:] == ["checked", "missed", "off"]  # next: the 29th
