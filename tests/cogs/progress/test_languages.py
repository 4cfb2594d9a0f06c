"""`/progress` in the reader's language: the reply, the words drawn on the card, its dates and
numbers, for the member asking (the test-only pseudo-locale shows any word that did not
pass the translation layer, outside its ⟦ ⟧ marks); and fonts that draw what translators
write."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from typing import Any

import discord
from babel.dates import format_date
from PIL import Image

from bot.errors import UserError
from bot.i18n import PSEUDO, speaking
from bot.models import DEFAULT_CURRENCY
from cogs.common.pictures import BOLD_FONTS, MISSING_GLYPH, TEXT_FONTS, TEXT_LAYER, runs
from cogs.progress import messages
from tests.helpers import (
    Server,
    add,
    advance_to,
    answer,
    assert_translated,
    check_in,
    goal,
    invitation_message,
    pair,
    reply,
    request,
    shown_on_a_phone,
    speaks,
    unmarked,
)


async def drawn_on(attachment: discord.Attachment) -> dict[str, Any]:
    """The values and layout a card's PNG recorded."""
    image = Image.open(io.BytesIO(await attachment.read()))
    return dict(json.loads(image.text[TEXT_LAYER]))  # type: ignore[attr-defined]


def assert_drawn_translated(drawn: dict[str, Any], *member_written: str) -> None:
    """Every text drawn on the card passed the translation layer, apart from member-written
    text and the weeks' dates (Babel writes those, in the reader's language). The texts
    are read in the order drawn: a label too long for one line is drawn on two."""
    dates = {
        format_date(date.fromisoformat(week), "d MMM", locale="en_US") for week in drawn["weeks"]
    }
    texts = [text["text"] for text in drawn["layout"]["texts"] if text["text"] not in dates]
    assert texts
    assert unmarked("\n".join(texts), *member_written) == "", texts


async def test_progress_and_its_card_speak_the_member_language(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await check_in(ready, alice)
    await add(ready, alice, await goal(ready, alice), due="2026-01-03", pledge=5.0)
    await advance_to(ready, datetime(2026, 1, 13, 9, tzinfo=UTC))
    speaks(alice, PSEUDO)

    shown = answer(await alice.slash(ready.general, "progress"))
    assert shown.attachments and "⟦🟩 checked in⟧" in str(shown.content)
    assert_translated(shown, "alice", "Intro to Python")
    drawn = await drawn_on(shown.attachments[0])
    with speaking(PSEUDO):
        in_the_pool = messages.pool(DEFAULT_CURRENCY)
    assert drawn["figures"][2]["label"] == in_the_pool
    assert_drawn_translated(drawn, "alice", "bob", "Intro to Python")

    # The same card for bob, who reads English, is drawn in English.
    english = await drawn_on(answer(await bob.slash(ready.general, "progress")).attachments[0])
    assert "⟦" not in json.dumps(english, ensure_ascii=False)

    # The My progress button under a reminder answers in the presser's language too.
    await advance_to(ready, datetime(2026, 1, 19, 17, 1, tzinfo=UTC))
    thread = ready.thread(partnership.thread_id)
    reminder = next(
        m for m in thread.history() if f"tandem:progress:{partnership.id}" in str(m.components)
    )
    pressed = answer(await alice.click(reminder, custom_id=f"tandem:progress:{partnership.id}"))
    assert pressed.ephemeral and pressed.attachments
    assert_translated(pressed, "alice", "Intro to Python")
    assert_drawn_translated(
        await drawn_on(pressed.attachments[0]), "alice", "bob", "Intro to Python"
    )
    assert not ready.errors()


async def test_a_mentor_card_and_refusals_speak_the_member_language(ready: Server) -> None:
    alice, bob, carol = ready.member("alice"), ready.member("bob"), ready.member("carol")
    await request(ready, alice, bob, **{"as": "mentor"})
    await bob.click(invitation_message(ready, bob), label="Accept")
    await advance_to(ready, datetime(2026, 1, 20, tzinfo=UTC))
    speaks(bob, PSEUDO)
    shown = answer(await bob.slash(ready.general, "progress"))
    assert_translated(shown, "alice", "Intro to Python")
    drawn = await drawn_on(shown.attachments[0])
    assert "⟦Mentors don't check in⟧" in shown_on_a_phone(drawn)
    # The role badge beside a name is the shared wording's (`cogs/common/text.py`).
    assert_drawn_translated(drawn, "alice", "bob", "Intro to Python")

    refused = await speaks(carol, PSEUDO).slash(ready.general, "progress", member=alice)
    assert refused.ephemeral and unmarked(reply(refused)) == ""
    assert {type(e) for e in ready.errors()} == {UserError}


def test_the_picture_fonts_draw_hindi_turkish_and_accented_latin() -> None:
    """Translations are drawn with the shipped fonts: no character falls back to the dot."""
    for text in (
        "साप्ताहिक सारांश, सप्ताह की लय",
        "Haftalık özet: İyi çalışmalar, ğüşıöç",
        "Récapitulatif, Straße, ñ",
    ):
        for fonts in (TEXT_FONTS, BOLD_FONTS):
            drawn = "".join(part for _, part in runs(text, fonts))
            assert MISSING_GLYPH not in drawn, (text, fonts[0])
    hindi = runs("साप्ताहिक", TEXT_FONTS)
    assert hindi == [("NotoSansDevanagari-Regular.ttf", "साप्ताहिक")]
