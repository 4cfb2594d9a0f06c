"""What the milestone and pool commands say."""

from __future__ import annotations

from bot.ledger import format_amount
from bot.models import (
    EntryKind,
    LedgerEntry,
    Milestone,
    MilestoneAsk,
    MilestoneRequest,
    Partnership,
    RequestStatus,
    SettleProposal,
)
from bot.schedule import describe_in_zone
from cogs.common import capped
from cogs.common.text import mention, when_for_members


def title_of(milestone: Milestone) -> str:
    """A milestone's title; an erased member's milestones keep no words."""
    return milestone.title or "(deleted)"


def stake_text(milestone: Milestone, currency: str) -> str:
    return f"pledge {format_amount(milestone.stake, currency)}" if milestone.stake else "no pledge"


def deadline_text(partnership: Partnership, milestone: Milestone, zones: dict[int, str]) -> str:
    """When a due date ends, for each of the two readers of a thread message."""
    return when_for_members(partnership, milestone.deadline, zones)


def added(
    partnership: Partnership,
    milestone: Milestone,
    goal: str,
    zones: dict[int, str],
    currency: str,
) -> str:
    partner = partnership.partner_of(milestone.owner_id)
    return (
        f"🎯 {mention(milestone.owner_id)} set a milestone for “{goal}”: **{title_of(milestone)}**, "
        f"due {milestone.due_date} (ends {deadline_text(partnership, milestone, zones)}), "
        f"{stake_text(milestone, currency)}. "
        f"{mention(partner)}, you'll be asked to confirm it when it's done."
    )


def done_request(milestone: Milestone, partner: int) -> str:
    return (
        f"✅ {mention(milestone.owner_id)} says **{title_of(milestone)}** is done! "
        f"{mention(partner)}, can you confirm?"
    )


def reschedule_request(
    partnership: Partnership, milestone: Milestone, moved: Milestone, zones: dict[int, str]
) -> str:
    partner = partnership.partner_of(milestone.owner_id)
    return (
        f"📅 {mention(milestone.owner_id)} asks to move **{title_of(milestone)}** from "
        f"{milestone.due_date} to {moved.due_date} (it would end "
        f"{deadline_text(partnership, moved, zones)}). {mention(partner)}, do you agree?"
    )


def missed(milestones: list[Milestone], currency: str) -> str:
    """One message per pair and run of the miss job, however many deadlines passed."""
    lines = [
        f"• {mention(m.owner_id)}: **{title_of(m)}**"
        + (f", {format_amount(m.stake, currency)} to the shared pool" if m.stake else "")
        for m in milestones
    ]
    return (
        "⌛ These milestones passed their deadline without a confirmation:\n"
        + "\n".join(capped(lines))
        + "\nIt happens; set the next one when you're ready."
    )


WITHDRAWN = (
    "This request no longer stands: it was replaced by a newer one, or the partnership "
    "it belonged to changed."
)


def request_outcome(request: MilestoneRequest, milestone: Milestone, partner: int) -> str:
    """A request once answered or withdrawn: what became of it, without buttons."""
    who, title = mention(partner), title_of(milestone)
    if request.status is RequestStatus.VOID:
        return WITHDRAWN
    accepted = request.status is RequestStatus.ACCEPTED
    if request.kind is MilestoneAsk.DONE:
        if accepted:
            return f"🎉 {who} confirmed **{title}**. Well done! The pledge is released."
        return (
            f"{who} doesn't think **{title}** is done yet. Talk it over; there's time until "
            "the deadline."
        )
    if accepted:
        return f"📅 {who} agreed: **{title}** is now due {milestone.due_date}."
    return f"{who} would rather keep **{title}** due {milestone.due_date}."


def settle_outcome(proposal: SettleProposal, currency: str) -> str:
    if proposal.status is not RequestStatus.ACCEPTED:
        return WITHDRAWN
    return (
        f"🤝 Settled {format_amount(proposal.amount, currency)}: “{proposal.note}”. "
        f"The pool is back to {format_amount(0, currency)}."
    )


def settle_request(proposal: SettleProposal, partner: int, currency: str) -> str:
    return (
        f"💸 {mention(proposal.proposer_id)} proposes settling the pool "
        f"({format_amount(proposal.amount, currency)}): “{proposal.note}”. "
        f"{mention(partner)}, press **Confirm** to agree."
    )


def listed(milestone: Milestone, zone: str, currency: str) -> str:
    icons = {"open": "⏳", "confirmed": "✅", "missed": "⌛", "void": "✖️"}
    return (
        f"{icons[milestone.status]} **{title_of(milestone)}**: due {milestone.due_date} "
        f"(ends {describe_in_zone(milestone.deadline, zone)}), "
        f"{stake_text(milestone, currency)}, {milestone.status}"
    )


def entry_line(entry: LedgerEntry, currency: str) -> str:
    when = f"<t:{int(entry.created_at.timestamp())}:d>"
    what = (
        f"missed **{entry.milestone_title or '(deleted)'}**"
        if entry.kind is EntryKind.MISS
        else f"settled: {entry.note}"
    )
    who = mention(entry.member_id) if entry.member_id else "a former member"
    return f"{when} {who} {what}: {format_amount(entry.amount, currency)}"
