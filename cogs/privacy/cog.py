"""`/privacy export` and `/privacy delete`."""

from __future__ import annotations

import io
import json
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot
from bot.i18n import _
from bot.replies import NO_PINGS
from cogs.common import guild_id_of, view_of
from cogs.privacy.views import EraseButton

EXPORT_FILE = "tandem-data.json"


def export_document(
    guild_id: int,
    user_id: int,
    discord_language: str | None,
    sections: dict[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    """The export as a member reads it: what it is, the Discord language kept for every
    server, then every section of this server, even empty ones."""
    return {
        # Translators: the first words of the data export; `discord_language` and `languages`
        # are names in the file: keep them as they are.
        "about": _(
            "Everything Tandem stores about you in this server. Times are UTC (ISO 8601); "
            "amounts are in hundredths of the server's pledge unit; weekdays count from "
            "0 = Monday; minutes of the day count from midnight in the time zone given. "
            "`discord_language` is the language of your Discord app as last seen, kept for "
            "every server so your partner threads can speak it; `languages` are the ones you "
            "stated, as two-letter codes."
        ),
        "server_id": guild_id,
        "member_id": user_id,
        "exported_at": discord.utils.utcnow().isoformat(),
        "discord_language": discord_language,
        **sections,
    }


@app_commands.guild_only()
class PrivacyCog(
    commands.GroupCog,
    group_name="privacy",
    group_description="See or delete everything Tandem stores about you",
):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(
        name="export", description="Get everything Tandem stores about you as a JSON file"
    )
    async def export(self, interaction: discord.Interaction[TandemBot]) -> None:
        guild_id = guild_id_of(interaction)
        user_id = interaction.user.id
        await interaction.response.defer(ephemeral=True, thinking=True)
        sections = await self.bot.store.privacy.export(guild_id, user_id)
        seen = await self.bot.store.languages.of_members((user_id,))
        document = json.dumps(
            export_document(guild_id, user_id, seen.get(user_id), sections),
            indent=2,
            ensure_ascii=False,
        )
        stored = any(sections.values())
        await interaction.followup.send(
            _("Here is everything Tandem stores about you in this server.")
            if stored
            else _(
                "Tandem stores nothing about you in this server; the file shows the empty sections."
            ),
            file=discord.File(io.BytesIO(document.encode()), filename=EXPORT_FILE),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(
        name="delete", description="Delete everything Tandem stores about you (asks to confirm)"
    )
    async def delete(self, interaction: discord.Interaction[TandemBot]) -> None:
        guild_id = guild_id_of(interaction)
        await interaction.response.send_message(
            _(
                "This deletes your profile, queue places, invitations, check-in answers (also"
                " the messages in your partner threads), goals and milestone titles in this"
                " server, and ends your partnerships kindly. Pool amounts stay, with your name"
                " removed, so every pool still adds up. It cannot be undone."
            ),
            view=view_of(EraseButton(guild_id, interaction.user.id)),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
