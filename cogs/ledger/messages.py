"""What the milestone and pool commands say."""

from __future__ import annotations

from bot.ledger import format_amount
from bot.models import LedgerEntry, Milestone
from cogs.common import capped


def stake_text(milestone: Milestone, currency: str) -> str:
    return f"pledge {format_amount(milestone.stake, currency)}" if milestone.stake else "no pledge"


def added(milestone: Milestone, partner: int, goal: str, zone: str, currency: str) -> str:
    return (
        f"🎯 <@{milestone.owner_id}> set a milestone for “{goal}”: **{milestone.title}**, due "
        f"{milestone.due_date} (end of day, {zone}), {stake_text(milestone, currency)}. "
        f"<@{partner}>, you'll be asked to confirm it when it's done."
    )


def done_request(milestone: Milestone, partner: int) -> str:
    return f"✅ <@{milestone.owner_id}> says **{milestone.title}** is done! <@{partner}>, can you confirm?"


def reschedule_request(milestone: Milestone, partner: int, new_due: str) -> str:
    return (
        f"📅 <@{milestone.owner_id}> asks to move **{milestone.title}** from {milestone.due_date} to "
        f"{new_due}. <@{partner}>, do you agree?"
    )


def missed(milestones: list[Milestone], currency: str) -> str:
    """One message per pair and run of the miss job, however many deadlines passed."""
    lines = [
        f"• <@{m.owner_id}>: **{m.title}**"
        + (f", {format_amount(m.stake, currency)} to the shared pool" if m.stake else "")
        for m in milestones
    ]
    return (
        "⌛ These milestones passed their deadline without a confirmation:\n"
        + "\n".join(capped(lines))
        + "\nIt happens; set the next one when you're ready."
    )


def entry_line(entry: LedgerEntry, currency: str) -> str:
    when = f"<t:{int(entry.created_at.timestamp())}:d>"
    what = (
        f"missed **{entry.milestone_title}**" if entry.kind == "miss" else f"settled: {entry.note}"
    )
    who = f"<@{entry.member_id}>" if entry.member_id else "a former member"
    return f"{when} {who} {what}: {format_amount(entry.amount, currency)}"
