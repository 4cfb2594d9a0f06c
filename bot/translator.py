"""Slash commands in each member's Discord language, from the same catalogs as messages.

discord.py asks the translator for every command, group and option name, description
and choice when the commands are synced; Discord then shows each member the commands in
their client's language. Names come from their own context (`COMMAND_NAME`), since a
command name must be one lower-case word where the same English in a sentence need not.
"""

from __future__ import annotations

from discord import Locale, app_commands

from bot.i18n import COMMAND_NAME, translated

NAMES = frozenset(
    {
        app_commands.TranslationContextLocation.command_name,
        app_commands.TranslationContextLocation.group_name,
        app_commands.TranslationContextLocation.parameter_name,
    }
)


class CatalogTranslator(app_commands.Translator):
    async def translate(
        self,
        string: app_commands.locale_str,
        locale: Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        """The catalog's words for `string` in `locale`; None leaves Discord on English."""
        where = COMMAND_NAME if context.location in NAMES else None
        return translated(locale.value, string.message, where)
