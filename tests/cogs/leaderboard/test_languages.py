"""The leaderboard in the reader's language: `/leaderboard` speaks the member's, the cheer
of a milestone and the weekly recap (its message and every word on its picture) the
server's. The test-only pseudo-locale shows any word that did not pass the translation
layer, outside its ⟦ ⟧ marks.

SimCord's clock starts on Thursday 2026-01-01 00:00 UTC; the first recap is due on
Sunday 4 January at 18:00 UTC.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

import discord
import simcord
from PIL import Image

from bot.i18n import PSEUDO, _, speaking
from bot.models import Period
from bot.store.recaps import Week
from cogs.common.pictures import TEXT_LAYER
from cogs.leaderboard import messages
from tests.helpers import (
    Server,
    advance_to,
    assert_translated,
    check_in,
    confirm,
    pair,
    reply,
    set_up_server,
    speaks,
    unmarked,
)


async def hall(env: simcord.Env) -> Server:
    """A server whose preferred language is the pseudo-locale, set up by a moderator."""
    return await set_up_server(env, PSEUDO)


async def drawn_on(message: discord.Message) -> dict[str, Any]:
    image = Image.open(io.BytesIO(await message.attachments[0].read()))
    return dict(json.loads(image.text[TEXT_LAYER]))  # type: ignore[attr-defined]


async def test_celebrations_and_the_recap_speak_the_server_language(
    simcord_env: simcord.Env,
) -> None:
    """The partners read English; the leaderboard channel speaks the server's language."""
    server = await hall(simcord_env)
    alice, bob = server.member("alice"), server.member("bob")
    carol, dan = server.member("carol"), server.member("dan")
    ab = await pair(server, alice, bob)
    cd = await pair(server, carol, dan, course="Statistics")
    await carol.slash(server.general, "profile", leaderboard="hide")
    await check_in(server, alice)
    await confirm(server, alice, bob, ab.thread_id, "Chapter 4")
    await confirm(server, carol, dan, cd.thread_id, "Secret hobby")

    named, anonymous = server.leaderboard.history()
    assert_translated(named, "alice", "Chapter 4")
    assert named.embeds[0].title == "⟦🎉 Milestone reached!⟧"
    assert_translated(anonymous, "Secret hobby")
    assert "carol" not in str(anonymous.embeds[0].to_dict())

    await advance_to(server, datetime(2026, 1, 4, 18, 1, tzinfo=UTC))
    [recap] = [m for m in server.leaderboard.history() if m.attachments]
    with speaking(PSEUDO):
        week = Week(checkins=1, confirmed=2, milestones=[], top=[], longest_streak=1)
        announced = messages.announcement(datetime(2026, 1, 4, 18, tzinfo=UTC), week)
        anonymous_line = messages.confirmed_line(_(messages.ANONYMOUS), "Secret hobby")
        alice_line = messages.sentence("alice", messages.achievements(1, 1, weekly=True))
    assert recap.content == announced
    assert_translated(recap)
    drawn = await drawn_on(recap)
    # Every text drawn, in order (a cut line would lose its closing mark), but the
    # members' names, their milestones and the week's dates, which Babel writes.
    texts = [text["text"] for text in drawn["layout"]["texts"]]
    assert texts[1] == "28 Dec – 4 Jan 2026"
    assert texts[0] == "⟦Weekly recap⟧" and anonymous_line in texts
    left = unmarked("\n".join(texts[:1] + texts[2:]), "alice", "Chapter 4", "Secret hobby")
    assert left == "", texts
    assert [r["sentence"] for r in drawn["top"]] == [alice_line]
    assert not server.errors()


async def test_leaderboard_speaks_the_member_language(simcord_env: simcord.Env) -> None:
    """Each answer of `/leaderboard`: the board, the caller's place, or why they have none."""
    server = await hall(simcord_env)
    alice, bob = server.member("alice"), server.member("bob")
    carol = server.member("carol")
    ab = await pair(server, alice, bob)
    await check_in(server, alice)
    for member in (alice, bob, carol):
        speaks(member, PSEUDO)

    empty = reply(await carol.slash(server.general, "leaderboard"))
    assert "⟦No confirmed milestones yet.⟧" in empty and unmarked(empty) == ""

    speaks(alice, "en-US")  # the thread's messages in English, for `confirm` to read
    speaks(bob, "en-US")
    await confirm(server, alice, bob, ab.thread_id, "Chapter 4")
    speaks(alice, PSEUDO)
    speaks(bob, PSEUDO)
    with speaking(PSEUDO):
        first = messages.ordinal(1)
        nothing_yet = messages.elsewhere(Period.WEEK, 1, Period.MONTH)
    for period in ("week", "month", "all"):
        board = reply(await alice.slash(server.general, "leaderboard", period=period))
        assert first in board and unmarked(board) == "", board

    waiting = reply(await bob.slash(server.general, "leaderboard"))
    assert unmarked(waiting) == "", waiting
    await advance_to(server, datetime(2026, 1, 9, tzinfo=UTC))  # the confirmation is 8 days old
    elsewhere = reply(await alice.slash(server.general, "leaderboard", period="week"))
    assert nothing_yet in elsewhere and unmarked(elsewhere) == ""
    await alice.slash(server.general, "profile", leaderboard="hide")
    hidden = reply(await alice.slash(server.general, "leaderboard"))
    assert unmarked(hidden) == "", hidden
