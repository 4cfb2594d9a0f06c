"""Tandem's words in the reader's language: the one translation layer members read through.

Every member-facing string passes through `_` (or `ngettext` where a count is shown,
`pgettext` where one English word has two uses). Which language they come out in is the
*current language*, set once where a message starts being drawn: an interaction
speaks its member's Discord language, a partner thread the pair's language, a public
channel the server's (`speaking`). So wording modules never take a language argument,
and a forgotten `_` shows up in the pseudo-locale test as unmarked text.

Catalogs are gettext `.po` files in `bot/locales/`, one per Discord locale
(`es-ES.po`, `pt-BR.po`, ...), read with Babel at first use: adding a language is adding
one file (`docs/translating.md`). A locale without a catalog falls back to another of its
base language (es-419 -> es-ES), then to English; a fallback is never an error.

Placeholders are named (`{member}`, `{count}`) so a translation may reorder them; values
are substituted after translating, so member-written text is never looked up.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "tandem"
ENGLISH = "en-US"
# Used only by tests: every translated string comes out wrapped in these marks, so text
# that reaches a member without passing through here stands out.
PSEUDO = "x-pseudo"
PSEUDO_OPEN, PSEUDO_CLOSE = "⟦", "⟧"
# A `{placeholder}` (`{{` and `}}` are literal braces, not placeholders).
_PLACEHOLDER = re.compile(r"(?<!\{)(\{\w*(?:[:!][^{}]*)?\})(?!\})")
# A slash command named in a message, in backticks: `/pool settle`, `/profile timezone:`.
_SLASH_COMMAND = re.compile(r"`/([^`]+)`")
# Languages whose lower-case i is dotted in upper case too (İ).
DOTTED_I_LANGUAGES = frozenset({"tr", "az"})
# The context of command, group and option names: one word, lower-case, no spaces.
COMMAND_NAME = "command name"

_current: ContextVar[str] = ContextVar("tandem_language", default=ENGLISH)


def _(message: str, /, **values: Any) -> str:
    """`message` in the current language, its `{placeholders}` filled from `values`."""
    return _filled(_commands_in_place(_translations(current()).gettext(message)), values)


def ngettext(singular: str, plural: str, count: int, /, **values: Any) -> str:
    """The form of a counted message that fits `count` in the current language.

    `{count}` is always available to the text; other placeholders come from `values`.
    """
    text = _translations(current()).ngettext(singular, plural, count)
    return _filled(_commands_in_place(text), {"count": count, **values})


def pgettext(context: str, message: str, /, **values: Any) -> str:
    """`message` as used in `context`, where the same English has two meanings."""
    return _filled(_commands_in_place(_translations(current()).pgettext(context, message)), values)


def N_(message: str, /) -> str:
    """Mark a constant for the catalogs; it is translated where it is shown, with `_`."""
    return message


def _commands_in_place(text: str) -> str:
    """A slash command a message names (`/partner find`, `/profile languages:`) as the
    reader's Discord shows it: its command and option names in their language."""
    catalog = catalog_of(current())
    if catalog in (ENGLISH, PSEUDO) or "`/" not in text:
        return text
    translations = _translations(catalog)

    def local(named: re.Match[str]) -> str:
        words = []
        for word in named.group(1).split(" "):
            name, colon, value = word.partition(":")
            words.append(translations.pgettext(COMMAND_NAME, name) + colon + value)
        return f"`/{' '.join(words)}`"

    return _SLASH_COMMAND.sub(local, text)


def _filled(text: str, values: dict[str, Any]) -> str:
    return text.format(**values) if values else text


def capitalized(text: str) -> str:
    """`text` with its first letter upper-case as the current language writes it: Turkish
    dotted i becomes İ, not I."""
    first = text[:1]
    if base_language(catalog_of(current())) in DOTTED_I_LANGUAGES and first == "i":
        return "İ" + text[1:]
    return first.upper() + text[1:]


def current() -> str:
    """The language messages are being drawn in now."""
    return _current.get()


def use(locale: str | None) -> None:
    """Speak `locale` for the rest of this task (an interaction's handler), or English."""
    _current.set(locale or ENGLISH)


