"""How the pairing feature's outbox rows are drawn: welcome, farewell, invitation."""

from __future__ import annotations

import discord

from bot.app import TandemBot
from bot.models import FORMER_MEMBER, InvitationStatus, NoticeKind, Partnership, Role
from bot.store.outbox import OutboxRow
from cogs.common.guide import how_it_works
from cogs.common.outbox import Outbox, Rendered, pair_of
from cogs.common.threads import awake_members
from cogs.pairing import messages
from cogs.pairing.views import InvitationButton


async def render_welcome(
    bot: TandemBot, _row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    """Who, which course, the first check-in as a timestamp; the rules behind How it works."""
    assert partnership is not None
    first = await bot.store.checkins.next_checkin(partnership, discord.utils.utcnow())
    guide = "partners" if partnership.mentor is None else "mentors"
    return Rendered(
        messages.welcome(partnership, first),
        buttons=(how_it_works(guide),),
        pings=partnership.members,
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
        first = invitation.weekly.next_after(discord.utils.utcnow())
        guide = "mentors" if invitation.invitee_role is Role.MENTOR else "partners"
        return Rendered(
            messages.invitation_text(invitation, first),
            buttons=(
                InvitationButton(invitation.id, "accept"),
                InvitationButton(invitation.id, "decline"),
                how_it_works(guide),
            ),
            pings=(invitation.invitee_id,),
        )
    return Rendered(messages.answered_text(invitation))


async def render_mentor_question(
    bot: TandemBot, _row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    """Monthly in a mentorship: the mentee is pinged (not at night where they are: it can
    wait); the mentor is named, not pinged."""
    pair = pair_of(partnership)
    mentor, mentee = pair.mentor, pair.mentee
    if mentor is None or mentee is None or mentee <= FORMER_MEMBER:
        return None
    pings = await awake_members(bot, pair, (mentee,))
    return Rendered(messages.mentor_question(mentor, mentee), pings=pings)


async def withdraw_invitation(bot: TandemBot, row: OutboxRow) -> None:
    """An invitation Discord never showed is withdrawn, so it can be asked again."""
    await bot.store.invitations.withdraw_invitation(row.episode, discord.utils.utcnow())


def register(outbox: Outbox) -> None:
    outbox.register(NoticeKind.WELCOME, render_welcome, paired_only=True)
    outbox.register(NoticeKind.FAREWELL, render_farewell)
    outbox.register(NoticeKind.INVITATION, render_invitation, on_give_up=withdraw_invitation)
    outbox.register(NoticeKind.MENTOR_QUESTION, render_mentor_question, paired_only=True)
