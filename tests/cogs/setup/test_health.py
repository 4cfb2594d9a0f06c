"""`/setup health:True`: the moderators' picture of how the server's partnerships are doing.

SimCord's clock starts on Thursday 2026-01-01 00:00 UTC; the pairs here check in on
Mondays at 18:00 Berlin time (17:00 UTC), so each week's reminder comes on its Monday.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from importlib import import_module
from typing import Any

import discord
from babel.dates import format_date
from PIL import Image

from bot.errors import UserError
from bot.health import UNDELIVERABLE_COUNTED, Health
from bot.i18n import PSEUDO, speaking
from bot.replies import NEEDS_MANAGE_SERVER
from bot.store.misses import missed_at_of, status_of
from cogs.common.pictures import TEXT_LAYER, text_width
from cogs.common.text import Stamp, stamp
from cogs.setup import messages
from cogs.setup.health import INNER, LINE_SIZE, draw_health
from tests.helpers import (
    Server,
    add,
    advance_to,
    answer,
    assert_short,
    check_in,
    confirm,
    find,
    goal,
    pair,
    reply,
    set_up,
    shown_on_a_phone,
    speaks,
    unmarked,
)

# What each test's scenario leaves, as the view shows it on Wednesday 21 January.
SHOWN_ON = datetime(2026, 1, 21, 9, tzinfo=UTC)
DERIVE = import_module("bot.store.migrations.0019_health")


async def picture(attachment: discord.Attachment) -> dict[str, Any]:
    """The values and layout the health picture's PNG recorded."""
    assert attachment.filename == "health.png"
    image = Image.open(io.BytesIO(await attachment.read()))
    return dict(json.loads(image.text[TEXT_LAYER]))  # type: ignore[attr-defined]


async def health_of(server: Server) -> tuple[Any, dict[str, Any]]:
    """The moderator's private answer to `/setup health:True`, and what its picture drew."""
    result = await server.moderator.slash(server.general, "setup", health=True)
    shown = answer(result)
    assert shown.ephemeral
    [attachment] = shown.attachments
    return shown, await picture(attachment)


async def a_server_with_history(ready: Server) -> dict[str, Any]:
    """Three weeks of a study server: a pair that checks in (bob misses one week), a pair
    that never does, a pair that ended, two members of one course whose paces are too far
    apart to be matched, and a milestone confirmed and one missed."""
    alice, bob, carol, dave = (ready.member(name) for name in ("alice", "bob", "carol", "dave"))
    erin, frank, gina, hank = (ready.member(name) for name in ("erin", "frank", "gina", "hank"))
    steady = await pair(ready, alice, bob)
    await pair(ready, carol, dave, course="Algebra")
    await pair(ready, gina, hank, course="Drawing")
    await gina.slash(ready.general, "partner end", course="Drawing")
    await find(ready, erin, course="Chemistry", pace=4)
    await find(ready, frank, course="Chemistry", pace=40)

    await confirm(ready, alice, bob, steady.thread_id, "Chapter 4")
    await add(
        ready, alice, await goal(ready, alice, "Read more"), title="Chapter 5", due="2026-01-10"
    )
    await advance_to(ready, datetime(2026, 1, 6, 9, tzinfo=UTC))
    await check_in(ready, alice)
    await check_in(ready, bob)
    await advance_to(ready, datetime(2026, 1, 13, 9, tzinfo=UTC))
    await check_in(ready, alice)
    await advance_to(ready, datetime(2026, 1, 20, 9, tzinfo=UTC))
    await check_in(ready, alice)
    await check_in(ready, bob)
    await advance_to(ready, SHOWN_ON)
    return {"alice": alice, "bob": bob, "erin": erin, "frank": frank}


def weeks(drawn: dict[str, Any]) -> dict[str, tuple[int, int, int | None]]:
    """The weeks the picture drew with check-ins due: (due, made, percent) by Monday."""
    return {
        week["week"]: (week["due"], week["made"], week["percent"])
        for week in drawn["weeks"]
        if week["due"] or week["made"]
    }


