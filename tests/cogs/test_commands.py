"""Every cog loads, and every command and option tells members what it is for."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from discord import app_commands

from bot.app import EXTENSIONS, TandemBot
from tests.helpers import Server, study_server

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


async def test_start_up_says_who_tandem_is_and_in_how_many_servers(
    ready: Server, make_bot: Callable[[], TandemBot], caplog: pytest.LogCaptureFixture
) -> None:
    study_server(ready.env, "Second Hall")
    with caplog.at_level(logging.INFO, logger="tandem.app"):
        await ready.env.restart_bot(make_bot())
    ready_lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("ready")]
    assert ready_lines == [f"ready as {ready.bot.user} in 2 servers"]
