"""What the milestone and pool commands, notices, buttons and forms say.

Thread notices state what happened and what comes next in at most three short lines;
the rules behind them are in the guide (**How it works**, `/help`). Every moment is a
Discord timestamp, so each reader sees it on their own clock.
"""

from __future__ import annotations

from bot.i18n import N_, _, ngettext
from bot.ledger import currency_label, format_amount
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
from cogs.common.requests import CONFIRM
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

# Constants are marked with `N_` and translated where they are shown, with `_`.
NEW_MILESTONE = N_("Set a new milestone")
PROPOSE_SETTLING = N_("Propose settling")
# Translators: in place of a goal or milestone title whose member erased their data.
DELETED = N_("(deleted)")
# What each milestone status is called in `/milestone list` and refusals.
STATUSES = {
    # Translators: a milestone's status: waiting for its deadline or its confirmation.
    MilestoneStatus.OPEN: N_("open"),
    # Translators: a milestone's status: the partner confirmed it was done.
    MilestoneStatus.CONFIRMED: N_("confirmed"),
    # Translators: a milestone's status: its deadline passed before it was confirmed.
    MilestoneStatus.MISSED: N_("missed"),
    # Translators: a milestone's status: it no longer counts, its partnership ended.
    MilestoneStatus.VOID: N_("void"),
}


def title_of(milestone: Milestone) -> str:
    """A milestone's title; an erased member's milestones keep no words."""
    return milestone.title or _(DELETED)


def status_of(milestone: Milestone) -> str:
    return _(STATUSES[milestone.status])


def pledge_text(milestone: Milestone, currency: str) -> str:
    if not milestone.stake:
        # Translators: part of a sentence about a milestone: nothing was pledged on it.
        return _("no pledge")
    # Translators: part of a sentence about a milestone: what was pledged on it, "pledge 5 points".
    return _("pledge {amount}", amount=format_amount(milestone.stake, currency))


def _due(milestone: Milestone) -> dict[str, str]:
    """The deadline as the moment it passes, and how far off it is, in each reader's clock."""
    return {
        "deadline": stamp(milestone.deadline),
        "countdown": stamp(milestone.deadline, Stamp.RELATIVE),
    }


def _more(count: int) -> str:
    if count <= 0:
        return ""
    # Translators: after a list of milestones: how many more there are.
    return " " + ngettext("and {count} more", "and {count} more", count)


def added(milestones: list[Milestone], goal: str | None, partner: int, currency: str) -> str:
    """One notice for the milestones a member added within a minute (oldest first).

    `goal` is None when they belong to different goals.
    """
    first, count = milestones[0], len(milestones)
    owner = mention(first.owner_id)
    shown_goal = None if goal is None else shortened(goal, GOAL_SHOWN)
    if count == 1:
        values = {
            "owner": owner,
            "goal": shown_goal,
            "title": shortened(title_of(first), TITLE_SHOWN),
            "pledge": pledge_text(first, currency),
            **_due(first),
        }
        said = (
            _(
                "🎯 {owner} set a milestone: **{title}**, due by {deadline} ({countdown}), "
                "{pledge}.",
                **values,
            )
            if goal is None
            else _(
                "🎯 {owner} set a milestone for “{goal}”: **{title}**, due by {deadline} "
                "({countdown}), {pledge}.",
                **values,
            )
        )
        return said + "\n" + _("{partner} confirms it when it's done.", partner=mention(partner))
    listed = ", ".join(
        f"**{shortened(title_of(m), TITLE_IN_LIST)}** ({stamp(m.deadline, Stamp.RELATIVE)})"
        for m in milestones[:TITLES_LISTED]
    )
    header = _several(owner, count, shown_goal, sum(m.stake for m in milestones), currency)
    return f"{header}\n{listed}{_more(count - TITLES_LISTED)}\n" + _(
        "{partner} confirms each when it's done.", partner=mention(partner)
    )