async def test_the_health_view_shows_the_figures_in_text_and_picture(ready: Server) -> None:
    await a_server_with_history(ready)
    partners = ready.bot.get_channel(ready.partners.id)
    assert isinstance(partners, discord.TextChannel)
    await partners.set_permissions(ready.guild.me, manage_threads=False)

    shown, drawn = await health_of(ready)
    text = str(shown.content)
    assert_short(text)
    lines = text.splitlines()
    # Two pairs go on (the third ended); carol and dave never checked in, so their pair
    # is quiet since their nudge on 15 January. Each Monday asked four partners: two
    # checked in the week of 5 January, one (alice) the week of 12 January.
    assert lines[0] == (
        "🩺 **2** active pairs · **1** quiet for 14+ days · **25%** of last week's check-ins made"
    )
    assert lines[1] == (
        "🎯 **1** milestone confirmed in 30 days · **1** missed · ⏳ **2** members waiting"
    )
    # The worst problem first: a permission Tandem lacks stops it working.
    assert lines[2] == f"⚠️ Missing permissions: {ready.partners.mention}: Manage Threads"

    assert (drawn["active_pairs"], drawn["quiet_pairs"], drawn["waiting"]) == (2, 1, 2)
    assert [week["week"] for week in drawn["weeks"]][-3:] == [
        "2026-01-05",
        "2026-01-12",
        "2026-01-19",
    ]
    assert weeks(drawn) == {
        "2026-01-05": (4, 2, 50),
        "2026-01-12": (4, 1, 25),
        "2026-01-19": (4, 2, 50),
    }
    assert drawn["milestones"] == {"confirmed": 1, "missed": 1}
    assert drawn["courses"] == [
        {"course": "Chemistry", "waiting": 2, "days": 20, "blocker": "pace"}
    ]
    assert (drawn["undeliverable"], drawn["missing_permissions"]) == (0, 1)
    assert min(shown_on_a_phone(drawn).values()) >= 11
    assert drawn["layout"]["width"] == 800

    # Permission back, the course whose members cannot be matched comes first, with why
    # and what would let them be; nothing was stored or changed by looking.
    await partners.set_permissions(ready.guild.me, manage_threads=True)
    shown, drawn = await health_of(ready)
    since = stamp(datetime(2026, 1, 1, tzinfo=UTC), Stamp.LONG_DATE)
    assert str(shown.content).splitlines()[2] == (
        f"⏳ 2 members wait in **Chemistry** since {since}: paces too far apart."
        " They can change their pace with `/partner find`."
    )
    assert drawn["missing_permissions"] == 0
    assert not ready.errors()


async def test_kept_figures_equal_those_derived_from_history(ready: Server) -> None:
    """The counts kept change by change (triggers, store methods) are what the upgrade
    migration derives from the history stored, and the view reads the same from both.

    That migration read misses where they were kept then, on the milestone row (since
    migration 0022 a miss is recorded apart: `bot.store.misses`), so they are put there.
    """
    await a_server_with_history(ready)
    tables = ("health_counts", "health_waiting", "health_days")
    db = ready.bot.store.db
    kept = {table: await rows_of(ready, table) for table in tables}
    before = await ready.bot.store.health.health(ready.guild.id, SHOWN_ON)
    async with db.transaction() as conn:
        await conn.execute(
            f"UPDATE milestones SET missed_at = {missed_at_of('milestones')},"
            f" status = {status_of('milestones')}"
        )
        await DERIVE.derive(conn)
    assert {table: await rows_of(ready, table) for table in tables} == kept
    assert await ready.bot.store.health.health(ready.guild.id, SHOWN_ON) == before
    assert kept["health_counts"] == [(ready.guild.id, 2, 1, 2)]
    assert kept["health_waiting"] == [(ready.guild.id, "chemistry", 2)]


async def rows_of(server: Server, table: str) -> list[tuple[Any, ...]]:
    rows = await server.bot.store.db.fetch_all(f"SELECT * FROM {table} ORDER BY 1, 2")
    return [tuple(row) for row in rows]


