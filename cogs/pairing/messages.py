"""What the pairing feature says; kept apart so the wording is easy to find and change.

Messages others read (the welcome, invitations, the farewell) give every moment as a
Discord timestamp, so each reader sees their own clock, and state only what happened
and what comes next: the rules are behind their **How it works** button.
"""

from __future__ import annotations

from datetime import datetime

from bot.models import Cadence, EndCause, Invitation, InvitationStatus, Partnership, Role
from cogs.common.text import mention, moment, shortened, stamp, streak_label, weeks_label

# How much of a member's text a message shows, so it stays short however long the text:
# a course name (up to 100 characters), the reason a pair was ended (up to 300).
COURSE_SHOWN = 40
REASON_SHOWN = 80


def course_of(course: str) -> str:
    """A course name in bold, shortened so the message around it stays short."""
    return f"**{shortened(course, COURSE_SHOWN)}**"


def recurring(first: datetime, cadence: Cadence) -> str:
    """A weekly time as its next occurrence: `<t:..:F> (<t:..:R>), then every week`."""
    return f"{moment(first)}, then {cadence.label()}"


def welcome(partnership: Partnership, first: datetime) -> str:
    """The first message in a pair's thread; `first` is their first check-in."""
    mentor, mentee = partnership.mentor, partnership.mentee
    if mentor is not None and mentee is not None:
        return mentorship_welcome(partnership, mentor, mentee, first)
    one, other = (mention(m) for m in partnership.members)
    return (
        f"👋 Welcome, {one} and {other}! "
        f"You're study partners for {course_of(partnership.course)}.\n"
        f"📅 First check-in: {recurring(first, partnership.cadence)}.\n"
        "In two weeks I'll ask if you want to keep going. This thread is just for you two."
    )


def mentorship_welcome(partnership: Partnership, mentor: int, mentee: int, first: datetime) -> str:
    """A mentorship is asymmetric: only the mentee checks in; the mentor reads along."""
    return (
        f"👋 Welcome, {mention(mentee)} and {mention(mentor)}! {mention(mentor)} mentors "
        f"{mention(mentee)} in {course_of(partnership.course)}.\n"
        f"📅 {mention(mentee)}'s first check-in: {recurring(first, partnership.cadence)}.\n"
        "In two weeks I'll ask if you both want to keep going."
    )


MENTOR_QUESTION = "What can I do for you?"


def mentor_question(mentor: int, mentee: int) -> str:
    """Once a month: the mentee asks their mentor the seed's question (only the mentee is pinged)."""
    return (
        f"💬 {mention(mentee)}, your monthly question for your mentor {mention(mentor)}: "
        f"**“{MENTOR_QUESTION}”** Ask them here, in your own words."
    )


def invitation_text(invitation: Invitation, first: datetime) -> str:
    """The public invitation: who asks whom, and when check-ins would be; `first` the next one."""
    asked = f"{mention(invitation.invitee_id)}, {mention(invitation.inviter_id)} would like you as"
    when = f"{stamp(first)}, then every week"
    if invitation.invitee_role is Role.MENTOR:
        return (
            f"{asked} their **mentor** for {course_of(invitation.course)}: they check in, you read "
            f"along and confirm their milestones.\nTheir check-ins: {when}. Only you can answer."
        )
    return (
        f"{asked} their study partner for {course_of(invitation.course)}.\n"
        f"Check-ins: {when}. Only you can answer."
    )


def answered_text(invitation: Invitation | None) -> str:
    """An invitation once answered or withdrawn: what happened, without buttons."""
    if invitation is None:
        return "This invitation is no longer open."
    who = f"{mention(invitation.invitee_id)}"
    whose = f"{mention(invitation.inviter_id)}'s invitation for {course_of(invitation.course)}"
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
FIRST_IN_LINE = "first in line for your next match"


