"""`/setup` and the guard every other command applies until it has run."""

from __future__ import annotations

from bot.errors import UserError
from bot.replies import NEEDS_MANAGE_SERVER, NEEDS_SETUP
from tests.helpers import Server


async def test_moderator_sets_up_and_settings_are_stored(server: Server) -> None:
    result = await server.moderator.slash(
        server.general,
        "setup",
        leaderboard_channel=server.leaderboard,
        partner_channel=server.partners,
        currency="USD",
        max_stake=50,
    )
    assert result.ephemeral
    assert "50 USD" in result.response.content
    config = await server.bot.store.guilds.get(server.guild.id)
    assert config is not None
    assert (config.leaderboard_channel_id, config.partner_channel_id) == (
        server.leaderboard.id,
        server.partners.id,
    )
    assert (config.currency, config.max_stake) == ("USD", 50)


async def test_running_setup_again_updates_and_keeps_unnamed_options(ready: Server) -> None:
    await ready.moderator.slash(
        ready.general,
        "setup",
        leaderboard_channel=ready.general,
        partner_channel=ready.partners,
        max_stake=7,
    )
    result = await ready.moderator.slash(
        ready.general,
        "setup",
        leaderboard_channel=ready.leaderboard,
        partner_channel=ready.partners,
    )
    assert "updated" in result.response.content
    config = await ready.bot.store.guilds.get(ready.guild.id)
    assert config is not None
    assert (config.leaderboard_channel_id, config.currency, config.max_stake) == (
        ready.leaderboard.id,
        "points",
        7,
    )


async def test_non_moderator_cannot_run_setup_even_when_the_command_is_visible(
    server: Server,
) -> None:
    learner = server.member("learner")
    commands = await server.bot.tree.fetch_commands()
    setup_command = next(command for command in commands if command.name == "setup")
    server.guild.set_command_permissions(setup_command, {learner: True})
    result = await learner.slash(
        server.general,
        "setup",
        leaderboard_channel=server.leaderboard,
        partner_channel=server.partners,
    )
    assert result.ephemeral
    assert result.response.content == NEEDS_MANAGE_SERVER
    assert await server.bot.store.guilds.get(server.guild.id) is None
    assert server.errors()


async def test_bad_setup_values_change_nothing(ready: Server) -> None:
    for options in (
        {"max_stake": -1},
        {"max_stake": 2_000_000},
        {"currency": "   "},
        {"currency": "@everyone"},
    ):
        result = await ready.moderator.slash(
            ready.general,
            "setup",
            leaderboard_channel=ready.general,
            partner_channel=ready.general,
            **options,
        )
        assert result.ephemeral
        assert "must be" in result.response.content
    config = await ready.bot.store.guilds.get(ready.guild.id)
    assert config is not None
    assert (config.leaderboard_channel_id, config.currency, config.max_stake) == (
        ready.leaderboard.id,
        "points",
        100,
    )
    assert all(isinstance(error, UserError) for error in ready.errors())


async def test_other_commands_ask_for_setup_first(server: Server) -> None:
    learner = server.member("learner")
    result = await learner.slash(server.general, "partner status")
    assert result.ephemeral
    assert result.response.content == NEEDS_SETUP
