"""The check-in day, time and zone options, as transformers every command shares.

Each parses and validates what the member sent, so a command receives a weekday, a
minute of the day or an IANA zone, never raw text; a bad value reaches the member as
the domain's clear message (a `UserError` behind discord.py's `TransformerError`).
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.options import AUTOCOMPLETE_LIMIT
from bot.schedule import WEEKDAYS, known_zones, parse_minute, parse_weekday, parse_zone


class WeekdayTransformer(app_commands.Transformer):
    """Monday to Sunday, offered as choices; 0 is Monday."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.integer

    @property
    def choices(self) -> list[app_commands.Choice[int | float | str]]:
        return [app_commands.Choice(name=name, value=index) for index, name in enumerate(WEEKDAYS)]

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> int:
        return parse_weekday(int(value))


class ClockTransformer(app_commands.Transformer):
    """`HH:MM` on a 24-hour clock, as minutes after midnight."""

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> int:
        return parse_minute(str(value))


class ZoneTransformer(app_commands.Transformer):
    """An IANA time zone name, autocompleted: those starting with what was typed first."""

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> str:
        return parse_zone(str(value))

    async def autocomplete(
        self, interaction: discord.Interaction[Any], value: int | float | str, /
    ) -> list[app_commands.Choice[int | float | str]]:
        typed = str(value).strip().casefold().replace(" ", "_")
        matches = sorted(
            (zone for zone in known_zones() if typed in zone.casefold()),
            key=lambda zone: (not zone.casefold().startswith(typed), "/" not in zone, zone),
        )
        return [app_commands.Choice(name=zone, value=zone) for zone in matches[:AUTOCOMPLETE_LIMIT]]


Weekday = app_commands.Transform[int, WeekdayTransformer]
Clock = app_commands.Transform[int, ClockTransformer]
Zone = app_commands.Transform[str, ZoneTransformer]