@contextmanager
def speaking(locale: str | None) -> Iterator[None]:
    """Draw the messages of this block in `locale` (None: English), then go back."""
    token = _current.set(locale or ENGLISH)
    try:
        yield
    finally:
        _current.reset(token)


@cache
def shipped() -> tuple[str, ...]:
    """Every locale Tandem speaks: English and one per catalog, in a stable order."""
    return (ENGLISH, *sorted(path.stem for path in LOCALES.glob("*.po")))


def base_language(locale: str) -> str:
    """`es` of `es-419`, `pt` of `pt-BR`: the ISO 639-1 code a locale belongs to."""
    return locale.replace("_", "-").split("-")[0].lower()


@cache  # a command sync asks it for every string in every Discord locale
def catalog_of(locale: str | None) -> str:
    """The shipped locale whose words a reader of `locale` gets: the same locale, else one
    of its base language (its own region first: `es` prefers `es-ES`), else English."""
    if not locale:
        return ENGLISH
    ours = shipped()
    if locale in ours or locale == PSEUDO:
        return locale
    base = base_language(locale)
    kin = [candidate for candidate in ours if base_language(candidate) == base]
    preferred = f"{base}-{base.upper()}"
    return preferred if preferred in kin else (kin[0] if kin else ENGLISH)


def babel_locale(locale: str | None = None) -> Locale:
    """Babel's locale for formatting dates and numbers in `locale` (default: the current)."""
    return _babel_locale(catalog_of(locale or current()))


@cache  # parsing costs more than most of what is then formatted with it
def _babel_locale(chosen: str) -> Locale:
    try:
        return Locale.parse(chosen.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en_US")


def whole_number(value: int) -> str:
    """An integer as the current language writes it: `1,234`, `1.234`, `1 234`."""
    return _whole_number(value, catalog_of(current()))


# Babel takes about 10 µs a number, and a leaderboard or recap writes one per line;
# the numbers members see (places, counts, streaks) are few and small.
@lru_cache(maxsize=4096)
def _whole_number(value: int, chosen: str) -> str:
    return format_decimal(value, locale=_babel_locale(chosen))


@cache
def _translations(locale: str) -> gettext.NullTranslations:
    chosen = catalog_of(locale)
    if chosen == PSEUDO:
        return _Pseudo()
    if chosen == ENGLISH:
        return gettext.NullTranslations()
    return _compiled(LOCALES / f"{chosen}.po")


def _compiled(path: Path) -> gettext.GNUTranslations:
    """A `.po` catalog compiled in memory: no build step, no binary file in the repository."""
    with path.open("rb") as source:
        catalog = read_po(source, locale=path.stem.replace("-", "_"), domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


class _Pseudo(gettext.NullTranslations):
    """The test-only locale: English, with the words of each translated string visibly
    marked ⟦like⟧ {this}: values stay outside the marks, so a value that is itself an
    untranslated English word (a label built without `_`) still shows unmarked."""

    def gettext(self, message: str) -> str:
        return "".join(
            part if _PLACEHOLDER.fullmatch(part) else f"{PSEUDO_OPEN}{part}{PSEUDO_CLOSE}"
            for part in _PLACEHOLDER.split(message)
            if part
        )

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return self.gettext(message)


def translated(locale: str, message: str, context: str | None = None) -> str | None:
    """`message` in `locale`'s catalog (or its base language's), None when that catalog is
    English or has no translation: what Discord is given for command names and descriptions."""
    if catalog_of(locale) == ENGLISH:
        return None
    translations = _translations(locale)
    text = translations.pgettext(context, message) if context else translations.gettext(message)
    return None if text == message else text


def shared_language(locales: list[str | None]) -> str | None:
    """The language every one of these readers uses, as a shipped locale; None if they
    use different languages or one was never seen. Two regional forms of one language
    read its catalog (es-ES and es-419 read es-ES); a language Tandem lacks reads English."""
    if not locales or any(locale is None for locale in locales):
        return None
    seen = {locale for locale in locales if locale is not None}
    if len({base_language(locale) for locale in seen}) != 1:
        return None
    return catalog_of(seen.pop()) if len(seen) == 1 else catalog_of(base_language(seen.pop()))
