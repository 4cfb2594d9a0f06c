"""Weeks checked in by voice on the progress card (issue 22): a call or a voice message is
drawn in its own colour and counts exactly like the form.

The card is read as a member sees it, from a check-in whose row says how it was made:
the call itself is driven end to end in tests/cogs/checkins/.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.cadence import Rhythm
from bot.models import Cadence, CheckinVia
from bot.pauses import Span
from bot.progress import Cell, History, grid_row
from bot.schedule import WeeklyTime
from cogs.common.pictures import THEME
from cogs.progress.messages import heading
from tests.cogs.progress.test_progress import centre, figures, picture
from tests.helpers import Server, advance_to, answer, assert_short, check_in, pair

WEEKLY = Rhythm(WeeklyTime(0, 18 * 60, "Europe/Berlin"))
MONDAY = datetime(2026, 1, 5, 17, tzinfo=UTC)  # 18:00 in Berlin
WEEK = timedelta(days=7)


def test_a_week_is_drawn_by_how_it_was_checked_in() -> None:
    weeks = tuple(MONDAY + WEEK * n for n in range(4))
    answered = dict.fromkeys(weeks[:3], Cadence.WEEKLY)
    via = {weeks[1]: CheckinVia.CALL, weeks[2]: CheckinVia.VOICE_MESSAGE}
    history = History(answered, [], Span(MONDAY - WEEK, weeks[-1]), via=via)
    row = grid_row(weeks, history, WEEKLY, weeks[-1])
    assert row == (Cell.CHECKED, Cell.CALL, Cell.VOICE_MESSAGE, Cell.DUE)


def test_a_call_every_two_weeks_is_followed_by_an_off_week_like_the_form() -> None:
    weeks = tuple(MONDAY + WEEK * n for n in range(4))
    answered = {weeks[0]: Cadence.EVERY_TWO_WEEKS, weeks[2]: Cadence.EVERY_TWO_WEEKS}
    history = History(answered, [], Span(MONDAY - WEEK, weeks[-1]), via={weeks[0]: CheckinVia.CALL})
    row = grid_row(weeks, history, WEEKLY, weeks[-1] + WEEK)
    assert row == (Cell.CALL, Cell.OFF, Cell.CHECKED, Cell.OFF)


def test_the_message_explains_the_voice_colour_once() -> None:
    said = heading("Ana", "Intro to Python", {Cell.CHECKED, Cell.CALL, Cell.VOICE_MESSAGE})
    assert said.count("🟪 checked in by voice") == 1 and "🟩 checked in" in said
    assert "🟪" not in heading("Ana", "Intro to Python", {Cell.CHECKED, Cell.DUE})


async def test_the_card_draws_weeks_checked_in_by_voice_and_counts_them(ready: Server) -> None:
    """Made on Thursday 1 January, first asked on Monday 5 January: alice's check-in that
    week was a call, bob's a voice message. Both weeks are purple, both streaks are 1."""
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await advance_to(ready, datetime(2026, 1, 5, 18, tzinfo=UTC))
    await check_in(ready, alice)
    await check_in(ready, bob)
    store = ready.bot.store
    async with store.db.transaction() as conn:
        for member, via in ((alice, CheckinVia.CALL), (bob, CheckinVia.VOICE_MESSAGE)):
            await conn.execute(
                "UPDATE checkins SET via = ? WHERE partnership_id = ? AND user_id = ?",
                (via, partnership.id, member.id),
            )
    await advance_to(ready, datetime(2026, 1, 13, 9, tzinfo=UTC))
    card = await store.progress.card(partnership, ready.env.now(), "Europe/Berlin")
    assert [m.cells[1] for m in card.members] == [Cell.CALL, Cell.VOICE_MESSAGE]

    shown = answer(await alice.slash(ready.general, "progress"))
    image, drawn = await picture(shown.attachments[0])
    mine, theirs = drawn["members"]
    assert drawn["weeks"] == ["2025-12-29", "2026-01-05", "2026-01-12"]
    assert mine["cells"] == ["before", "call", "due"]
    assert theirs["cells"] == ["before", "voice_message", "due"]
    streak = await store.checkins.streak(ready.guild.id, alice.id, ready.env.now())
    assert figures(drawn)["streak"] == streak == 1
    assert image.getpixel(centre(0, 1)) == image.getpixel(centre(1, 1)) == THEME.voice
    assert THEME.voice != THEME.good
    said = str(shown.content)
    assert "🟪 checked in by voice" in said and "🟩" not in said
    assert_short(said)
