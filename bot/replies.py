"""How the bot answers a member when something goes wrong, in one place."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.errors import UserError
from bot.i18n import N_, _
from bot.log import get
from bot.metrics import Outcome

log = get("errors")

# Translated where they are shown (`_`), in the language of whoever reads them.
APOLOGY = N_(
    "Sorry, something went wrong on my side. It has been logged; please try again in a moment."
)
NEEDS_MANAGE_SERVER = N_("Only moderators with the **Manage Server** permission can do that.")
NEEDS_SETUP = N_("Tandem is not set up in this server yet: ask a moderator to run `/setup`.")
NOT_IN_DMS = N_("Tandem works inside a server, not in direct messages.")
NO_PINGS = discord.AllowedMentions.none()


async def send_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """Reply privately whether or not the interaction was already answered."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)


def _unwrap(error: BaseException) -> BaseException:
    """The error behind discord.py's wrappers: a command's, or an option transformer's."""
    if isinstance(error, app_commands.CommandInvokeError):
        return error.original
    if isinstance(error, app_commands.TransformerError) and error.__cause__ is not None:
        return error.__cause__
    return error


def describe(error: BaseException) -> str | None:
    """The member-facing text for errors they can act on; None for our own faults."""
    cause = _unwrap(error)
    if isinstance(cause, UserError):
        return str(cause)
    if isinstance(cause, app_commands.MissingPermissions):
        return _(NEEDS_MANAGE_SERVER)
    if isinstance(cause, app_commands.NoPrivateMessage):
        return _(NOT_IN_DMS)
    if isinstance(cause, app_commands.CheckFailure):
        return _("You can't use that here.")
    return None


async def report_error(
    interaction: discord.Interaction, error: BaseException, where: str
) -> Outcome:
    """Explain user errors; log our own with context and apologise, never leak a traceback.

    Returns how the interaction ended, for `tandem_interactions_total`.
    """
    text = describe(error)
    outcome = Outcome.REFUSED
    if text is None:
        outcome = Outcome.ERROR
        log.error(
            "unexpected error in %s (member %s, guild %s)",
            where,
            interaction.user.id,
            interaction.guild_id,
            exc_info=_unwrap(error),
        )
        text = _(APOLOGY)
    try:
        await send_ephemeral(interaction, text)
    except discord.HTTPException:
        log.warning("could not tell member %s about an error in %s", interaction.user.id, where)
    return outcome
