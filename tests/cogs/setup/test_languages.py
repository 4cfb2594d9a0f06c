"""`/setup` in the moderator's language (the test-only pseudo-locale shows any word that did
not pass the translation layer, outside its ⟦ ⟧ marks), and `/setup language`: the
language of the server's public messages, chosen from those Tandem speaks."""

from __future__ import annotations

import discord
import simcord

from bot.errors import UserError
from bot.i18n import ENGLISH, PSEUDO, _, speaking
from bot.languages import locale_name
from bot.models import NoticeKind
from bot.store.outbox import Undeliverable
from cogs.common.languages import server_language
from cogs.setup import messages
from tests.helpers import (
    Server,
    answer,
    assert_translated,
    reply,
    set_up,
    speaks,
    study_server,
    unmarked,
)


async def test_setup_speaks_the_moderator_language(simcord_env: simcord.Env) -> None:
    server = study_server(simcord_env, "Study Hall", locale=PSEUDO)
    speaks(server.moderator, PSEUDO)

    first = await server.moderator.slash(server.general, "setup", language="es-ES")
    assert first.ephemeral and unmarked(reply(first)) == ""  # both channels come first
    for bad in ({"currency": "@everyone"}, {"max_pledge": -1}, {"language": "Klingon"}):
        refused = await set_up(server, **bad)
        assert refused.ephemeral and unmarked(reply(refused), "Klingon") == "", bad
    assert await server.bot.store.guilds.get(server.guild.id) is None

    done = answer(await set_up(server))
    with speaking(PSEUDO):
        # Babel's name of the server's language (the pseudo-locale's): data, not wording.
        language = locale_name(PSEUDO)
    assert str(done.content).startswith("⟦✅ Tandem is set up.⟧")
    assert_translated(done, language)
    assert "(Discord's server language)⟧" in str(done.content)
    status = answer(await server.moderator.slash(server.general, "setup"))
    assert str(status.content).startswith("⟦**Tandem in this server**⟧")
    assert_translated(status, language)

    partners = server.bot.get_channel(server.partners.id)
    assert isinstance(partners, discord.TextChannel)
    await partners.set_permissions(server.guild.me, manage_threads=False)
    missing = answer(await server.moderator.slash(server.general, "setup"))
    assert "⟦Manage Threads⟧" in str(missing.content)
    assert_translated(missing, language)
    refused = await server.moderator.slash(server.general, "setup", currency="USD")
    assert "⟦Manage Threads⟧" in reply(refused) and unmarked(reply(refused)) == ""

    offered = await server.moderator.autocomplete(server.general, "setup", "language", "")
    assert offered[-1] == {"name": "⟦Discord's server language⟧", "value": "discord"}
    assert all(isinstance(error, UserError) for error in server.errors())


def test_undeliverable_messages_are_listed_in_the_moderator_language() -> None:
    with speaking(PSEUDO):
        lines = [
            messages.undeliverable_heading(2),
            messages.undeliverable_item(Undeliverable(7, None, "rematch_offer", (1, 2))),
            messages.undeliverable_item(Undeliverable(None, 5, "celebration", ())),
        ]
        rematch = _(
            "• pair #{pair} ({members}): {kind}",
            pair=7,
            members="<@1> & <@2>",
            kind=_(messages.KIND_LABELS[NoticeKind.REMATCH_OFFER]),
        )
    assert lines[1] == rematch
    assert all(unmarked(line) == "" for line in lines), lines
    assert messages.undeliverable_heading(1).startswith("⚠️ **1 undeliverable message** (")
    assert messages.undeliverable_item(Undeliverable(7, None, "heads_up", (1, 2))) == (
        "• pair #7 (<@1> & <@2>): heads up"
    )


async def test_a_moderator_chooses_the_server_language(ready: Server) -> None:
    """Public messages speak the chosen language; `discord` goes back to the server's own."""
    assert await server_language(ready.bot, ready.guild.id) == ENGLISH
    chosen = await ready.moderator.slash(ready.general, "setup", language="es-ES")
    assert chosen.ephemeral and reply(chosen).startswith("✅ Tandem is updated.")
    assert "• Public messages in: **European Spanish**" in reply(chosen)
    assert await ready.bot.store.languages.server_language(ready.guild.id) == "es-ES"
    assert await server_language(ready.bot, ready.guild.id) == "es-ES"
    # The other settings are kept, and the status says which language public messages use.
    config = await ready.bot.store.guilds.get(ready.guild.id)
    assert config is not None and (config.currency, config.max_stake) == ("points", 100)
    status = reply(await ready.moderator.slash(ready.general, "setup"))
    assert "• Public messages in: **European Spanish**" in status
    assert "Discord's server language" not in status

    # A code typed in another case, or the language's own name, is the same choice.
    await ready.moderator.slash(ready.general, "setup", language="FR")
    assert await ready.bot.store.languages.server_language(ready.guild.id) == "fr"
    await ready.moderator.slash(ready.general, "setup", language="español (españa)")
    assert await ready.bot.store.languages.server_language(ready.guild.id) == "es-ES"

    back = await ready.moderator.slash(ready.general, "setup", language="discord")
    assert "(Discord's server language)" in reply(back)
    assert await ready.bot.store.languages.server_language(ready.guild.id) is None


async def test_the_first_setup_may_choose_the_language_with_both_channels(server: Server) -> None:
    alone = await server.moderator.slash(server.general, "setup", language="pt-BR")
    assert alone.ephemeral and "Name both channels the first time" in reply(alone)
    assert await server.bot.store.guilds.get(server.guild.id) is None
    done = await set_up(server, language="pt-BR")
    assert reply(done).startswith("✅ Tandem is set up.")
    assert "• Public messages in: **Brazilian Portuguese**" in reply(done)
    assert await server.bot.store.languages.server_language(server.guild.id) == "pt-BR"
    assert all(isinstance(error, UserError) for error in server.errors())


async def test_an_unknown_language_is_refused_and_changes_nothing(ready: Server) -> None:
    await ready.moderator.slash(ready.general, "setup", language="de")
    for typed in ("xx", "Klingon", "de-XX", "x-pseudo"):
        refused = await ready.moderator.slash(ready.general, "setup", language=typed, max_pledge=5)
        assert refused.ephemeral, typed
        assert reply(refused) == f"I don't speak “{typed}” yet. Pick a language from the list."
    assert await ready.bot.store.languages.server_language(ready.guild.id) == "de"
    config = await ready.bot.store.guilds.get(ready.guild.id)
    assert config is not None and config.max_stake == 100
    assert all(isinstance(error, UserError) for error in ready.errors())


async def test_language_autocomplete_names_each_language_in_itself(ready: Server) -> None:
    every = await ready.moderator.autocomplete(ready.general, "setup", "language", "")
    names = {choice["value"]: choice["name"] for choice in every}
    assert names["en-US"] == "English (United States)"
    assert names["es-ES"] == "Español (España)"
    assert names["es-419"] == "Español (Latinoamérica)"
    assert names["pt-BR"] == "Português (Brasil)"
    assert names["discord"] == "Discord's server language"
    typed = await ready.moderator.autocomplete(ready.general, "setup", "language", "espa")
    assert [choice["value"] for choice in typed] == ["es-419", "es-ES"]
    by_code = await ready.moderator.autocomplete(ready.general, "setup", "language", "pt")
    assert [choice["value"] for choice in by_code] == ["pt-BR"]
