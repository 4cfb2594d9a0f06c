"""How the ledger feature's outbox rows are drawn: milestones, requests, misses, settling."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import discord

from bot.app import TandemBot
from bot.i18n import _
from bot.models import (
    NoticeKind,
    Partnership,
    RequestKind,
    RequestStatus,
)
from bot.store.database import from_timestamp
from bot.store.outbox import OutboxRow
from cogs.common.guide import how_it_works
from cogs.common.outbox import Outbox, Rendered, outcome, pair_of
from cogs.common.requests import answer_buttons
from cogs.common.threads import awake_members
from cogs.ledger import messages
from cogs.ledger.views import NewMilestoneButton


async def render_missed(
    bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    """One message per pair and run of the miss job, with **Set a new milestone** while the
    pair lasts. It pings the owners it names, unless it is night where they are: a missed
    deadline can wait until they look (`bot.quiet_hours`)."""
    pair = pair_of(partnership)
    missed = await bot.store.milestones.missed_in_run(pair.id, from_timestamp(row.episode))
    if not missed:
        return None
    owners = tuple(dict.fromkeys(m.owner_id for m in missed))
    text = messages.missed(missed, await bot.store.guilds.currency(pair.guild_id))
    buttons: list[discord.ui.Item[Any]] = [how_it_works("milestones")]
    if pair.ended_at is None:
        buttons.insert(0, NewMilestoneButton(pair.id, row.episode))
    return Rendered(text, buttons=tuple(buttons), pings=await awake_members(bot, pair, owners))


async def render_milestone_added(
    bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    """The milestones a member added within a minute, in one message that pings the partner
    once (and not at night where the partner is: this can wait)."""
    pair = pair_of(partnership)
    store = bot.store.milestones
    milestones = await store.added_together(row.episode)
    if not milestones:
        return None
    goals = {m.goal_id for m in milestones}
    goal = await store.goal(goals.pop()) if len(goals) == 1 else None
    partner = pair.partner_of(milestones[0].owner_id)
    text = messages.added(
        milestones,
        None if goal is None else goal.text or _(messages.DELETED),
        partner,
        await bot.store.guilds.currency(pair.guild_id),
    )
    pings = await awake_members(bot, pair, (partner,))
    return Rendered(text, buttons=(how_it_works("milestones"),), pings=pings)


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
        currency = await bot.store.guilds.currency(pair.guild_id)
        said = messages.request_outcome(request, milestone, partner, currency)
        return outcome(row, Rendered(said))
    if request.new_deadline is None or request.new_due_date is None:
        text = messages.done_request(milestone, partner)
    else:
        moved = replace(milestone, due_date=request.new_due_date, deadline=request.new_deadline)
        text = messages.reschedule_request(milestone, moved, partner)
    buttons = answer_buttons(RequestKind.MILESTONE, request.id, decline=True)
    return Rendered(text, buttons=buttons, pings=(partner,))


async def render_settle_proposal(
    bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    """The partner's **Confirm**; it can wait, so it pings nobody at night where they are."""
    pair = pair_of(partnership)
    proposal = await bot.store.ledger.settlement_proposal(row.episode)
    if proposal is None:
        return None
    currency = await bot.store.guilds.currency(pair.guild_id)
    if proposal.status is not RequestStatus.PENDING:
        return outcome(row, Rendered(messages.settle_outcome(proposal, currency)))
    partner = pair.partner_of(proposal.proposer_id)
    text = messages.settle_request(proposal, partner, currency)
    buttons = answer_buttons(RequestKind.SETTLE, proposal.id)
    return Rendered(text, buttons=buttons, pings=await awake_members(bot, pair, (partner,)))


def register(outbox: Outbox) -> None:
    outbox.register(NoticeKind.MISSED, render_missed)
    outbox.register(NoticeKind.MILESTONE_ADDED, render_milestone_added)
    outbox.register(NoticeKind.MILESTONE_REQUEST, render_milestone_request)
    outbox.register(NoticeKind.SETTLE_PROPOSAL, render_settle_proposal)
