"""The guide in the reader's language: every page of `/help`, its buttons and every
**How it works** button pass the translation layer (the test-only pseudo-locale shows any
word that does not, outside its ⟦ ⟧ marks)."""

from __future__ import annotations

import simcord

from bot.i18n import PSEUDO, _, speaking
from cogs.common.guide import PAGES, guide_page, how_it_works
from tests.helpers import (
    Server,
    answer,
    assert_translated,
    button_labels,
    find,
    set_up_server,
    speaks,
    unmarked,
)


async def test_every_page_of_help_and_its_buttons_are_translated(server: Server) -> None:
    """A moderator reads every page, the moderators' too, turning them with the buttons
    forward then back; a member opens each topic they may read."""
    moderator = speaks(server.moderator, PSEUDO)
    shown = await moderator.slash(server.general, "help")
    seen = []
    for page in PAGES:
        [embed] = answer(shown).embeds
        assert_translated(answer(shown))
        seen.append(str(embed.title))
        if page is not PAGES[-1]:
            await moderator.click(answer(shown), custom_id=f"tandem:guide:{_after(page.key)}:turn")
    for page in reversed(PAGES[:-1]):
        await moderator.click(answer(shown), custom_id=f"tandem:guide:{page.key}:turn")
        assert_translated(answer(shown))
    with speaking(PSEUDO):
        first, _view = guide_page(list(PAGES), PAGES[0].key)
        titles = [_(page.title) for page in PAGES]
    assert seen == titles
    assert answer(shown).embeds[0].footer.text == first.footer.text

    member = speaks(server.member("lena"), PSEUDO)
    for page in PAGES:
        opened = await member.slash(server.general, "help", topic=page.key)
        assert opened.ephemeral
        assert_translated(answer(opened))
    assert not server.errors()


def _after(key: str) -> str:
    keys = [page.key for page in PAGES]
    return keys[keys.index(key) + 1]


async def test_how_it_works_opens_the_guide_in_the_presser_language(
    simcord_env: simcord.Env,
) -> None:
    """The button under a partner thread's welcome is labelled in the pair's language and
    opens the guide in the language of whoever presses it."""
    hall = await set_up_server(simcord_env, PSEUDO)
    alice, bob = speaks(hall.member("alice"), PSEUDO), speaks(hall.member("bob"), PSEUDO)
    await find(hall, alice)
    await find(hall, bob)
    [partnership] = await hall.bot.store.partnerships.active_partnerships(hall.guild.id, alice.id)
    thread = hall.thread(partnership.thread_id)
    [welcome] = [m for m in thread.history() if "⟦How it works⟧" in button_labels(m)]

    opened = await bob.click(welcome, custom_id="tandem:guide:partners:open")
    assert opened.ephemeral and str(answer(opened).embeds[0].title) == f"⟦{PAGES[0].title}⟧"
    assert_translated(answer(opened))
    with speaking(PSEUDO):
        labels = [str(how_it_works(page.key).item.label) for page in PAGES]
    assert all(unmarked(label) == "" for label in labels)
