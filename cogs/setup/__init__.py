"""`/setup`: a moderator points Tandem at its channels and sets the pledge rules."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot
from bot.errors import UserError
from bot.models import GuildConfig
from cogs.common import guild_id_of

DEFAULT_CURRENCY = "points"
DEFAULT_MAX_STAKE = 100
MAX_CURRENCY_LENGTH = 16
MAX_STAKE_LIMIT = 1_000_000
PARTNER_CHANNEL_NEEDS = (
    "view_channel",
    "send_messages_in_threads",
    "create_private_threads",
    "manage_threads",
    "read_message_history",
)
LEADERBOARD_CHANNEL_NEEDS = ("view_channel", "send_messages", "embed_links")


def missing_permissions(channel: discord.TextChannel, needs: tuple[str, ...]) -> list[str]:
    granted = channel.permissions_for(channel.guild.me)
    return [name.replace("_", " ").title() for name in needs if not getattr(granted, name)]


def check_bot_can_work(leaderboard: discord.TextChannel, partners: discord.TextChannel) -> None:
    problems = [
        f"{channel.mention}: {', '.join(missing)}"
        for channel, needs in (
            (partners, PARTNER_CHANNEL_NEEDS),
            (leaderboard, LEADERBOARD_CHANNEL_NEEDS),
        )
        if (missing := missing_permissions(channel, needs))
    ]
    if problems:
        raise UserError("I'm missing permissions I need:\n" + "\n".join(problems))


def clean_currency(currency: str) -> str:
    cleaned = currency.strip()
    if not 1 <= len(cleaned) <= MAX_CURRENCY_LENGTH or "@" in cleaned or "<" in cleaned:
        raise UserError(
            f"The currency label must be 1 to {MAX_CURRENCY_LENGTH} characters, like `points` or `USD`."
        )
    return cleaned


def check_max_stake(max_stake: int) -> int:
    if not 0 <= max_stake <= MAX_STAKE_LIMIT:
        raise UserError(
            f"The largest pledge must be between 0 and {MAX_STAKE_LIMIT:,} whole units."
        )
    return max_stake


class SetupCog(commands.Cog):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="setup", description="Configure Tandem for this server (Manage Server)"
    )
    @app_commands.describe(
        leaderboard_channel="Where confirmed milestones are celebrated",
        partner_channel="Under which private partner threads are opened",
        currency="Label of pledged amounts (default: points)",
        max_stake="Largest pledge per milestone, in whole units (default: 100)",
    )
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def setup_command(
        self,
        interaction: discord.Interaction[TandemBot],
        leaderboard_channel: discord.TextChannel,
        partner_channel: discord.TextChannel,
        currency: str | None = None,
        max_stake: int | None = None,
    ) -> None:
        guild_id = guild_id_of(interaction)
        current = await self.bot.store.guilds.get(guild_id)
        config = GuildConfig(
            guild_id=guild_id,
            leaderboard_channel_id=leaderboard_channel.id,
            partner_channel_id=partner_channel.id,
            currency=clean_currency(currency)
            if currency is not None
            else (current.currency if current else DEFAULT_CURRENCY),
            max_stake=check_max_stake(max_stake)
            if max_stake is not None
            else (current.max_stake if current else DEFAULT_MAX_STAKE),
        )
        check_bot_can_work(leaderboard_channel, partner_channel)
        await self.bot.store.guilds.save(config)
        verb = "updated" if current else "set up"
        await interaction.response.send_message(
            f"Tandem is {verb}.\n"
            f"• Celebrations: {leaderboard_channel.mention}\n"
            f"• Partner threads: under {partner_channel.mention}\n"
            f"• Pledges: up to **{config.max_stake} {config.currency}** per milestone",
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )


async def setup(bot: TandemBot) -> None:
    await bot.add_cog(SetupCog(bot))
