"""The languages a member studies in (`/profile languages:`): reading them, naming them.

A member states up to three languages, as ISO 639-1 codes (`es`, `pt`, `hi`) or by name,
in English, in the language itself or in the member's own Discord language ("Spanish",
"español", "हिन्दी"). They are stored as codes; every name comes from Babel (CLDR), so
no list of languages is kept here. Matching uses them in `bot.matching`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from babel import Locale, UnknownLocaleError

from bot.errors import UserError
from bot.i18n import (
    ENGLISH,
    _,
    babel_locale,
    base_language,
    catalog_of,
    current,
    ngettext,
    pgettext,
    shipped,
)

MAX_LANGUAGES = 3
# What a member types to state no languages; also accepted in their own language.
CLEAR = "none"
# Discord's longest choice name.
MAX_LABEL = 100
# Between two languages: a comma (also Arabic and ideographic ones) or a semicolon or slash;
# within one piece, spaces separate languages too ("es pt"), unless they name one language.
_SEPARATORS = re.compile(r"[,;/،、]")
_ENGLISH = Locale("en")


def parse_languages(text: str) -> tuple[str, ...]:
    """The codes of the languages named in `text`, in order, at most `MAX_LANGUAGES`;
    () for `none`. Raises `UserError` naming the first word that is no language."""
    if _key(text) in {_key(word) for word in _clear_words()}:
        return ()
    found: list[str] = []
    for piece in _SEPARATORS.split(unicodedata.normalize("NFKC", text)):
        words = piece.split()
        start = 0
        while start < len(words):
            end, code = _longest_name(words, start)
            if code is None:
                raise UserError(
                    _(
                        "I don't know the language “{language}”. Use its name or its two-letter"
                        " code, such as `es` for Spanish.",
                        language=words[start][:40],
                    )
                )
            if code not in found:
                found.append(code)
            start = end
    if not found or len(found) > MAX_LANGUAGES:
        raise UserError(
            ngettext(
                "Name up to {count} language, such as `es`, or `{none}` to state none.",
                "Name up to {count} languages, such as `es, pt`, or `{none}` to state none.",
                MAX_LANGUAGES,
                none=clear_word(),
            )
        )
    return tuple(found)


def _longest_name(words: list[str], start: int) -> tuple[int, str | None]:
    """The language named by the most words from `start` on ("Scottish Gaelic" before
    "Scottish"), and where the next name starts; None when `words[start]` names none."""
    for end in range(len(words), start, -1):
        code = _lookup(" ".join(words[start:end]))
        if code is not None:
            return end, code
    return start + 1, None


def clear_word() -> str:
    """The word that states no languages, in the reader's language."""
    # Translators: typed by a member in `/profile languages:` to state no languages; one
    # lower-case word.
    return pgettext("no languages", "none")


def _clear_words() -> tuple[str, str]:
    return CLEAR, clear_word()


def language_name(code: str) -> str:
    """The name of the language `code` in the reader's language: `pt` is Portuguese."""
    return babel_locale().languages.get(code) or _ENGLISH.languages.get(code) or code


def own_name(code: str) -> str | None:
    """The language's name in itself (`português`), where Babel knows it."""
    return _own_names().get(code)


def language_names(codes: Iterable[str]) -> list[str]:
    return [language_name(code) for code in codes]


def locale_name(locale: str) -> str:
    """The name of a Discord locale in the reader's language: `pt-BR` is Brazilian
    Portuguese, `es-419` Latin American Spanish; else its base language's name. Tandem's
    English is just English, whichever English the reader's Discord uses."""
    reader = babel_locale()
    if catalog_of(locale) == ENGLISH:
        return language_name("en")
    underscored = locale.replace("-", "_")
    named = reader.languages.get(underscored)
    if named:
        return str(named)
    try:
        return Locale.parse(underscored).get_display_name(reader) or locale
    except (ValueError, UnknownLocaleError):
        return language_name(base_language(locale))


def stored(codes: Iterable[str]) -> str:
    """How a member's languages are kept in a column: `es,pt` ('' for none)."""
    return ",".join(codes)


def from_stored(text: str) -> tuple[str, ...]:
    return tuple(code for code in text.split(",") if code)


