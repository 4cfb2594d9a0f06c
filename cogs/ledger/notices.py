"""How the ledger feature's outbox rows are drawn: milestones, requests, misses, settling."""

from __future__ import annotations

from dataclasses import replace

from bot.app import TandemBot
from bot.models import (
    MilestoneStatus,
    NoticeKind,
    Partnership,
    RequestKind,
    RequestStatus,
)
from bot.store.database import from_timestamp
from bot.store.outbox import OutboxRow
from cogs.common.outbox import Outbox, Rendered, outcome, pair_of
from cogs.common.requests import answer_buttons
from cogs.common.threads import member_zones
from cogs.ledger import messages


async def render_missed(
    bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    """One message per pair and run of the miss job; it pings the owners it names."""
    pair = pair_of(partnership)
    missed = await bot.store.milestones.missed_in_run(pair.id, from_timestamp(row.episode))
    if not missed:
        return None
    owners = tuple(dict.fromkeys(m.owner_id for m in missed))
    return Rendered(
        messages.missed(missed, await bot.store.guilds.currency(pair.guild_id)), pings=owners
    )


async def render_milestone_added(
    bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    pair = pair_of(partnership)
    milestone = await bot.store.milestones.milestone(row.episode)
    if milestone is None or milestone.status is MilestoneStatus.VOID:
        return None
    goal = await bot.store.milestones.goal(milestone.goal_id)
    text = messages.added(
        pair,
        milestone,
        goal.text if goal and goal.text else "(deleted)",
        await member_zones(bot, pair),
        await bot.store.guilds.currency(pair.guild_id),
    )
    return Rendered(text, pings=(pair.partner_of(milestone.owner_id),))


async def render_milestone_request(
    bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    """The partner's Confirm / Not yet, while the request still stands."""
    pair = pair_of(partnership)
    store = bot.store.milestones
    request = await store.milestone_request(row.episode)
    milestone = None if request is None else await store.milestone(request.milestone_id)
    if request is None or milestone is None:
        return None
    partner = pair.partner_of(milestone.owner_id)
    if request.status is not RequestStatus.PENDING:
        return outcome(row, Rendered(messages.request_outcome(request, milestone, partner)))
    if request.new_deadline is None or request.new_due_date is None:
        text = messages.done_request(milestone, partner)
    else:
        moved = replace(milestone, due_date=request.new_due_date, deadline=request.new_deadline)
        text = messages.reschedule_request(pair, milestone, moved, await member_zones(bot, pair))
    buttons = answer_buttons(RequestKind.MILESTONE, request.id, decline=True)
    return Rendered(text, buttons=buttons, pings=(partner,))


async def render_settle_proposal(
    bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    pair = pair_of(partnership)
    proposal = await bot.store.ledger.settlement_proposal(row.episode)
    if proposal is None:
        return None
    currency = await bot.store.guilds.currency(pair.guild_id)
    if proposal.status is not RequestStatus.PENDING:
        return outcome(row, Rendered(messages.settle_outcome(proposal, currency)))
    partner = pair.partner_of(proposal.proposer_id)
    text = messages.settle_request(proposal, partner, currency)
    return Rendered(text, buttons=answer_buttons(RequestKind.SETTLE, proposal.id), pings=(partner,))


def register(outbox: Outbox) -> None:
    outbox.register(NoticeKind.MISSED, render_missed)
    outbox.register(NoticeKind.MILESTONE_ADDED, render_milestone_added)
    outbox.register(NoticeKind.MILESTONE_REQUEST, render_milestone_request)
    outbox.register(NoticeKind.SETTLE_PROPOSAL, render_settle_proposal)