def _several(owner: str, count: int, goal: str | None, pledged: int, currency: str) -> str:
    """The first line of a notice about several milestones added together."""
    values = {"owner": owner, "goal": goal, "amount": format_amount(pledged, currency)}
    if goal is None and not pledged:
        return ngettext(
            "🎯 {owner} set {count} milestone:",
            "🎯 {owner} set {count} milestones:",
            count,
            **values,
        )
    if goal is None:
        return ngettext(
            "🎯 {owner} set {count} milestone, pledging {amount}:",
            "🎯 {owner} set {count} milestones, pledging {amount}:",
            count,
            **values,
        )
    if not pledged:
        return ngettext(
            "🎯 {owner} set {count} milestone for “{goal}”:",
            "🎯 {owner} set {count} milestones for “{goal}”:",
            count,
            **values,
        )
    return ngettext(
        "🎯 {owner} set {count} milestone for “{goal}”, pledging {amount}:",
        "🎯 {owner} set {count} milestones for “{goal}”, pledging {amount}:",
        count,
        **values,
    )


def done_request(milestone: Milestone, partner: int) -> str:
    return _(
        "✅ {owner} says **{title}** is done! {partner}, can you confirm?",
        owner=mention(milestone.owner_id),
        title=title_of(milestone),
        partner=mention(partner),
    )


def reschedule_request(milestone: Milestone, moved: Milestone, partner: int) -> str:
    return _(
        "📅 {owner} asks to move **{title}** to {new_deadline} (now {deadline}).\n"
        "{partner}, do you agree?",
        owner=mention(milestone.owner_id),
        title=title_of(milestone),
        new_deadline=stamp(moved.deadline),
        deadline=stamp(milestone.deadline),
        partner=mention(partner),
    )


def missed(milestones: list[Milestone], currency: str) -> str:
    """One notice per pair and run of the miss job, however many deadlines passed."""
    owners = list(dict.fromkeys(m.owner_id for m in milestones))
    if len(milestones) == 1:
        titles = f"**{title_of(milestones[0])}**"
    else:
        shown = milestones[:MISSED_LISTED]
        titles = ", ".join(
            f"**{shortened(title_of(m), MISSED_TITLE)}**"
            if len(owners) == 1
            # Translators: a milestone and whose it is, in a list of missed milestones.
            else _(
                "{member}'s **{title}**",
                member=mention(m.owner_id),
                title=shortened(title_of(m), MISSED_TITLE),
            )
            for m in shown
        ) + _more(len(milestones) - len(shown))
    charged = sum(m.stake for m in milestones)
    values = {
        "member": mention(owners[0]),
        "milestones": titles,
        "amount": format_amount(charged, currency),
    }
    if len(owners) == 1:
        said = (
            _("⌛ {member} missed {milestones}: {amount} went to your shared pool.", **values)
            if charged
            else _("⌛ {member} missed {milestones}.", **values)
        )
    else:
        said = (
            _("⌛ Missed: {milestones}: {amount} went to your shared pool.", **values)
            if charged
            else _("⌛ Missed: {milestones}.", **values)
        )
    return said + "\n" + _("It happens. Set the next one when you're ready.")


WITHDRAWN = N_(
    "This request no longer stands: a newer one replaced it, or the partnership changed."
)


def kept_pledge(milestone: Milestone, currency: str) -> str:
    """What a confirmation means for the pledge, in plain words."""
    if not milestone.stake:
        return _("No pledge was riding on it.")
    return _(
        "Nothing goes to the pool: the pledge of {amount} stays theirs.",
        amount=format_amount(milestone.stake, currency),
    )


def request_outcome(
    request: MilestoneRequest, milestone: Milestone, partner: int, currency: str
) -> str:
    """A request once answered or withdrawn: what became of it, without buttons."""
    if request.status is RequestStatus.VOID:
        return _(WITHDRAWN)
    values = {"partner": mention(partner), "title": title_of(milestone), **_due(milestone)}
    accepted = request.status is RequestStatus.ACCEPTED
    if request.kind is MilestoneAsk.DONE:
        if accepted:
            finished = _(
                "🎉 {owner} finished **{title}**, confirmed by {partner}!",
                owner=mention(milestone.owner_id),
                **values,
            )
            return f"{finished}\n{kept_pledge(milestone, currency)}"
        return _(
            "{partner} doesn't think **{title}** is done yet. Talk it over: the deadline is "
            "{countdown}.",
            **values,
        )
    if accepted:
        return _(
            "📅 {partner} agreed: **{title}** is now due by {deadline} ({countdown}).", **values
        )
    return _("{partner} would rather keep **{title}** due by {deadline}.", **values)


def _note(proposal: SettleProposal) -> str:
    return shortened(proposal.note, NOTE_SHOWN)


