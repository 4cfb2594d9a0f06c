"""`/setup` and the guard every other command applies until it has run."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.errors import UserError
from bot.replies import NEEDS_MANAGE_SERVER, NEEDS_SETUP
from cogs.common.text import stamp
from tests.helpers import Server, reply


async def test_moderator_sets_up_and_settings_are_stored(server: Server) -> None:
    result = await server.moderator.slash(
        server.general,
        "setup",
        leaderboard_channel=server.leaderboard,
        partner_channel=server.partners,
        currency="USD",
        max_pledge=50,
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
        max_pledge=7,
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
        {"max_pledge": -1},
        {"max_pledge": 2_000_000},
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


async def test_setup_shows_its_settings_briefly_with_the_next_recap_as_a_timestamp(
    server: Server,
) -> None:
    """The first /setup says what was set and when the first recap comes, as a Discord
    timestamp each moderator reads in their own clock; no "all delivered" on day one."""
    first = await server.moderator.slash(
        server.general,
        "setup",
        leaderboard_channel=server.leaderboard,
        partner_channel=server.partners,
    )
    sunday = datetime(2026, 1, 4, 18, 0, tzinfo=UTC)  # SimCord starts on Thursday 1 January
    assert first.ephemeral and reply(first) == "\n".join(
        [
            "✅ Tandem is set up.",
            f"• Celebrations and recaps: {server.leaderboard.mention}",
            f"• Weekly recap: Sunday 18:00 (UTC), next {stamp(sunday)}",
            f"• Partner threads: under {server.partners.mention}",
            "• Pledges: up to **100 points** per milestone",
            "• Public messages in: **English** (Discord's server language)",
            "• Voice rooms: off",
        ]
    )
    moved = await server.moderator.slash(
        server.general, "setup", recap_day=2, recap_time="09:00", recap_timezone="Europe/Berlin"
    )
    wednesday = datetime(2026, 1, 7, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
    assert reply(moved).startswith("✅ Tandem is updated.")
    assert f"Weekly recap: Wednesday 09:00 (Europe/Berlin), next {stamp(wednesday)}" in reply(moved)
    status = reply(await server.moderator.slash(server.general, "setup"))
    assert status.startswith("**Tandem in this server**\n") and len(status.splitlines()) == 7
    assert "delivered" not in status and "⚠️" not in status
