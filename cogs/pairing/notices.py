"""How the pairing feature's outbox rows are drawn: welcome, farewell, invitation."""

from __future__ import annotations

import discord

from bot.app import TandemBot
from bot.models import FORMER_MEMBER, InvitationStatus, NoticeKind, Partnership
from bot.store.outbox import OutboxRow
from cogs.common.outbox import Outbox, Rendered, pair_of
from cogs.common.threads import member_zones
from cogs.pairing import messages
from cogs.pairing.views import InvitationButton


async def render_welcome(
    bot: TandemBot, _row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    assert partnership is not None
    zones = await member_zones(bot, partnership)
    return Rendered(
        messages.welcome(partnership, zones, discord.utils.utcnow()), pings=partnership.members
    )


async def render_farewell(
    bot: TandemBot, _row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    assert partnership is not None
    still_judged = await bot.store.milestones.open_count(partnership.id)
    return Rendered(
        messages.farewell(partnership, still_judged),
        pings=partnership.members,
        close_thread=True,
    )


async def render_invitation(
    bot: TandemBot, row: OutboxRow, _partnership: Partnership | None
) -> Rendered | None:
    """Pending: the invitation with its buttons. Answered or withdrawn: what happened."""
    invitation = await bot.store.invitations.invitation(row.episode)
    if invitation is not None and invitation.status is InvitationStatus.PENDING:
        zone = await bot.store.profiles.zone_of(invitation.guild_id, invitation.invitee_id)
        return Rendered(
            messages.invitation_text(invitation, zone, discord.utils.utcnow()),
            buttons=(
                InvitationButton(invitation.id, "accept"),
                InvitationButton(invitation.id, "decline"),
            ),
            pings=(invitation.invitee_id,),
        )
    return Rendered(messages.answered_text(invitation))


async def render_mentor_question(
    _bot: TandemBot, _row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    """Monthly in a mentorship: the mentee is pinged; the mentor is named, not pinged."""
    pair = pair_of(partnership)
    mentor, mentee = pair.mentor, pair.mentee
    if mentor is None or mentee is None or mentee <= FORMER_MEMBER:
        return None
    return Rendered(messages.mentor_question(mentor, mentee), pings=(mentee,))


async def withdraw_invitation(bot: TandemBot, row: OutboxRow) -> None:
    """An invitation Discord never showed is withdrawn, so it can be asked again."""
    await bot.store.invitations.withdraw_invitation(row.episode, discord.utils.utcnow())


def register(outbox: Outbox) -> None:
    outbox.register(NoticeKind.WELCOME, render_welcome, paired_only=True)
    outbox.register(NoticeKind.FAREWELL, render_farewell)
    outbox.register(NoticeKind.INVITATION, render_invitation, on_give_up=withdraw_invitation)
    outbox.register(NoticeKind.MENTOR_QUESTION, render_mentor_question, paired_only=True)
