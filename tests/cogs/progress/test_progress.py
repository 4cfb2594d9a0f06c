"""`/progress`: the card a member sees, decoded as they would see it.

SimCord's clock starts on Thursday 2026-01-01 00:00 UTC; the pairs here check in on
Mondays at 18:00 Berlin time (17:00 UTC).
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
from cogs.progress.card import HEIGHT, cell_box
from tests.helpers import (
    Server,
    add,
    advance_to,
    agree_time,
    answer,
    assert_short,
    button_labels,
    check_in,
    confirm,
    find,
    goal,
    invitation_message,
    pair,
    reply,
    request,
    shown_on_a_phone,
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


def figures(drawn: dict[str, Any]) -> dict[str, Any]:
    """The card's large numbers, by what they count: streak, confirmed, pool."""
    return {figure["name"]: figure["value"] for figure in drawn["figures"]}


async def test_the_card_shows_both_partners_weeks_a_streak_milestones_and_pool(
    ready: Server,
) -> None:
    alice, bob = ready.member("Ana 李 😀"), ready.member("bob")
    partnership = await pair(ready, alice, bob)  # on Thursday 1 January
    await check_in(ready, alice, completed="Secret chapter notes")  # the week of Mon 29 Dec
    await add(ready, alice, await goal(ready, alice), due="2026-01-03", pledge=5.0)
    await advance_to(ready, datetime(2026, 1, 5, 18, tzinfo=UTC))
    await check_in(ready, alice)
    await check_in(ready, bob)
    await advance_to(ready, datetime(2026, 1, 13, 9, tzinfo=UTC))  # Mon 12 Jan not answered yet

    shown = await alice.slash(ready.general, "progress")
    assert answer(shown).ephemeral
    [attachment] = answer(shown).attachments
    image, drawn = await picture(attachment)

    assert image.size == (800, HEIGHT) and image.format == "PNG"
    mine, theirs = drawn["members"]
    assert (mine["id"], theirs["id"]) == (alice.id, bob.id)
    assert mine["name"] == "Ana 李 😀"
    # From the pair's first week on; bob was not asked to check in before Monday 5 January.
    assert drawn["weeks"] == ["2025-12-29", "2026-01-05", "2026-01-12"]  # alice's Berlin
    assert mine["cells"] == ["checked", "checked", "due"]
    assert theirs["cells"] == ["before", "checked", "due"]
    store, now = ready.bot.store, ready.env.now()
    assert (
        figures(drawn)
        == {
            "streak": await store.checkins.streak(ready.guild.id, alice.id, now),
            "confirmed": 0,
            "pool": await store.ledger.balance(partnership.id),
        }
        == {"streak": 2, "confirmed": 0, "pool": 500}
    )
    assert [f["shown"] for f in drawn["figures"]] == ["2", "0", "5"]
    assert drawn["figures"][2]["label"] == "points in the pool"
    assert drawn["age_days"] == 12
    # The colours are explained in the message, those the card shows only.
    said = str(answer(shown).content)
    assert "🟩 checked in" in said and "🔲 due this week" in said and "🟥" not in said
    assert_short(said)
    await bob.slash(ready.general, "profile", timezone="Pacific/Auckland")
    shown_to_bob = answer(await bob.slash(ready.general, "progress"))
    _, seen_by_bob = await picture(shown_to_bob.attachments[0])
    assert seen_by_bob["weeks"][-1] == "2026-01-13"  # already Tuesday 06:00 in Auckland
    assert seen_by_bob["members"][0]["id"] == bob.id and figures(seen_by_bob)["streak"] == 1
    # A checked-in week is drawn unlike one not asked, and unlike this week's, still due.
    checked, before, due = (image.getpixel(centre(r, c)) for r, c in ((0, 0), (1, 0), (0, 2)))
    assert len({checked, before, due}) == 3
    assert image.getpixel(centre(0, 1)) == image.getpixel(centre(1, 1)) == checked
    # Check-in answers never reach a picture.
    assert "Secret chapter" not in json.dumps(drawn) and "Chapter 3" not in json.dumps(drawn)


async def test_every_text_on_the_card_is_readable_on_a_phone(ready: Server) -> None:
    """At 400 px wide, as Discord shows it on a phone, no text is under 11 px tall: long
    names and course, both roles of a mentorship, the weeks' dates."""
    alice, bob = ready.member("Maximiliane von Habsburg-Lothringen 😀"), ready.member("Дмитрий")
    course = "Introduction to Machine Learning and Statistics 機械学習"
    await request(ready, alice, bob, course=course, **{"as": "mentor"})
    await bob.click(invitation_message(ready, bob), label="Accept")
    await advance_to(ready, datetime(2026, 1, 20, tzinfo=UTC))
    _, drawn = await picture(answer(await bob.slash(ready.general, "progress")).attachments[0])
    heights = shown_on_a_phone(drawn)
    assert len(drawn["weeks"]) == 4 and len(heights) > 10
    assert "Mentors don't check in" in heights and "🧭 mentor" in heights
    assert min(heights.values()) >= 11, heights
    assert drawn["layout"]["width"] == 800