def farewell(partnership: Partnership, still_judged: int) -> str:
    """Goodbye in the thread, worded for why the pair ended, before it is locked."""
    first, second = partnership.members
    cause, by = partnership.end_cause, partnership.ended_by
    closing = "This thread is now closed; `/partner find` whenever you like."
    if cause is EndCause.ENDED or cause is None:
        who = f"{mention(by)} ended" if by else "Tandem ended"
        reason = partnership.end_reason
        because = f"\n> {shortened(reason, REASON_SHOWN)}" if reason else ""
        text = f"🤝 {who} this partnership. Thank you both for the weeks you shared.{because}"
    elif cause is EndCause.LEFT and by is not None:
        stays = partnership.partner_of(by)
        text = f"🤝 {mention(by)} left the server, so this partnership has ended."
        closing = (
            f"{mention(stays)}, thank you: you're {FIRST_IN_LINE} "
            "(`/partner find`). This thread is now closed."
        )
    else:
        text = (
            f"🤝 This partnership has ended: {_ENDINGS[cause]} No blame, "
            f"{mention(first)} and {mention(second)}. Thank you both."
        )
    one = still_judged == 1
    pledges = (
        f"{still_judged} milestone{'' if one else 's'} due within 48 hours still "
        f"count{'s' if one else ''}: confirm {'it' if one else 'them'} here in time. "
        if still_judged
        else ""
    )
    return f"{text}\n{pledges}{closing}"


def former_partners_note(former: list[int]) -> str:
    """Why a member may wait although someone is queued: that someone was their partner."""
    if not former:
        return ""
    who = ", ".join(mention(m) for m in former)
    return (
        f"\n{who} {'is' if len(former) == 1 else 'are'} waiting too; former partners are "
        "matched again only with `/partner request`."
    )


def queued(course: str, updated: bool, former: list[int]) -> str:
    """`/partner find` with nobody to pair yet."""
    verb = "updated your place" if updated else "added you to the queue"
    return (
        f"⏳ I {verb} for {course_of(course)}. I'll open a private thread as soon as someone with a "
        "similar pace and check-in time joins." + former_partners_note(former)
    )


def waiting(course: str, former: list[int]) -> str:
    """A `/partner status` line for a course the member is queued for."""
    return f"⏳ Waiting for a partner in {course_of(course)}" + former_partners_note(former)


NO_PARTNER = "You don't have a partner yet. Use `/partner find` or `/partner request`."


def status_pair(
    partnership: Partnership, user_id: int, next_checkin: datetime, extras: list[str]
) -> str:
    """One pair in `/partner status`: who and where, the next check-in, then `extras`.

    The next check-in is the real one, with its date: in an every-two-weeks pair's
    off-week it is the one a fortnight away, not the weekday's next occurrence.
    """
    partner = mention(partnership.partner_of(user_id))
    thread = f"<#{partnership.thread_id}>" if partnership.thread_id else "(opening shortly)"
    when = recurring(next_checkin, partnership.cadence)
    role = partnership.role_of(user_id)
    if role is Role.MENTOR:
        head = f"{course_of(partnership.course)} · {thread}"
        checkin = f"🧭 You mentor {partner}: they check in {when}."
    else:
        who = f" · 🌱 your mentor {partner}" if role is Role.MENTEE else f" with {partner}"
        head = f"{course_of(partnership.course)}{who} · {thread}"
        checkin = f"📅 Next check-in: {when}"
    return "\n".join([head, checkin, *([" · ".join(extras)] if extras else [])])


def pool_line(amount: str) -> str:
    return f"💰 Shared pool: {amount}"


def break_line(you: bool, member: int, until: datetime) -> str:
    """Who of the pair is on a planned break (`/pause`), and until when."""
    who = "You are" if you else f"{mention(member)} is"
    return f"🌿 {who} on a planned break until {stamp(until)}"


def streak_line(count: int, weekly: bool) -> str:
    """A streak counts check-in periods of the member's pairs (`streak_label`)."""
    if weekly:
        return f"🔥 Your streak: **{weeks_label(count)}** of check-ins in a row"
    return f"🔥 Your streak: **{streak_label(count, weekly=False)}** in a row"