def suggestions(text: str, limit: int) -> list[tuple[str, str]]:
    """Autocomplete for what the member is typing: (label, value) pairs, the value being
    every language named so far plus one that matches the last word they typed."""
    for head, typed in _splits(text):
        try:
            chosen = parse_languages(head) if head.strip() else ()
        except UserError:
            continue
        if len(chosen) >= MAX_LANGUAGES:
            return [(_label(chosen), stored(chosen))]
        choices = [
            (_label((*chosen, code)), stored((*chosen, code)))
            for code in _matching(typed)
            if code not in chosen
        ]
        if not chosen and any(_key(word).startswith(_key(typed)) for word in _clear_words()):
            # Translators: the autocomplete choice of `/profile languages:` that states no
            # languages.
            choices.append((_("none: I don't state my languages"), CLEAR))
        if choices:
            return choices[:limit]
    return []


def _splits(text: str) -> Iterable[tuple[str, str]]:
    """Where the member's last language may start: after the last comma, else the last space."""
    pieces = _SEPARATORS.split(text)
    head = text[: len(text) - len(pieces[-1])]
    yield head, pieces[-1]
    words = pieces[-1].rsplit(maxsplit=1)
    if len(words) == 2 and not pieces[-1][-1:].isspace():
        yield head + words[0], words[1]


def _matching(typed: str) -> list[str]:
    """Codes whose code or a name starts with `typed` (then contains it), by name; with
    nothing typed, the reader's own language and those Tandem speaks."""
    wanted = _key(typed)
    if not wanted:
        reader = babel_locale().language
        return list(dict.fromkeys([reader, *(base_language(locale) for locale in shipped())]))
    keys: dict[str, list[str]] = {}
    for index in _indexes():
        for key, code in index.items():
            keys.setdefault(code, []).append(key)
    starting, containing = [], []
    for code in sorted(keys, key=lambda code: _key(language_name(code))):
        if any(key.startswith(wanted) for key in keys[code]):
            starting.append(code)
        elif len(wanted) > 2 and any(wanted in key for key in keys[code]):
            containing.append(code)
    exact = [code for code in starting if code == wanted]
    return exact + [code for code in starting + containing if code != wanted]


def _label(codes: tuple[str, ...]) -> str:
    label = ", ".join(_labelled(code) for code in codes)
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _labelled(code: str) -> str:
    """`Portuguese (português)`: the name a reader knows, and the one its speakers use."""
    name, own = language_name(code), own_name(code)
    return name if not own or _key(own) == _key(name) else f"{name} ({own})"


def _key(text: str) -> str:
    """One spelling per name: case, accents and compatibility forms do not count."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").casefold()


@cache
def _codes() -> tuple[str, ...]:
    """Every ISO 639-1 code Babel names."""
    codes = (str(code) for code in _ENGLISH.languages)
    return tuple(sorted(code for code in codes if re.fullmatch("[a-z]{2}", code)))


@cache
def _own_names() -> dict[str, str]:
    names = {}
    for code in _codes():
        try:
            own = Locale.parse(code).get_language_name(code)
        except (ValueError, UnknownLocaleError):
            continue
        if own:
            names[code] = own
    return names


@cache
def _index() -> dict[str, str]:
    """Codes, English names, then names in the language itself: the first to claim a
    spelling keeps it (`Akan` is `ak`, though Twi calls itself Akan too)."""
    index: dict[str, str] = {}
    for names in ({c: c for c in _codes()}, _ENGLISH.languages, _own_names()):
        for code in _codes():
            if code in names:
                index.setdefault(_key(names[code]), code)
    return index


def _lookup(words: str) -> str | None:
    key = _key(words)
    return next((index[key] for index in _indexes() if key in index), None)


def _indexes() -> tuple[dict[str, str], ...]:
    """Where a typed name is looked up, in order: codes and the names every reader may
    use, then names in the language Tandem speaks to the reader, then in their Discord
    language (Babel may know it where Tandem has no catalog yet)."""
    return (
        _index(),
        _reader_index(str(babel_locale())),
        _reader_index(current().replace("-", "_")),
    )


@cache
def _reader_index(locale: str) -> dict[str, str]:
    """Names in the reader's language (`portugués` for a Spanish reader): the language
    Tandem speaks to them, or their Discord language where Babel knows more of it."""
    index: dict[str, str] = {}
    try:
        names = Locale.parse(locale).languages
    except (ValueError, UnknownLocaleError):
        return index
    for code, name in names.items():
        if code in _codes():
            index.setdefault(_key(name), code)
    return index
