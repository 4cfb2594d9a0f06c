"""The invitation's Accept and Decline buttons, persistent across restarts."""

from __future__ import annotations

from typing import Any

import discord

from bot.errors import UserError
from bot.replies import NO_PINGS
from cogs.common import SafeButton, tandem
from cogs.pairing.messages import accepted_text, declined_text
from cogs.pairing.threads import open_thread, partner_channel


class InvitationButton(
    SafeButton, template=r"tandem:invite:(?P<action>accept|decline):(?P<invitation_id>\d+)"
):
    def __init__(self, invitation_id: int, action: str) -> None:
        accept = action == "accept"
        super().__init__(
            discord.ui.Button(
                label="Accept" if accept else "Decline",
                style=discord.ButtonStyle.success if accept else discord.ButtonStyle.secondary,
                custom_id=f"tandem:invite:{action}:{invitation_id}",
            )
        )
        self.invitation_id = invitation_id
        self.action = action

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        bot = tandem(interaction)
        invitation = await bot.store.pairing.invitation(self.invitation_id)
        if invitation is None:
            raise UserError("This invitation no longer exists.")
        if interaction.user.id != invitation.invitee_id:
            raise UserError(f"Only <@{invitation.invitee_id}> can answer this invitation.")
        now = discord.utils.utcnow()
        if self.action == "decline":
            if not await bot.store.pairing.decline(invitation.id, now):
                raise UserError("This invitation has already been answered.")
            await interaction.response.edit_message(
                content=declined_text(invitation), view=None, allowed_mentions=NO_PINGS
            )
            return
        await partner_channel(bot, invitation.guild_id)  # before anything is stored
        partnership = await bot.store.pairing.accept(invitation, now)
        await interaction.response.defer()
        thread = await open_thread(bot, partnership)
        await interaction.edit_original_response(
            content=accepted_text(invitation, thread.mention), view=None, allowed_mentions=NO_PINGS
        )


def invitation_view(invitation_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(InvitationButton(invitation_id, "accept"))
    view.add_item(InvitationButton(invitation_id, "decline"))
    return view
