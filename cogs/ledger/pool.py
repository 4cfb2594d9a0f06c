"""`/pool`: the pair's shared pool of missed pledges, and settling it."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot
from bot.ledger import format_amount
from bot.milestones import clean_text
from bot.replies import NO_PINGS
from cogs.common import capped, guild_config, pool_autocomplete, resolve_pool
from cogs.common.outbox import reply_stored
from cogs.common.text import mention
from cogs.ledger import messages

MAX_NOTE_LENGTH = 200


@app_commands.guild_only()
class PoolCog(
    commands.GroupCog,
    group_name="pool",
    group_description="Your pair's shared pool of missed pledges",
):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(
        name="view", description="Your pair's pool balance and its recent entries"
    )
    @app_commands.describe(course="Which pool, if you have several (ended pairs' too)")
    @app_commands.autocomplete(course=pool_autocomplete)
    async def view(
        self, interaction: discord.Interaction[TandemBot], course: str | None = None
    ) -> None:
        config = await guild_config(interaction)
        partnership = await resolve_pool(interaction, course)
        balance = await self.bot.store.ledger.balance(partnership.id)
        entries = await self.bot.store.ledger.recent(partnership.id)
        ended = " (partnership ended)" if partnership.ended_at else ""
        lines = [
            f"**Shared pool ({partnership.course}{ended})**: "
            f"{format_amount(balance, config.currency)}"
        ]
        lines += [messages.entry_line(e, config.currency) for e in entries] or ["No entries yet."]
        lines.append("Tandem records pledges; it moves no money.")
        await interaction.response.send_message(
            "\n".join(capped(lines)), ephemeral=True, allowed_mentions=NO_PINGS
        )

    @app_commands.command(
        name="settle", description="Propose to settle the pool to zero; your partner confirms"
    )
    @app_commands.describe(
        note="What the pool was used for",
        course="Which pool, if you have several (ended pairs' too)",
    )
    @app_commands.autocomplete(course=pool_autocomplete)
    async def settle(
        self, interaction: discord.Interaction[TandemBot], note: str, course: str | None = None
    ) -> None:
        config = await guild_config(interaction)
        text = clean_text(note, "note", MAX_NOTE_LENGTH)
        partnership = await resolve_pool(interaction, course)
        await interaction.response.defer(ephemeral=True, thinking=True)
        proposed = await self.bot.store.ledger.propose_settlement(
            partnership, interaction.user.id, text, discord.utils.utcnow()
        )
        _, balance = proposed.value
        amount = format_amount(balance, config.currency)
        await reply_stored(
            interaction,
            partnership,
            proposed,
            saved=f"Proposal to settle {amount} saved.",
            repeated=f"You already proposed settling {amount}; your partner hasn't answered yet.",
            partner_is="asked",
        )

    @app_commands.command(name="overview", description="Every pool in this server (Manage Server)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def overview(self, interaction: discord.Interaction[TandemBot]) -> None:
        config = await guild_config(interaction)
        pools = await self.bot.store.ledger.overview(config.guild_id)
        lines = [
            f"• **{p.course}** {mention(p.members[0])} & {mention(p.members[1])}: "
            f"{format_amount(p.balance, config.currency)}" + ("" if p.active else " (ended)")
            for p in pools
        ]
        total = format_amount(sum(p.balance for p in pools), config.currency)
        body = "\n".join(capped(lines)) or "No pool has any entries yet."
        await interaction.response.send_message(
            f"**Pools in this server**\n{body}\n**Total: {total}**",
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
