"""The invitation's Accept and Decline buttons, persistent across restarts."""

from __future__ import annotations

from typing import Any

import discord

from bot.errors import UserError
from bot.models import Invitation, InvitationStatus
from bot.replies import NO_PINGS
from cogs.common import SafeButton, tandem
from cogs.common.matchmaker import still_here
from cogs.common.text import mention
from cogs.common.threads import partner_channel


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
        invitation = await bot.store.pairing.invitation(self.invitation_id)
        if invitation is None:
            raise UserError("This invitation no longer exists.")
        if interaction.user.id != invitation.invitee_id:
            raise UserError(f"Only {mention(invitation.invitee_id)} can answer this invitation.")
        if invitation.status is not InvitationStatus.PENDING:
            raise UserError("This invitation has already been answered.")
        if self.action == "decline":
            declined = await bot.store.pairing.decline(invitation, discord.utils.utcnow())
            await interaction.response.defer()
            await bot.outbox.flush(declined.notices)
            return
        await self._accept(interaction, invitation)

    async def _accept(self, interaction: discord.Interaction[Any], invitation: Invitation) -> None:
        bot = tandem(interaction)
        await partner_channel(bot, invitation.guild_id)  # before anything is stored
        if await still_here(bot, invitation.guild_id, invitation.inviter_id) is False:
            gone = await bot.store.pairing.forget_waiting(
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
        accepted = await bot.store.pairing.accept(invitation, discord.utils.utcnow())
        delivery = await bot.outbox.flush(accepted.notices)
        pair = await bot.store.pairing.partnership(accepted.value.id) or accepted.value
        paired = (
            f"You're paired with {mention(invitation.inviter_id)} for **{invitation.course}**! "
        )
        await interaction.followup.send(
            paired + f"Say hello in <#{pair.thread_id}>."
            if pair.thread_id and delivery.done(accepted.notices)
            else paired + f"{delivery.problem}. Your private thread will open as soon as it can.",
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