async def test_a_quiet_pair_stops_counting_once_its_partners_check_in(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await pair(ready, alice, bob)
    await advance_to(ready, datetime(2026, 1, 15, 1, tzinfo=UTC))  # 14 days without a word
    _shown, drawn = await health_of(ready)
    assert drawn["quiet_pairs"] == 1
    await check_in(ready, alice)
    await advance_to(ready, datetime(2026, 1, 15, 2, tzinfo=UTC))
    _shown, drawn = await health_of(ready)
    assert drawn["quiet_pairs"] == 1  # bob is still quiet
    await check_in(ready, bob)
    await advance_to(ready, datetime(2026, 1, 15, 3, tzinfo=UTC))
    shown, drawn = await health_of(ready)
    assert drawn["quiet_pairs"] == 0
    assert str(shown.content).splitlines()[2] == "✅ Nothing needs you now."


async def test_health_is_shown_alone_and_only_to_moderators(server: Server) -> None:
    first = await server.moderator.slash(server.general, "setup", health=True)
    assert first.ephemeral and reply(first) == _both_channels_first()
    await set_up(server)

    combined = await server.moderator.slash(server.general, "setup", health=True, currency="USD")
    assert combined.ephemeral and reply(combined) == (
        "`health` is shown alone: run `/setup health:True` without other options."
        " Nothing was changed."
    )
    config = await server.bot.store.guilds.get(server.guild.id)
    assert config is not None and config.currency == "points"

    learner = server.member("learner")
    commands = await server.bot.tree.fetch_commands()
    setup_command = next(command for command in commands if command.name == "setup")
    server.guild.set_command_permissions(setup_command, {learner: True})
    refused = await learner.slash(server.general, "setup", health=True)
    assert refused.ephemeral and reply(refused) == NEEDS_MANAGE_SERVER
    assert not refused.response.attachments

    # health:False is no request for the picture: the status view, as without it.
    status = await server.moderator.slash(server.general, "setup", health=False)
    assert reply(status).startswith("**Tandem in this server**")
    assert server.errors()


def _both_channels_first() -> str:
    return messages.BOTH_CHANNELS_FIRST


async def test_the_health_view_speaks_the_moderator_language(ready: Server) -> None:
    await a_server_with_history(ready)
    speaks(ready.moderator, PSEUDO)
    shown, drawn = await health_of(ready)
    assert unmarked(str(shown.content), "Chemistry") == "", shown.content
    dates = {
        format_date(date.fromisoformat(week["week"]), "d MMM", locale="en_US")
        for week in drawn["weeks"]
    }
    texts = [text["text"] for text in drawn["layout"]["texts"] if text["text"] not in dates]
    assert unmarked("\n".join(texts), "Chemistry") == "", texts
    assert "⟦Tandem's health⟧" in texts

    refused = await ready.moderator.slash(ready.general, "setup", health=True, max_pledge=5)
    assert refused.ephemeral and unmarked(reply(refused)) == ""
    assert {type(error) for error in ready.errors()} == {UserError}


def test_a_large_server_s_figures_fit_the_picture() -> None:
    """Six-digit counts in a language of longer words: each line under the chart stays
    inside the card (drawn smaller where it must), every number whole."""
    now = datetime(2026, 3, 4, 12, tzinfo=UTC)
    health = Health(
        active_pairs=100_000,
        quiet_pairs=12_345,
        waiting=10_000,
        weeks=(),
        confirmed=400_000,
        missed=300_000,
        courses=(),
        undeliverable=UNDELIVERABLE_COUNTED,
    )
    for language in ("en-US", "de"):
        with speaking(language):
            image = Image.open(io.BytesIO(draw_health(health, 3, now)))
            texts = json.loads(image.text[TEXT_LAYER])["layout"]["texts"]
            lines = [text for text in texts if text["px"] <= LINE_SIZE]
            assert all(text_width(line["text"], line["px"]) <= INNER for line in lines), lines
            shown = "\n".join(line["text"] for line in lines)
            assert "…" not in shown, shown
            assert not any(line["text"].startswith("·") for line in lines), lines
            for figure in ("400", "300", "000"):
                assert figure in shown, shown
