"""Partners who share a language (issue 21): `/profile languages:`, matching on the
languages members stated, the queue reply and `/partner status`, through the real bot."""

from __future__ import annotations

from bot.errors import UserError
from bot.i18n import PSEUDO, speaking
from bot.languages import locale_name
from cogs.pairing.messages import language_line, no_shared_language
from tests.helpers import (
    Member,
    Server,
    answer,
    assert_short,
    find,
    pair,
    reply,
    speaks,
    unmarked,
)

NOBODY_SHARES = no_shared_language()


async def state(server: Server, member: Member, languages: str) -> str:
    return reply(await member.slash(server.general, "profile", languages=languages))


async def partners_of(server: Server, member: Member) -> set[int]:
    pairs = await server.bot.store.partnerships.active_partnerships(server.guild.id, member.id)
    return {other for p in pairs for other in p.members if other != member.id}


async def test_members_with_no_language_in_common_are_never_paired(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await state(ready, alice, "es, pt")
    await state(ready, bob, "hi")

    first = await find(ready, alice)
    assert NOBODY_SHARES not in reply(first)  # nobody else waits: nothing to explain
    second = await find(ready, bob)  # same course, pace and time: only languages differ
    assert "added you to the queue" in reply(second)
    assert reply(second).endswith("\n" + NOBODY_SHARES)
    assert_short(reply(second))
    assert ready.partners.threads == []
    assert await partners_of(ready, alice) == set()


async def test_a_shared_language_wins_over_a_closer_pace(ready: Server) -> None:
    alice, carol, dave = ready.member("alice"), ready.member("carol"), ready.member("dave")
    await state(ready, alice, "Spanish")
    await state(ready, dave, "español, Türkçe")
    await find(ready, alice, pace=6)
    await find(ready, carol, pace=13)  # no languages stated; too fast for alice
    assert ready.partners.threads == []

    found = await find(ready, dave, pace=12)  # carol's pace is closer, alice shares Spanish

    assert f"paired with {alice.mention}" in reply(found)
    assert await partners_of(ready, dave) == {alice.id}


async def test_without_stated_languages_matching_is_as_before(ready: Server) -> None:
    alice, bob, carol = ready.member("alice"), ready.member("bob"), ready.member("carol")
    partnership = await pair(ready, alice, bob)  # neither stated languages
    assert set(partnership.members) == {alice.id, bob.id}

    await state(ready, carol, "tr")
    dave = ready.member("dave")
    await find(ready, carol)
    found = await find(ready, dave)  # dave stated none: any language suits him
    assert f"paired with {carol.mention}" in reply(found)
    assert NOBODY_SHARES not in reply(found)


async def test_changing_languages_while_waiting_updates_the_queue(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    await state(ready, alice, "es")
    await state(ready, bob, "hi")
    await find(ready, alice)
    await find(ready, bob)
    assert ready.partners.threads == []

    await state(ready, bob, "hi, es")  # the queue's copy follows the profile
    found = await find(ready, bob)
    assert f"paired with {alice.mention}" in reply(found)

    carol, dave = ready.member("carol"), ready.member("dave")
    await state(ready, carol, "fr")
    await state(ready, dave, "de")
    await find(ready, carol)
    await find(ready, dave)
    await state(ready, carol, "none")  # stating none: anyone suits her again
    assert f"paired with {carol.mention}" in reply(await find(ready, dave))


async def test_profile_states_languages_by_name_and_clears_them(ready: Server) -> None:
    alice = ready.member("alice")
    before = reply(await alice.slash(ready.general, "profile"))
    assert "haven't stated your languages" in before

    shown = await state(ready, alice, "es, Português, हिन्दी")
    assert "You study in **Spanish, Portuguese, and Hindi**" in shown
    profile = await ready.bot.store.profiles.profile(ready.guild.id, alice.id)
    assert profile.languages == ("es", "pt", "hi")

    await alice.slash(ready.general, "profile", timezone="Asia/Tokyo")  # other settings: kept
    profile = await ready.bot.store.profiles.profile(ready.guild.id, alice.id)
    assert profile.languages == ("es", "pt", "hi") and profile.zone == "Asia/Tokyo"

    assert "haven't stated your languages" in await state(ready, alice, "none")
    assert (await ready.bot.store.profiles.profile(ready.guild.id, alice.id)).languages == ()


async def test_profile_refuses_unknown_or_too_many_languages(ready: Server) -> None:
    alice = ready.member("alice")
    await state(ready, alice, "de")

    unknown = await alice.slash(ready.general, "profile", languages="es, Klingon")
    assert unknown.ephemeral and "“Klingon”" in reply(unknown)
    many = await alice.slash(ready.general, "profile", languages="es pt hi tr")
    assert many.ephemeral and "up to 3 languages" in reply(many)

    assert all(isinstance(error, UserError) for error in ready.errors())
    assert (await ready.bot.store.profiles.profile(ready.guild.id, alice.id)).languages == ("de",)


async def test_profile_languages_autocomplete(ready: Server) -> None:
    alice = ready.member("alice")
    typed = await alice.autocomplete(ready.general, "profile", "languages", "portu")
    assert [(c["name"], c["value"]) for c in typed] == [("Portuguese (português)", "pt")]
    more = await alice.autocomplete(ready.general, "profile", "languages", "es, hin")
    assert more[0] == {"name": "Spanish (español), Hindi (हिन्दी)", "value": "es,hi"}
    empty = await alice.autocomplete(ready.general, "profile", "languages", "")
    assert empty[0]["value"] == "en" and empty[-1]["value"] == "none"

    await alice.slash(ready.general, "profile", languages=more[0]["value"])  # the picked value
    profile = await ready.bot.store.profiles.profile(ready.guild.id, alice.id)
    assert profile.languages == ("es", "hi")


async def test_status_always_shows_the_pairs_language_in_the_reader_s(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    speaks(alice, PSEUDO)
    await pair(ready, alice, bob)  # no language both use: the thread speaks the server's

    mine = reply(await alice.slash(ready.general, "partner status"))
    with speaking(PSEUDO):
        marked = language_line(locale_name("en-US"))
    assert marked in mine
    assert unmarked(mine, "Intro to Python", locale_name("en-US")) == "", mine
    english = reply(await bob.slash(ready.general, "partner status"))
    assert "🗣️ Your thread is in English" in english  # the same line, in English


async def test_language_wording_is_marked_for_translation(ready: Server) -> None:
    alice, bob = speaks(ready.member("alice"), PSEUDO), speaks(ready.member("bob"), PSEUDO)
    names = "Spanish, Portuguese, and Hindi"  # Babel's names, in the reader's language
    shown = (await state(ready, alice, "es pt hi")).splitlines()[-1]  # the languages line
    assert names in shown
    assert unmarked(shown, names) == ""
    before = (await state(ready, bob, "none")).splitlines()[-1]
    assert unmarked(before) == ""
    await state(ready, bob, "tr")

    await find(ready, alice)
    queued = reply(await find(ready, bob))
    assert "⟦🗣️ Nobody waiting here shares one of your languages yet.⟧" in queued
    assert unmarked(queued.splitlines()[-1]) == ""

    unknown = answer(await alice.slash(ready.general, "profile", languages="Klingon"))
    assert unmarked(str(unknown.content), "Klingon") == ""
    choices = await alice.autocomplete(ready.general, "profile", "languages", "non")
    assert unmarked(choices[-1]["name"]) == ""  # `none`, the one choice with Tandem's words
    assert ready.errors()