def settle_outcome(proposal: SettleProposal, currency: str) -> str:
    if proposal.status is not RequestStatus.ACCEPTED:
        return _(WITHDRAWN)
    return _(
        "🤝 Settled {amount}: “{note}”. The pool is back to {zero}.",
        amount=format_amount(proposal.amount, currency),
        note=_note(proposal),
        zero=format_amount(0, currency),
    )


def settle_request(proposal: SettleProposal, partner: int, currency: str) -> str:
    # Translators: {button} is the label of the Confirm button under this message.
    return _(
        "💸 {member} proposes settling the pool of {amount}: “{note}”.\n"
        "{partner}, press **{button}** to agree.",
        member=mention(proposal.proposer_id),
        amount=format_amount(proposal.amount, currency),
        note=_note(proposal),
        partner=mention(partner),
        button=_(CONFIRM),
    )


# -- private replies -----------------------------------------------------------------
def milestone_added(milestone: Milestone, currency: str) -> str:
    return _(
        "Milestone **{title}** added, due by {deadline} ({countdown}), {pledge}.",
        title=title_of(milestone),
        pledge=pledge_text(milestone, currency),
        **_due(milestone),
    )


def milestone_repeated(milestone: Milestone) -> str:
    return _(
        "You already added **{title}**, due by {deadline} ({countdown}); nothing new was stored.",
        title=title_of(milestone),
        **_due(milestone),
    )


NO_MILESTONES = N_("You have no milestones yet. Add one with `/milestone add`.")
_ICONS = {
    MilestoneStatus.OPEN: "⏳",
    MilestoneStatus.CONFIRMED: "✅",
    MilestoneStatus.MISSED: "⌛",
    MilestoneStatus.VOID: "✖️",
}


def listed(milestone: Milestone, currency: str) -> str:
    # Translators: one line of `/milestone list`; {status} is open, confirmed, missed or void.
    line = _(
        "**{title}**: due by {deadline} ({countdown}), {pledge}, {status}",
        title=title_of(milestone),
        pledge=pledge_text(milestone, currency),
        status=status_of(milestone),
        **_due(milestone),
    )
    return f"{_ICONS[milestone.status]} {line}"


def entry_line(entry: LedgerEntry, currency: str) -> str:
    values = {
        "when": stamp(entry.created_at, Stamp.DATE),
        # Translators: who an entry of the pool is about, once they left the server.
        "member": mention(entry.member_id) if entry.member_id else _("a former member"),
        "amount": format_amount(entry.amount, currency),
    }
    if entry.kind is EntryKind.MISS:
        return _(
            "{when} {member} missed **{title}**: {amount}",
            title=entry.milestone_title or _(DELETED),
            **values,
        )
    return _("{when} {member} settled: {note}: {amount}", note=entry.note, **values)


# -- the new-milestone and settling forms ---------------------------------------------
NOT_YOUR_MISS = N_(
    "This button is for the member whose milestone was missed. "
    "Add one of your own with `/milestone add`."
)
GOAL_CLOSED = N_(
    "That goal is closed now. Set a new one with `/goal set`, then add milestones to it."
)
MILESTONE_FORM_TITLE = N_("New milestone")
FORM_TITLE_LABEL = N_("What you will have done")
FORM_TITLE_EXAMPLE = N_("For example: Pass the Module 3 quiz")
FORM_DUE_LABEL = N_("Due date (YYYY-MM-DD)")
FORM_PLEDGE_LABEL = N_("Pledge (0 for none)")


def form_due_example(day: str) -> str:
    return _("For example {day}", day=day)


def form_pledge_hint(max_stake: int, currency: str) -> str:
    # Translators: the hint in the pledge field: from 0 to the server's largest pledge.
    return _("0 to {max_stake} {currency}", max_stake=max_stake, currency=currency_label(currency))


SETTLE_FORM_TITLE = N_("Propose settling the pool")
SETTLE_NOTE_LABEL = N_("What was the pool used for?")
SETTLE_NOTE_EXAMPLE = N_("For example: pizza for the study group")


def settle_saved(amount: str) -> str:
    return _("Proposal to settle {amount} saved.", amount=amount)


def settle_repeated(amount: str) -> str:
    return _(
        "You already proposed settling {amount}; your partner hasn't answered yet.",
        amount=amount,
    )
