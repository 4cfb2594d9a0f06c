"""`/privacy` and languages: the export holds the member's Discord language and the
languages they stated, the erasure removes them with the rest; and `/privacy` speaks the
member's language (the test-only pseudo-locale shows any word outside its ⟦ ⟧ marks)."""

from __future__ import annotations

from bot.i18n import PSEUDO
from tests.helpers import (
    Server,
    answer,
    assert_translated,
    exported,
    find,
    pair,
    reply,
    speaks,
    unmarked,
)


async def test_privacy_speaks_the_member_language(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    speaks(alice, PSEUDO)
    speaks(bob, PSEUDO)

    empty = await alice.slash(ready.general, "privacy export")
    assert empty.ephemeral and reply(empty).startswith("⟦Tandem stores nothing")
    assert unmarked(reply(empty)) == ""
    await pair(ready, alice, bob)
    document = await exported(ready, alice)
    assert document["about"].startswith("⟦Everything Tandem stores") and not unmarked(
        document["about"]
    )
    full = await alice.slash(ready.general, "privacy export")
    assert reply(full).startswith("⟦Here is everything") and unmarked(reply(full)) == ""

    asked = await alice.slash(ready.general, "privacy delete")
    assert asked.ephemeral
    assert_translated(answer(asked))
    assert "⟦Delete my data⟧" in str(asked.response.message.components)
    done = await alice.click(asked.response.message, label="⟦Delete my data⟧")
    assert reply(done).startswith("⟦Done:") and unmarked(reply(done)) == ""


async def test_export_holds_the_discord_language_and_the_stated_languages(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    speaks(alice, "es-ES")
    await alice.slash(ready.general, "profile", languages="es, pt")
    await find(ready, alice, course="Statistics")
    await bob.slash(ready.general, "profile")  # bob's own language is kept, not exported

    document = await exported(ready, alice)
    assert document["discord_language"] == "es-ES"
    [profile] = document["profile"]
    assert profile["languages"] == ["es", "pt"]
    [queued] = document["queue"]
    assert (queued["course"], queued["languages"]) == ("Statistics", ["es", "pt"])
    assert "en-US" not in str(document)
    assert (await exported(ready, bob))["discord_language"] == "en-US"


async def test_delete_removes_the_languages_and_only_a_later_use_keeps_one_anew(
    ready: Server,
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    speaks(alice, "pt-BR")
    speaks(bob, "pt-BR")
    await alice.slash(ready.general, "profile", languages="pt")
    await pair(ready, alice, bob)
    asked = await alice.slash(ready.general, "privacy delete")
    erase = f"tandem:erase:{ready.guild.id}:{alice.id}"
    await alice.click(asked.response.message, custom_id=erase)

    languages = ready.bot.store.languages
    assert await languages.of_members((alice.id, bob.id)) == {bob.id: "pt-BR"}
    assert (await ready.bot.store.profiles.profile(ready.guild.id, alice.id)).languages == ()
    # Seeing her data stores nothing; forgotten in memory too, so her next use of Tandem,
    # in her new language, is kept again.
    speaks(alice, "fr")
    document = await exported(ready, alice)
    assert document["discord_language"] is None
    assert document["profile"] == [] and document["queue"] == []
    await alice.slash(ready.general, "partner status")
    assert await languages.of_members((alice.id,)) == {alice.id: "fr"}
