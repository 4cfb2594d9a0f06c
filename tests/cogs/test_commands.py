"""Every cog loads, and every command and option tells members what it is for."""

from __future__ import annotations

from discord import app_commands

from bot.app import EXTENSIONS
from tests.helpers import Server

# discord.py's stand-in when a command or an option has no description of its own.
NO_DESCRIPTION = "…"


def described(text: str) -> bool:
    return bool(text.strip()) and text != NO_DESCRIPTION


async def test_every_cog_loads_and_every_command_and_option_is_described(ready: Server) -> None:
    bot = ready.bot
    assert set(bot.extensions) == set(EXTENSIONS)
    undescribed = []
    commands = list(bot.tree.walk_commands())
    for command in commands:
        if not described(command.description):
            undescribed.append(f"/{command.qualified_name}")
        if isinstance(command, app_commands.Command):
            undescribed += [
                f"/{command.qualified_name} {option.name}"
                for option in command.parameters
                if not described(option.description)
            ]
    assert len(commands) > 20
    assert undescribed == []
