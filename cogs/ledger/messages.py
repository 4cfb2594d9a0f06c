"""What the milestone and pool commands, notices, buttons and forms say.

Thread notices state what happened and what comes next in at most three short lines;
the rules behind them are in the guide (**How it works**, `/help`). Every moment is a
Discord timestamp, so each reader sees it on their own clock.
"""

from __future__ import annotations

from bot.ledger import format_amount
from bot.models import (
    EntryKind,
    LedgerEntry,
    Milestone,
    MilestoneAsk,
    MilestoneRequest,
    MilestoneStatus,
    RequestStatus,
    SettleProposal,
)
from cogs.common.text import Stamp, mention, shortened, stamp

# How much of a member's text a thread notice shows, so it stays short however long the
# text: a goal, the titles of several milestones in one notice, a settlement's note.
GOAL_SHOWN = 40
TITLE_SHOWN = 80
TITLE_IN_LIST = 20
TITLES_LISTED = 3
MISSED_TITLE = 40
MISSED_LISTED = 2
NOTE_SHOWN = 120

NEW_MILESTONE = "Set a new milestone"
PROPOSE_SETTLING = "Propose settling"


def title_of(milestone: Milestone) -> str:
    """A milestone's title; an erased member's milestones keep no words."""
    return milestone.title or "(deleted)"


def pledge_text(milestone: Milestone, currency: str) -> str:
    return f"pledge {format_amount(milestone.stake, currency)}" if milestone.stake else "no pledge"


def due_by(milestone: Milestone) -> str:
    """The deadline as the moment it passes, and how far off it is, in each reader's clock."""
    return f"due by {stamp(milestone.deadline)} ({stamp(milestone.deadline, Stamp.RELATIVE)})"


def _more(count: int) -> str:
    return f" and {count} more" if count > 0 else ""


def added(milestones: list[Milestone], goal: str | None, partner: int, currency: str) -> str:
    """One notice for the milestones a member added within a minute (oldest first).

    `goal` is None when they belong to different goals.
    """
    first, count = milestones[0], len(milestones)
    owner = mention(first.owner_id)
    for_goal = "" if goal is None else f" for “{shortened(goal, GOAL_SHOWN)}”"
    if count == 1:
        title = shortened(title_of(first), TITLE_SHOWN)
        return (
            f"🎯 {owner} set a milestone{for_goal}: **{title}**, {due_by(first)}, "
            f"{pledge_text(first, currency)}.\n{mention(partner)} confirms it when it's done."
        )
    listed = ", ".join(
        f"**{shortened(title_of(m), TITLE_IN_LIST)}** ({stamp(m.deadline, Stamp.RELATIVE)})"
        for m in milestones[:TITLES_LISTED]
    )
    pledged = sum(m.stake for m in milestones)
    pledges = f", pledging {format_amount(pledged, currency)}" if pledged else ""
    return (
        f"🎯 {owner} set {count} milestones{for_goal}{pledges}:\n"
        f"{listed}{_more(count - TITLES_LISTED)}\n{mention(partner)} confirms each when it's done."
    )


def done_request(milestone: Milestone, partner: int) -> str:
    return (
        f"✅ {mention(milestone.owner_id)} says **{title_of(milestone)}** is done! "
        f"{mention(partner)}, can you confirm?"
    )


def reschedule_request(milestone: Milestone, moved: Milestone, partner: int) -> str:
    return (
        f"📅 {mention(milestone.owner_id)} asks to move **{title_of(milestone)}** to "
        f"{stamp(moved.deadline)} (now {stamp(milestone.deadline)}).\n"
        f"{mention(partner)}, do you agree?"
    )


def missed(milestones: list[Milestone], currency: str) -> str:
    """One notice per pair and run of the miss job, however many deadlines passed."""
    owners = list(dict.fromkeys(m.owner_id for m in milestones))
    if len(milestones) == 1:
        titles = f"**{title_of(milestones[0])}**"
    else:
        shown = milestones[:MISSED_LISTED]
        titles = ", ".join(
            ("" if len(owners) == 1 else f"{mention(m.owner_id)}'s ")
            + f"**{shortened(title_of(m), MISSED_TITLE)}**"
            for m in shown
        ) + _more(len(milestones) - len(shown))
    who = f"{mention(owners[0])} missed" if len(owners) == 1 else "Missed:"
    charged = sum(m.stake for m in milestones)
    pool = f": {format_amount(charged, currency)} went to your shared pool" if charged else ""
    return f"⌛ {who} {titles}{pool}.\nIt happens. Set the next one when you're ready."


WITHDRAWN = "This request no longer stands: a newer one replaced it, or the partnership changed."


