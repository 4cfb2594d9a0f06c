"""Unit tests for bot.languages (what `/profile languages:` reads and how it names them)
and the language rules of bot.matching."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import UserError
from bot.i18n import PSEUDO, speaking
from bot.languages import (
    CLEAR,
    MAX_LABEL,
    MAX_LANGUAGES,
    from_stored,
    language_name,
    locale_name,
    own_name,
    parse_languages,
    stored,
    suggestions,
)
from bot.matching import Seeker, choose_among_nearby, choose_partner, compatible
from bot.schedule import WeeklyTime

NOW = datetime(2026, 6, 1, tzinfo=UTC)
MONDAY_18 = WeeklyTime(0, 18 * 60, "UTC")


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("es", ("es",)),
        ("ES", ("es",)),
        ("es, pt, hi", ("es", "pt", "hi")),
        ("es pt", ("es", "pt")),
        ("es;pt/hi", ("es", "pt", "hi")),
        ("Spanish", ("es",)),
        ("español", ("es",)),
        ("Espanol", ("es",)),  # accents do not count
        ("Português, हिन्दी", ("pt", "hi")),
        ("Türkçe Deutsch", ("tr", "de")),
        ("Scottish Gaelic, es", ("gd", "es")),  # a name of two words is one language
        ("es, es, Spanish", ("es",)),  # the same language named twice counts once
        ("  fr ,  ", ("fr",)),
        ("ｅｓ", ("es",)),  # full-width letters
        ("none", ()),
        (" NONE ", ()),
    ],
)
def test_parse_reads_codes_and_names(text: str, codes: tuple[str, ...]) -> None:
    assert parse_languages(text) == codes


def test_parse_refuses_an_unknown_language_naming_it() -> None:
    with pytest.raises(UserError, match="“Klingon”"):
        parse_languages("es, Klingon")
    with pytest.raises(UserError, match="“xx”"):
        parse_languages("xx")


def test_parse_refuses_more_than_three_or_nothing() -> None:
    assert MAX_LANGUAGES == 3
    with pytest.raises(UserError, match="up to 3 languages"):
        parse_languages("es pt hi de")
    with pytest.raises(UserError, match="up to 3 languages"):
        parse_languages(" , ")


def test_errors_are_translated() -> None:
    with speaking(PSEUDO), pytest.raises(UserError) as unknown:
        parse_languages("Klingon")
    assert str(unknown.value).startswith("⟦") and "Klingon" in str(unknown.value)
    with speaking(PSEUDO), pytest.raises(UserError) as many:
        parse_languages("es pt hi de")
    assert str(many.value).startswith("⟦")


def test_names_in_the_readers_language_and_in_the_language_itself() -> None:
    assert language_name("pt") == "Portuguese"
    assert own_name("pt") == "português"
    assert own_name("hi") == "हिन्दी"
    assert language_name("zz") == "zz"
    assert locale_name("pt-BR") == "Brazilian Portuguese"
    assert locale_name("es-419") == "Latin American Spanish"
    assert locale_name("en-US") == "English"
    assert locale_name("en-GB") == "English"


def test_stored_form_round_trips() -> None:
    assert stored(("es", "pt")) == "es,pt"
    assert from_stored("es,pt") == ("es", "pt")
    assert from_stored("") == ()
    assert stored(()) == ""


def test_suggestions_complete_the_last_language_keeping_the_others() -> None:
    assert suggestions("portu", 25) == [("Portuguese (português)", "pt")]
    assert ("Spanish (español), Portuguese (português)", "es,pt") in suggestions("es, po", 25)
    assert suggestions("es pt", 25)[0] == ("Spanish (español), Portuguese (português)", "es,pt")
    assert suggestions("Scottish Ga", 25) == [("Scottish Gaelic (Gàidhlig)", "gd")]
    assert suggestions("हिन्", 25) == [("Hindi (हिन्दी)", "hi")]
    assert suggestions("hi", 25)[0][1] == "hi"  # the exact code first
    full = suggestions("es, pt, hi,", 25)
    assert [value for _, value in full] == ["es,pt,hi"]  # three: nothing more to add
    assert suggestions("qqq", 25) == []


def test_suggestions_with_nothing_typed_offer_the_readers_language_and_none() -> None:
    offered = suggestions("", 25)
    assert offered[0] == ("English", "en")
    assert offered[-1][1] == CLEAR
    assert all(len(label) <= MAX_LABEL for label, _ in offered)
    assert len(suggestions("a", 5)) == 5


def test_every_suggestion_parses_back_to_its_languages() -> None:
    for typed in ("", "es, p", "hin", "no", "Scottish"):
        for _, value in suggestions(typed, 25):
            assert stored(parse_languages(value)) == ("" if value == CLEAR else value)


# --------------------------------------------------------------------------- matching


def seeker(user_id: int, pace: int = 10, languages: str = "", minutes_ago: int = 60) -> Seeker:
    return Seeker(
        user_id=user_id,
        pace=pace,
        weekly=MONDAY_18,
        queued_at=NOW - timedelta(minutes=minutes_ago),
        languages=frozenset(from_stored(languages)),
    )


def test_members_who_both_stated_languages_need_one_in_common() -> None:
    assert not compatible(seeker(1, languages="es,pt"), seeker(2, languages="hi,tr"), NOW)
    assert compatible(seeker(1, languages="es,pt"), seeker(2, languages="tr,pt"), NOW)


def test_a_member_without_languages_matches_anyone() -> None:
    assert compatible(seeker(1), seeker(2, languages="hi"), NOW)
    assert compatible(seeker(1, languages="hi"), seeker(2), NOW)
    assert compatible(seeker(1), seeker(2), NOW)


def test_a_shared_language_ranks_before_a_closer_pace() -> None:
    me = seeker(1, pace=10, languages="es")
    closer = seeker(2, pace=10)  # no languages stated: compatible, but shares none
    sharing = seeker(3, pace=14, languages="pt,es")
    disjoint = seeker(4, pace=10, languages="hi")
    waiting = [closer, sharing, disjoint]
    assert choose_partner(me, waiting, NOW) == sharing
    assert choose_among_nearby(me, waiting, NOW) == sharing
    assert choose_partner(me, [closer, disjoint], NOW) == closer
    assert choose_partner(me, [disjoint], NOW) is None


def test_without_languages_the_ranking_is_todays() -> None:
    me = seeker(1, pace=10)
    waiting = [seeker(2, pace=14, languages="es"), seeker(3, pace=11, languages="hi")]
    assert choose_partner(me, waiting, NOW) == waiting[1]
    assert choose_among_nearby(me, waiting, NOW) == waiting[1]