async def test_a_pair_made_on_thursday_has_no_missed_week_before_its_first_check_in(
    ready: Server,
) -> None:
    """Paired on Thursday 1 January, first asked on Monday 5 January: the week of pairing
    up was never asked, so it is not missed, before or after the first check-in."""
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    assert partnership.created_at == datetime(2026, 1, 1, tzinfo=UTC)

    async def cards() -> list[list[str]]:
        rows = []
        for member in (alice, bob):
            _, drawn = await picture(
                answer(await member.slash(ready.general, "progress")).attachments[0]
            )
            rows += [m["cells"] for m in drawn["members"]]
        return rows

    await advance_to(ready, datetime(2026, 1, 3, 9, tzinfo=UTC))
    assert await cards() == [["before", "due"]] * 4
    await advance_to(ready, datetime(2026, 1, 5, 18, tzinfo=UTC))
    await check_in(ready, alice)
    await check_in(ready, bob)
    await advance_to(ready, datetime(2026, 1, 12, 9, tzinfo=UTC))
    assert await cards() == [["before", "checked", "due"]] * 4


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
    assert figures(drawn)["streak"] == 2
    assert drawn["figures"][0]["label"] == "check-ins in a row"
    said = str(answer(shown).content)
    assert "⬜ off week" in said and "🟥 missed" in said


async def test_a_mentorship_card_shows_each_role(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await request(ready, alice, bob, **{"as": "mentor"})
    await bob.click(invitation_message(ready, bob), label="Accept")
    await check_in(ready, alice)

    # The mentor's own card is the mentee's: only she checks in and has milestones.
    for shown in (
        await bob.slash(ready.general, "progress", member=alice),
        await bob.slash(ready.general, "progress"),
    ):
        _, drawn = await picture(answer(shown).attachments[0])
        mentee, mentor = drawn["members"]
        assert (mentee["id"], mentee["role"]) == (alice.id, "🌱 mentee")
        assert (mentor["id"], mentor["role"]) == (bob.id, "🧭 mentor")
        assert mentee["cells"][-1] == "checked"
        # The mentor is never asked to check in: no weeks of theirs are drawn at all.
        assert mentor["cells"] == [] and figures(drawn)["streak"] == 1
        assert "**alice**'s progress" in str(answer(shown).content)


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
        shown = answer(await alice.slash(where, "progress", **options))
        if not shown.attachments:  # posted in the thread, not as an ephemeral answer
            shown = [m for m in where.history() if m.attachments][-1]
        return shown.content, (await picture(shown.attachments[0]))[1]

    async def mine(where: Any, **options: Any) -> dict[str, Any]:
        """Alice's own card, whose figures are hers."""
        return (await card(where, **options))[1]

    said, drawn = await card(ready.general, course="Statistics", member=bob)
    assert "**Statistics**" in said and drawn["course"] == "Statistics"
    assert drawn["members"][0]["id"] == bob.id
    assert figures(await mine(ready.general, course="Statistics"))["confirmed"] == 0
    said, drawn = await card(ready.thread(python.thread_id), member=bob)  # names its pair
    assert "**Intro to Python**" in said and drawn["course"] == "Intro to Python"
    assert figures(await mine(ready.thread(python.thread_id)))["confirmed"] == 1
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


async def test_my_progress_under_the_reminder_shows_the_presser_their_own_card_privately(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    """The reminder's **My progress** (`tandem:progress:<id>`): each partner sees their own
    card, as `/progress` draws it, in private even in the thread; nobody else may press
    it, and it still works after a restart."""
    alice, bob, carol = ready.member("alice"), ready.member("bob"), ready.member("carol")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    await advance_to(ready, datetime(2026, 1, 5, 17, 1, tzinfo=UTC))
    await check_in(ready, alice)
    [reminder] = [m for m in thread.history() if "My progress" in button_labels(m)]
    posted = len(thread.history())

    for member, other, name in ((alice, bob, "alice"), (bob, alice, "bob")):
        pressed = await member.click(reminder, custom_id=f"tandem:progress:{partnership.id}")
        assert answer(pressed).ephemeral and f"**{name}**'s progress" in reply(pressed)
        _, drawn = await picture(answer(pressed).attachments[0])
        assert [m["id"] for m in drawn["members"]] == [member.id, other.id]
        command = answer(await member.slash(ready.general, "progress"))
        _, by_command = await picture(command.attachments[0])
        assert drawn == by_command and reply(pressed) == str(command.content)
    assert len(thread.history()) == posted  # nothing posted for the partner to see

    thread_handle = await ready.bot.fetch_channel(partnership.thread_id)
    await thread_handle.add_user(discord.Object(id=carol.id))  # a moderator adds someone
    refused = await carol.click(reminder, label="My progress")
    assert answer(refused).ephemeral and "Only the two partners" in reply(refused)
    assert not answer(refused).attachments

    await ready.env.restart_bot(make_bot())
    again = await alice.click(reminder, label="My progress")
    assert answer(again).ephemeral and answer(again).attachments
