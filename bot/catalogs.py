"""Keeping the translation catalogs in step with the code: `scripts/translations`.

One command extracts every marked string (`_`, `ngettext`, `pgettext`, `N_` in `bot/` and
`cogs/`) and every slash command's name, description, option and choice (read from the
real command tree, so nothing is listed by hand) into `bot/locales/tandem.pot`, then
updates each language's `.po` from it: new strings appear untranslated, removed ones
are dropped. `--check` changes nothing and fails while any catalog lacks a translation
of a string the code shows, or has a fuzzy one: what the catalog tests ask too.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po
from discord import app_commands

from bot.i18n import COMMAND_NAME, DOMAIN, LOCALES
from bot.log import configure, get

log = get("catalogs")

ROOT = LOCALES.parent.parent
TEMPLATE = LOCALES / f"{DOMAIN}.pot"
SOURCES = ("bot", "cogs")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
# What the command tree's strings are, for translators (Discord's rules are in the test).
NAME_NOTE = "Slash command or option name: lower-case, 1-32 characters, no spaces."
DESCRIPTION_NOTE = "Slash command or option description: at most 100 characters."
CHOICE_NOTE = "A choice of a slash command option: at most 100 characters."
# Extensions without commands whose loading starts timed work: not loaded to read the tree.
TIMED_WORK_ONLY = frozenset({"cogs.scheduler"})
# Discord's limits on what the command tree shows, per string.
NAME_LIMIT = 32
TEXT_LIMIT = 100


def template() -> Catalog:
    """Every string Tandem shows, as the catalog a translation starts from."""
    catalog = Catalog(
        project="Tandem",
        domain=DOMAIN,
        charset="utf-8",
        creation_date=datetime(2026, 1, 1, tzinfo=UTC),
        fuzzy=False,
    )
    for source in SOURCES:
        for filename, line, message, comments, context in extract_from_dir(
            ROOT / source,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
            strip_comment_tags=True,
        ):
            catalog.add(
                message,
                locations=[(f"{source}/{filename}", line)],
                auto_comments=comments,
                context=context,
            )
    for message, context, note in command_strings():
        existing = catalog.get(message, context)
        if existing is None:
            catalog.add(message, context=context, auto_comments=[note])
    return catalog


def command_strings() -> list[tuple[str, str | None, str]]:
    """Each name, description and choice of the slash commands: (text, context, note)."""
    return asyncio.run(_command_strings())


async def _command_strings() -> list[tuple[str, str | None, str]]:
    from bot.app import EXTENSIONS, TandemBot  # noqa: PLC0415 (only this tool builds a bot)
    from bot.scheduler import Scheduler  # noqa: PLC0415
    from bot.settings import Settings  # noqa: PLC0415
    from bot.store import Store  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        bot = TandemBot(Settings(database_path=Path(folder) / "tree.db"))
        bot.store = await Store.open(Path(folder) / "tree.db", discord.utils.utcnow())
        bot.scheduler = Scheduler(lambda: 0)
        try:
            for extension in EXTENSIONS:
                if extension not in TIMED_WORK_ONLY:
                    await bot.load_extension(extension)
            return list(_tree_strings(bot.tree))
        finally:
            await bot.store.close()


def _tree_strings(tree: app_commands.CommandTree[Any]) -> Iterator[tuple[str, str | None, str]]:
    for command in tree.walk_commands():
        yield command.name, COMMAND_NAME, NAME_NOTE
        yield command.description, None, DESCRIPTION_NOTE
        if isinstance(command, app_commands.Group):
            continue
        for parameter in command.parameters:
            yield parameter.display_name, COMMAND_NAME, NAME_NOTE
            yield parameter.description, None, DESCRIPTION_NOTE
            for choice in parameter.choices:
                yield choice.name, None, CHOICE_NOTE


def catalogs() -> list[Path]:
    """Every language's catalog, by file name."""
    return sorted(LOCALES.glob("*.po"))


def read(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=path.stem.replace("-", "_"), domain=DOMAIN)


def write(catalog: Catalog, path: Path) -> None:
    with path.open("wb") as target:
        write_po(target, catalog, width=100, sort_output=False, include_previous=False)


def updated(path: Path, fresh: Catalog) -> Catalog:
    """The language's catalog with exactly the strings of `fresh`, keeping translations."""
    catalog = read(path)
    catalog.update(fresh, no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    return catalog


def gaps(catalog: Catalog) -> list[str]:
    """What a catalog still lacks: untranslated or fuzzy strings (by their English)."""
    return [
        _english(message)
        for message in catalog
        if message.id and (message.fuzzy or not _complete(message))
    ]


def _complete(message: Message) -> bool:
    if isinstance(message.string, tuple | list):
        return all(message.string)
    return bool(message.string)


def _english(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/translations", description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="change nothing; fail on any gap or stale catalog"
    )
    check = parser.parse_args(argv).check
    configure("INFO")
    fresh = template()
    if not check:
        write(fresh, TEMPLATE)
    failures = 0
    for path in catalogs():
        catalog = updated(path, fresh)
        missing = gaps(catalog)
        if not check:
            write(catalog, path)
        log.info("%s: %d strings, %d to translate", path.name, len(catalog), len(missing))
        failures += len(missing)
    if check and failures:
        log.error("%d strings lack a translation", failures)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
