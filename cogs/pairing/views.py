"""The invitation's Accept and Decline buttons, persistent across restarts."""

from __future__ import annotations

from typing import Any

import discord

from bot.errors import UserError
from bot.i18n import _, speaking
from bot.log import get
from bot.models import Invitation, InvitationStatus
from bot.replies import NO_PINGS
from cogs.common import SafeButton, tandem
from cogs.common.languages import server_language
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
                label=_("Accept") if accept else _("Decline"),
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
            raise UserError(_("This invitation no longer exists."))
        if interaction.user.id != invitation.invitee_id:
            raise UserError(
                _(
                    "Only {member} can answer this invitation.",
                    member=mention(invitation.invitee_id),
                )
            )
        if invitation.status is not InvitationStatus.PENDING:
            raise UserError(_("This invitation has already been answered."))
        if self.action == "decline":
            declined = await bot.store.invitations.decline(invitation, discord.utils.utcnow())
            await interaction.response.defer()
            await bot.outbox.flush(declined.notices)
        else:
            await self._accept(interaction, invitation)
        if invitation.channel_id is None:
            await self._redraw_legacy(interaction)

    async def _redraw_legacy(self, interaction: discord.Interaction[Any]) -> None:
        """An invitation made before the outbox existed has no outbox row: edit it here, in
        the server's language like every public message."""
        bot = tandem(interaction)
        answered = await bot.store.invitations.invitation(self.invitation_id)
        if interaction.message is not None and interaction.guild_id is not None:
            with speaking(await server_language(bot, interaction.guild_id)):
                content = answered_text(answered)
            await interaction.message.edit(content=content, view=None, allowed_mentions=NO_PINGS)

    async def _accept(self, interaction: discord.Interaction[Any], invitation: Invitation) -> None:
        bot = tandem(interaction)
        await partner_channel(bot, invitation.guild_id)  # before anything is stored
        present = await still_here(bot, invitation.guild_id, invitation.inviter_id)
        if present is None:
            raise UserError(
                # Translators: **Accept** is the invitation's button: use its translation.
                _(
                    "I couldn't check with Discord that {member} is still in this server. "
                    "Please press **Accept** again in a moment.",
                    member=mention(invitation.inviter_id),
                )
            )
        if not present:
            gone = await bot.store.departures.forget_waiting(
                invitation.guild_id, invitation.inviter_id, discord.utils.utcnow()
            )
            await interaction.response.send_message(
                _(
                    "{member} is no longer in this server, so this invitation was withdrawn.",
                    member=mention(invitation.inviter_id),
                ),
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
