"""The invitation's Accept and Decline buttons, persistent across restarts."""

from __future__ import annotations

from typing import Any

import discord

from bot.errors import UserError
from bot.log import get
from bot.models import Invitation, InvitationStatus
from bot.replies import NO_PINGS
from cogs.common import SafeButton, tandem
from cogs.common.matchmaker import paired_text, still_here
from cogs.common.text import mention
from cogs.common.threads import partner_channel
from cogs.pairing.messages import answered_text

log = get("pairing")


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
        """The answer is stored; the invitation message is redrawn by the outbox to show it."""
        bot = tandem(interaction)
        invitation = await bot.store.invitations.invitation(self.invitation_id)
        if invitation is None:
            raise UserError("This invitation no longer exists.")
        if interaction.user.id != invitation.invitee_id:
            raise UserError(f"Only {mention(invitation.invitee_id)} can answer this invitation.")
        if invitation.status is not InvitationStatus.PENDING:
            raise UserError("This invitation has already been answered.")
        if self.action == "decline":
            declined = await bot.store.invitations.decline(invitation, discord.utils.utcnow())
            await interaction.response.defer()
            await bot.outbox.flush(declined.notices)
        else:
            await self._accept(interaction, invitation)
        if invitation.channel_id is None:
            await self._redraw_legacy(interaction)

    async def _redraw_legacy(self, interaction: discord.Interaction[Any]) -> None:
        """An invitation made before the outbox existed has no outbox row: edit it here."""
        answered = await tandem(interaction).store.invitations.invitation(self.invitation_id)
        if interaction.message is not None:
            await interaction.message.edit(
                content=answered_text(answered), view=None, allowed_mentions=NO_PINGS
            )

    async def _accept(self, interaction: discord.Interaction[Any], invitation: Invitation) -> None:
        bot = tandem(interaction)
        await partner_channel(bot, invitation.guild_id)  # before anything is stored
        present = await still_here(bot, invitation.guild_id, invitation.inviter_id)
        if present is None:
            raise UserError(
                f"I couldn't check with Discord that {mention(invitation.inviter_id)} is still "
                "in this server. Please press **Accept** again in a moment."
            )
        if not present:
            gone = await bot.store.departures.forget_waiting(
                invitation.guild_id, invitation.inviter_id, discord.utils.utcnow()
            )
            await interaction.response.send_message(
                f"{mention(invitation.inviter_id)} is no longer in this server, so this "
                "invitation was withdrawn.",
                ephemeral=True,
                allowed_mentions=NO_PINGS,
            )
            await bot.outbox.flush(gone.notices)
            return
        await interaction.response.defer()
        accepted = await bot.store.invitations.accept(invitation, discord.utils.utcnow())
        log.info("partnership %s made from invitation %s", accepted.value.id, invitation.id)
        delivery = await bot.outbox.flush(accepted.notices)
        await interaction.followup.send(
            await paired_text(bot, accepted.value, invitation.invitee_id, delivery),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
