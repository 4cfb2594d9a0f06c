"""`/help` and the How it works button: the rules in a private, paged guide."""

from __future__ import annotations

from collections.abc import Callable

import simcord

from bot.app import TandemBot
from cogs.common.guide import PAGES
from tests.helpers import Server, answer, study_server


def page_title(result: simcord.InteractionResult) -> str:
    [embed] = answer(result).embeds
    return str(embed.title)


async def test_help_answers_privately_before_setup_and_turns_its_pages(
    server: Server, make_bot: Callable[[], TandemBot]
) -> None:
    member = server.member("lena")
    shown = await member.slash(server.general, "help")
    assert shown.ephemeral and page_title(shown) == "🤝 Partners"
    [embed] = answer(shown).embeds
    assert "/partner find" in str(embed.description)
    assert str(embed.footer.text).startswith("Page 1 of 7")  # members: no moderators' page
    await server.env.restart_bot(make_bot())  # the page buttons outlive the process
    await member.click(answer(shown), label="📝 Check-ins ▶")
    assert page_title(shown) == "📝 Check-ins"  # the same private message, turned
    await member.click(answer(shown), label="◀ 🤝 Partners")
    assert page_title(shown) == "🤝 Partners"
    assert server.general.history() == []  # nothing public
    assert not server.errors()


async def test_help_opens_at_a_topic_and_shows_moderators_their_page(server: Server) -> None:
    breaks = await server.member("marcus").slash(server.general, "help", topic="breaks")
    assert page_title(breaks) == "🌿 Breaks"
    moderators = await server.moderator.slash(server.general, "help", topic="moderators")
    assert page_title(moderators) == "🛠️ For moderators"
    [embed] = answer(moderators).embeds
    assert str(embed.footer.text).startswith(f"Page {len(PAGES)} of {len(PAGES)}")


async def test_a_member_asking_for_the_moderators_page_gets_the_first(server: Server) -> None:
    """The moderators' page is only theirs: the permission is checked on every answer."""
    asked = await server.member("aiko").slash(server.general, "help", topic="moderators")
    assert page_title(asked) == "🤝 Partners"


async def test_every_page_is_short_enough_for_a_phone() -> None:
    for page in PAGES:
        assert len(page.body) <= 700, page.key  # a screen on a phone, not a wall
        assert len(page.title) + 2 <= 80  # fits a button label with its arrow


async def test_help_works_in_a_second_server_too(simcord_env: simcord.Env) -> None:
    other = study_server(simcord_env, "Night Owls")
    shown = await other.member("sam").slash(other.general, "help", topic="milestones")
    assert page_title(shown) == "🎯 Milestones and pledges"


async def test_the_guide_explains_voice_check_ins(server: Server) -> None:
    shown = await server.member("lena").slash(server.general, "help", topic="calls")
    assert page_title(shown) == "🎙️ Voice check-ins"
    [embed] = answer(shown).embeds
    assert "10 minutes" in str(embed.description) and "`/call`" in str(embed.description)
