"""What the pairing feature says; kept apart so the wording is easy to find and change."""

from __future__ import annotations

from datetime import datetime

from bot.models import EndCause, Invitation, InvitationStatus, Partnership, Role
from bot.schedule import describe_in_zone
from cogs.common.text import mention, times_for_members

QUESTIONS = (
    "1. What did you complete?\n2. What is your goal for next week?\n3. What is blocking you?"
)


def welcome(partnership: Partnership, zones: dict[int, str], now: datetime) -> str:
    first, second = partnership.members
    mentor, mentee = partnership.mentor, partnership.mentee
    if mentor is not None and mentee is not None:
        return mentorship_welcome(partnership, mentor, mentee, zones, now)
    return (
        f"👋 Welcome, {mention(first)} and {mention(second)}! You are accountability partners for "
        f"**{partnership.course}**.\n\n"
        f"**Weekly check-in** (each of you in your own time zone):\n"
        f"{times_for_members(partnership, partnership.weekly.next_after(now), zones)}\n\n"
        f"Each week I'll ask you both three questions:\n{QUESTIONS}\n\n"
        "This is a **two-week trial**: in two weeks I'll ask you both whether you want to keep "
        "going. Either answer is fine. This thread is private to the two of you."
    )


def mentorship_welcome(
    partnership: Partnership, mentor: int, mentee: int, zones: dict[int, str], now: datetime
) -> str:
    """A mentorship is asymmetric: the mentee reports, the mentor confirms and is never quiet."""
    return (
        f"👋 Welcome, {mention(mentee)} and {mention(mentor)}! This is a **mentorship** for "
        f"**{partnership.course}**: {mention(mentor)} mentors {mention(mentee)}.\n\n"
        "**Weekly check-in** (each of you in your own time zone):\n"
        f"{times_for_members(partnership, partnership.weekly.next_after(now), zones)}\n\n"
        f"Each week I'll ask {mention(mentee)} three questions:\n{QUESTIONS}\n\n"
        f"Only {mention(mentee)} checks in and sets goals, milestones and pledges. "
        f"{mention(mentor)}, you see the check-ins here, confirm milestones, and are never "
        f"nudged or counted as quiet. Once a month I'll remind {mention(mentee)} to ask you "
        "what they can do for you.\n\n"
        "This is a **two-week trial**: in two weeks I'll ask you both whether you want to keep "
        "going. Either answer is fine. This thread is private to the two of you."
    )


MENTOR_QUESTION = "What can I do for you?"


def mentor_question(mentor: int, mentee: int) -> str:
    """Once a month: the mentee asks their mentor the seed's question (only the mentee is pinged)."""
    return (
        f"💬 {mention(mentee)}, your monthly question for your mentor {mention(mentor)}: "
        f"**“{MENTOR_QUESTION}”** A mentorship works both ways; ask them here, in your own words."
    )


def invitation_text(invitation: Invitation, invitee_zone: str | None, now: datetime) -> str:
    weekly = invitation.weekly
    yours = ""
    if invitee_zone is not None and invitee_zone != weekly.zone:
        yours = f" (for you: {describe_in_zone(weekly.next_after(now), invitee_zone)})"
    if invitation.invitee_role is Role.MENTOR:
        return (
            f"{mention(invitation.invitee_id)}, {mention(invitation.inviter_id)} would like you as "
            f"their **mentor** for **{invitation.course}**. This is a mentorship: only they check "
            "in and set milestones; you see their check-ins, confirm their milestones, and are "
            "never nudged or counted as quiet.\n"
            f"Weekly check-in: **{weekly.label()}**{yours}. Only you can answer."
        )
    return (
        f"{mention(invitation.invitee_id)}, {mention(invitation.inviter_id)} would like you as "
        f"their accountability partner for **{invitation.course}**.\n"
        f"Weekly check-in: **{weekly.label()}**{yours}. Only you can answer."
    )


def answered_text(invitation: Invitation | None) -> str:
    """An invitation once answered or withdrawn: what happened, without buttons."""
    if invitation is None:
        return "This invitation is no longer open."
    who = f"{mention(invitation.invitee_id)}"
    whose = f"{mention(invitation.inviter_id)}'s invitation for **{invitation.course}**"
    if invitation.status is InvitationStatus.ACCEPTED and invitation.invitee_role is Role.MENTOR:
        return f"✅ {who} accepted {whose} to be their mentor. Their private thread is open."
    if invitation.status is InvitationStatus.ACCEPTED:
        return f"✅ {who} accepted {whose}. Their private thread is open."
    if invitation.status is InvitationStatus.DECLINED:
        return (
            f"{who} declined {whose}. No hard feelings: `/partner find` can match you with someone."
        )
    return f"{whose} is no longer open."


_ENDINGS = {
    EndCause.SWITCH: "one of you chose to switch.",
    EndCause.REMATCH: "one of you asked for a new partner.",
    EndCause.LEFT: "one of you left the server.",
    EndCause.ERASED: "one of you deleted their Tandem data.",
}


def farewell(partnership: Partnership, still_judged: int) -> str:
    """Goodbye in the thread, worded for why the pair ended, before it is locked."""
    first, second = partnership.members
    both = f"{mention(first)} and {mention(second)}"
    cause, by = partnership.end_cause, partnership.ended_by
    if cause is EndCause.ENDED or cause is None:
        who = f"{mention(by)} ended" if by else "Tandem ended"
        because = f"\n> {partnership.end_reason}" if partnership.end_reason else ""
        text = (
            f"🤝 {who} this partnership. Thank you both, {both}, for the weeks you shared.{because}"
        )
    elif cause is EndCause.LEFT and by is not None:
        stays = partnership.partner_of(by)
        text = (
            f"🤝 This partnership has ended because {mention(by)} left the server. "
            f"{mention(stays)}, thank you for showing up: you're first in line at your next "
            "`/partner find`."
        )
    else:
        text = f"🤝 This partnership has ended: {_ENDINGS[cause]} No blame, {both}. Thank you both."
    one = still_judged == 1
    pledges = (
        f"\n{still_judged} milestone{'' if one else 's'} due within 48 hours still "
        f"count{'s' if one else ''}: confirm {'it' if one else 'them'} here before the "
        "deadline, or the pledge goes to the pool."
        if still_judged
        else ""
    )
    return (
        f"{text}{pledges}\nEach of you can use `/partner find` whenever you like. "
        "This thread is now closed."
    )