def kept_pledge(milestone: Milestone, currency: str) -> str:
    """What a confirmation means for the pledge, in plain words."""
    if not milestone.stake:
        return "No pledge was riding on it."
    amount = format_amount(milestone.stake, currency)
    return f"Nothing goes to the pool: the pledge of {amount} stays theirs."


def request_outcome(
    request: MilestoneRequest, milestone: Milestone, partner: int, currency: str
) -> str:
    """A request once answered or withdrawn: what became of it, without buttons."""
    who, title = mention(partner), title_of(milestone)
    if request.status is RequestStatus.VOID:
        return WITHDRAWN
    accepted = request.status is RequestStatus.ACCEPTED
    if request.kind is MilestoneAsk.DONE:
        if accepted:
            return (
                f"🎉 {mention(milestone.owner_id)} finished **{title}**, confirmed by {who}!\n"
                f"{kept_pledge(milestone, currency)}"
            )
        return (
            f"{who} doesn't think **{title}** is done yet. Talk it over: the deadline is "
            f"{stamp(milestone.deadline, Stamp.RELATIVE)}."
        )
    if accepted:
        return f"📅 {who} agreed: **{title}** is now {due_by(milestone)}."
    return f"{who} would rather keep **{title}** due by {stamp(milestone.deadline)}."


def _note(proposal: SettleProposal) -> str:
    return shortened(proposal.note, NOTE_SHOWN)


def settle_outcome(proposal: SettleProposal, currency: str) -> str:
    if proposal.status is not RequestStatus.ACCEPTED:
        return WITHDRAWN
    return (
        f"🤝 Settled {format_amount(proposal.amount, currency)}: “{_note(proposal)}”. "
        f"The pool is back to {format_amount(0, currency)}."
    )


def settle_request(proposal: SettleProposal, partner: int, currency: str) -> str:
    return (
        f"💸 {mention(proposal.proposer_id)} proposes settling the pool of "
        f"{format_amount(proposal.amount, currency)}: “{_note(proposal)}”.\n"
        f"{mention(partner)}, press **Confirm** to agree."
    )


# -- private replies -----------------------------------------------------------------
def milestone_added(milestone: Milestone, currency: str) -> str:
    return (
        f"Milestone **{title_of(milestone)}** added, {due_by(milestone)}, "
        f"{pledge_text(milestone, currency)}."
    )


def milestone_repeated(milestone: Milestone) -> str:
    return (
        f"You already added **{title_of(milestone)}**, {due_by(milestone)}; nothing new was stored."
    )


NO_MILESTONES = "You have no milestones yet. Add one with `/milestone add`."
_ICONS = {
    MilestoneStatus.OPEN: "⏳",
    MilestoneStatus.CONFIRMED: "✅",
    MilestoneStatus.MISSED: "⌛",
    MilestoneStatus.VOID: "✖️",
}


def listed(milestone: Milestone, currency: str) -> str:
    return (
        f"{_ICONS[milestone.status]} **{title_of(milestone)}**: {due_by(milestone)}, "
        f"{pledge_text(milestone, currency)}, {milestone.status}"
    )


def entry_line(entry: LedgerEntry, currency: str) -> str:
    when = stamp(entry.created_at, Stamp.DATE)
    what = (
        f"missed **{entry.milestone_title or '(deleted)'}**"
        if entry.kind is EntryKind.MISS
        else f"settled: {entry.note}"
    )
    who = mention(entry.member_id) if entry.member_id else "a former member"
    return f"{when} {who} {what}: {format_amount(entry.amount, currency)}"


# -- the new-milestone and settling forms ---------------------------------------------
NOT_YOUR_MISS = (
    "This button is for the member whose milestone was missed. "
    "Add one of your own with `/milestone add`."
)
GOAL_CLOSED = "That goal is closed now. Set a new one with `/goal set`, then add milestones to it."
MILESTONE_FORM_TITLE = "New milestone"
FORM_TITLE_LABEL = "What you will have done"
FORM_TITLE_EXAMPLE = "For example: Pass the Module 3 quiz"
FORM_DUE_LABEL = "Due date (YYYY-MM-DD)"
FORM_PLEDGE_LABEL = "Pledge (0 for none)"


def form_due_example(day: str) -> str:
    return f"For example {day}"


def form_pledge_hint(max_stake: int, currency: str) -> str:
    return f"0 to {max_stake} {currency}"


SETTLE_FORM_TITLE = "Propose settling the pool"
SETTLE_NOTE_LABEL = "What was the pool used for?"
SETTLE_NOTE_EXAMPLE = "For example: pizza for the study group"


def settle_saved(amount: str) -> str:
    return f"Proposal to settle {amount} saved."


def settle_repeated(amount: str) -> str:
    return f"You already proposed settling {amount}; your partner hasn't answered yet."
