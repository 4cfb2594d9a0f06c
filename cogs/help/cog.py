"""`/help [topic]`: answers privately, anywhere, set up or not."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot
from cogs.common.guide import PAGES, open_guide

TOPICS = [
    app_commands.Choice(name=page.title.split(" ", 1)[1], value=page.key)
    for page in PAGES
    if not page.moderators_only
]


class HelpCog(commands.Cog):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="How Tandem works, in a few short pages")
    @app_commands.describe(topic="Where to start reading (default: partners)")
    @app_commands.choices(
        topic=[*TOPICS, app_commands.Choice(name="For moderators", value="moderators")]
    )
    async def help(
        self, interaction: discord.Interaction[TandemBot], topic: str = PAGES[0].key
    ) -> None:
        """Private: a guide nobody else needs to see. A member asking for the moderators'
        page gets the first page, since that page is not theirs."""
        await open_guide(interaction, topic)
