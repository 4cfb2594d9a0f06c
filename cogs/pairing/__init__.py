"""Pairing: the matching queue, invitations, partner threads and `/profile`."""

from __future__ import annotations

from bot.app import TandemBot
from cogs.pairing import notices
from cogs.pairing.cog import PairingCog, ProfileCog
from cogs.pairing.views import InvitationButton


async def setup(bot: TandemBot) -> None:
    bot.add_dynamic_items(InvitationButton)
    notices.register(bot.outbox)
    await bot.add_cog(PairingCog(bot))
    await bot.add_cog(ProfileCog(bot))
