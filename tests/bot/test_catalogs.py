"""The shipped catalogs: complete, faithful to their placeholders and plural forms, and
within Discord's limits in every language (issue 21)."""

from __future__ import annotations

import re
import unicodedata

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural

from bot import catalogs
from bot.i18n import (
    COMMAND_NAME,
    ENGLISH,
    PSEUDO,
    _,
    babel_locale,
    capitalized,
    catalog_of,
    ngettext,
    shared_language,
    shipped,
    speaking,
    translated,
)

LANGUAGES = ("es-ES", "es-419", "pt-BR", "fr", "de", "hi", "tr")
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
# Discord's limits: a message, a button label, a short English label's translation.
MESSAGE_LIMIT = 2000
BUTTON_LIMIT = 80
# English up to this long is a button label, a form label or a title: its translation
# must fit the shortest of those limits that applies to it.
SHORT_ENGLISH = 40
DEVANAGARI = range(0x0900, 0x0980)


@pytest.fixture(scope="module")
def template() -> Catalog:
    return catalogs.template()


@pytest.fixture(scope="module", params=LANGUAGES)
def catalog(request: pytest.FixtureRequest, template: Catalog) -> Catalog:
    path = catalogs.LOCALES / f"{request.param}.po"
    assert path.is_file(), f"no catalog for {request.param}"
    return catalogs.updated(path, template)


def translations(catalog: Catalog) -> list[tuple[Message, str, list[str]]]:
    """Each translated message with its English (all forms) and its translations."""
    found = []
    for message in catalog:
        if not message.id:
            continue
        english = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        found.append((message, " ".join(english), strings))
    return found


def placeholders(text: str) -> set[str]:
    return {match.group(1) for match in PLACEHOLDER.finditer(text)}


def test_every_language_ships() -> None:
    assert set(LANGUAGES) <= set(shipped())
    assert shipped()[0] == ENGLISH


def test_each_catalog_translates_every_string_and_none_is_fuzzy(catalog: Catalog) -> None:
    assert catalogs.gaps(catalog) == []
    assert len(catalog) > 300


def test_translations_keep_exactly_the_placeholders(catalog: Catalog) -> None:
    """A translator may reorder `{names}`, never drop, rename or add one (a plural form may
    leave out `{count}` where the language says "one" in words)."""
    wrong = []
    for message, english, strings in translations(catalog):
        expected = placeholders(english)
        for text in strings:
            found = placeholders(text)
            required = expected - {"count"} if message.pluralizable else expected
            if not required <= found <= expected:
                wrong.append((english, text))
    assert wrong == []


def test_plural_messages_have_every_form_of_the_language(catalog: Catalog) -> None:
    forms = get_plural(catalog.locale).num_plurals
    assert catalog.num_plurals == forms
    plural = [message for message in catalog if message.id and message.pluralizable]
    assert plural, "counts are shown with ngettext somewhere"
    for message in plural:
        assert len(message.string) == forms and all(message.string), message.id


def test_command_names_follow_discords_rules(catalog: Catalog) -> None:
    """Lower-case, 1-32 letters, digits, `-` or `_` (Devanagari allowed), no spaces."""
    names = [message for message in catalog if message.context == COMMAND_NAME]
    assert len(names) > 40
    for message in names:
        name = message.string
        assert 1 <= len(name) <= catalogs.NAME_LIMIT, name
        assert name == name.lower(), name
        assert all(
            char.isalnum()
            or char in "-_"
            or ord(char) in DEVANAGARI
            or unicodedata.category(char).startswith("M")
            for char in name
        ), name


def test_descriptions_choices_and_labels_fit_discord(catalog: Catalog, template: Catalog) -> None:
    tree = {text for text, context, _note in catalogs.command_strings() if context is None}
    too_long = []
    for message, english, strings in translations(catalog):
        for text in strings:
            if message.id in tree and len(text) > catalogs.TEXT_LIMIT:
                too_long.append((english, text))
            if len(english) <= SHORT_ENGLISH and len(text) > BUTTON_LIMIT:
                too_long.append((english, text))
            if len(text) > MESSAGE_LIMIT:
                too_long.append((english, text))
    assert too_long == []


def test_a_locale_without_a_catalog_falls_back_to_its_language_then_english() -> None:
    assert catalog_of("es-419") == "es-419"
    assert catalog_of("es") == "es-ES"
    assert catalog_of("pt-PT") == "pt-BR"
    assert catalog_of("en-GB") == ENGLISH
    assert catalog_of("ja") == ENGLISH
    assert catalog_of("not a locale") == ENGLISH
    assert catalog_of(None) == ENGLISH
    with speaking("ja"):
        assert _("Weekly check-in") == "Weekly check-in"
        assert babel_locale().language == "en"


def test_a_pair_reads_the_language_both_use() -> None:
    assert shared_language(["pt-BR", "pt-BR"]) == "pt-BR"
    assert shared_language(["es-ES", "es-419"]) == "es-ES"
    assert shared_language(["en-GB", "en-US"]) == ENGLISH
    assert shared_language(["fr", "de"]) is None
    assert shared_language(["fr", None]) is None
    # Two languages Tandem lacks are still two languages: the server's speaks for them.
    assert shared_language(["ja", "ko"]) is None
    assert shared_language(["en-US", "ja"]) is None
    assert shared_language(["ja", "ja"]) == ENGLISH


def test_counts_take_the_languages_plural_forms() -> None:
    with speaking(PSEUDO):
        assert ngettext("{count} week", "{count} weeks", 2) == "2⟦ weeks⟧"
    with speaking(ENGLISH):
        assert ngettext("{count} week", "{count} weeks", 1) == "1 week"


def test_a_command_named_in_a_message_reads_as_the_readers_discord_shows_it() -> None:
    """Discord shows each member the commands in their language, so a message naming one
    (`/partner find`) names it the same way: the catalog's command and option names."""
    for locale in LANGUAGES:
        with speaking(locale):
            text = _("You don't have a partner yet. Use `/partner find` or `/partner request`.")
            hint = _(
                "You haven't stated your languages: use `/profile languages:` to be paired "
                "with partners who share one."
            )
        # A name the same in this language has no translation of its own: it stays.
        partner, find = (
            translated(locale, word, COMMAND_NAME) or word for word in ("partner", "find")
        )
        assert f"`/{partner} {find}`" in text, (locale, text)
        profile = translated(locale, "profile", COMMAND_NAME) or "profile"
        languages = translated(locale, "languages", COMMAND_NAME) or "languages"
        assert f"`/{profile} {languages}:`" in hint, (locale, hint)


def test_a_span_starts_a_sentence_as_its_language_writes_it() -> None:
    with speaking("tr"):
        assert capitalized("iki hafta") == "İki hafta"
    with speaking("de"):
        assert capitalized("zwei Wochen") == "Zwei Wochen"
    assert capitalized("two weeks") == "Two weeks"
