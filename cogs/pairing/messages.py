"""What the pairing feature says; kept apart so the wording is easy to find and change.

Messages others read (the welcome, invitations, the farewell) give every moment as a
Discord timestamp, so each reader sees their own clock, and state only what happened
and what comes next: the rules are behind their **How it works** button.
"""

from __future__ import annotations

from datetime import datetime

from babel.lists import format_list

from bot.i18n import N_, _, babel_locale, ngettext
from bot.languages import language_names
from bot.models import Cadence, EndCause, Invitation, InvitationStatus, Partnership, Role
from cogs.common.text import mention, moment, shortened, stamp

# How much of a member's text a message shows, so it stays short however long the text:
# a course name (up to 100 characters), the reason a pair was ended (up to 300).
COURSE_SHOWN = 40
REASON_SHOWN = 80


def course_of(course: str) -> str:
    """A course name in bold, shortened so the message around it stays short."""
    return f"**{shortened(course, COURSE_SHOWN)}**"


def recurring(first: datetime, cadence: Cadence) -> str:
    """A weekly time as its next occurrence: `<t:..:F> (<t:..:R>), then every week`."""
    # Translators: {when} is a date and time; {cadence} is "every week" or "every two weeks".
    return _("{when}, then {cadence}", when=moment(first), cadence=cadence.label())


def welcome(partnership: Partnership, first: datetime) -> str:
    """The first message in a pair's thread; `first` is their first check-in."""
    mentor, mentee = partnership.mentor, partnership.mentee
    if mentor is not None and mentee is not None:
        return mentorship_welcome(partnership, mentor, mentee, first)
    one, other = (mention(m) for m in partnership.members)
    return _(
        "👋 Welcome, {one} and {other}! You're study partners for {course}.\n"
        "📅 First check-in: {when}.\n"
        "In two weeks I'll ask if you want to keep going. This thread is just for you two.",
        one=one,
        other=other,
        course=course_of(partnership.course),
        when=recurring(first, partnership.cadence),
    )


def mentorship_welcome(partnership: Partnership, mentor: int, mentee: int, first: datetime) -> str:
    """A mentorship is asymmetric: only the mentee checks in; the mentor reads along."""
    return _(
        "👋 Welcome, {mentee} and {mentor}! {mentor} mentors {mentee} in {course}.\n"
        "📅 {mentee}'s first check-in: {when}.\n"
        "In two weeks I'll ask if you both want to keep going.",
        mentee=mention(mentee),
        mentor=mention(mentor),
        course=course_of(partnership.course),
        when=recurring(first, partnership.cadence),
    )


# Translators: the question a mentee asks their mentor once a month.
MENTOR_QUESTION = N_("What can I do for you?")


def mentor_question(mentor: int, mentee: int) -> str:
    """Once a month: the mentee asks their mentor the seed's question (only the mentee is pinged)."""
    return _(
        "💬 {mentee}, your monthly question for your mentor {mentor}: "
        "**“{question}”** Ask them here, in your own words.",
        mentee=mention(mentee),
        mentor=mention(mentor),
        question=_(MENTOR_QUESTION),
    )


def invitation_text(invitation: Invitation, first: datetime) -> str:
    """The public invitation: who asks whom, and when check-ins would be; `first` the next one."""
    values = {
        "invitee": mention(invitation.invitee_id),
        "inviter": mention(invitation.inviter_id),
        "course": course_of(invitation.course),
        "when": stamp(first),
    }
    if invitation.invitee_role is Role.MENTOR:
        return _(
            "{invitee}, {inviter} would like you as their **mentor** for {course}: they check "
            "in, you read along and confirm their milestones.\n"
            "Their check-ins: {when}, then every week. Only you can answer.",
            **values,
        )
    return _(
        "{invitee}, {inviter} would like you as their study partner for {course}.\n"
        "Check-ins: {when}, then every week. Only you can answer.",
        **values,
    )


def answered_text(invitation: Invitation | None) -> str:
    """An invitation once answered or withdrawn: what happened, without buttons."""
    if invitation is None:
        return _("This invitation is no longer open.")
    values = {
        "invitee": mention(invitation.invitee_id),
        "inviter": mention(invitation.inviter_id),
        "course": course_of(invitation.course),
    }
    if invitation.status is InvitationStatus.ACCEPTED and invitation.invitee_role is Role.MENTOR:
        return _(
            "✅ {invitee} accepted {inviter}'s invitation for {course} to be their mentor. "
            "Their private thread is open.",
            **values,
        )
    if invitation.status is InvitationStatus.ACCEPTED:
        return _(
            "✅ {invitee} accepted {inviter}'s invitation for {course}. "
            "Their private thread is open.",
            **values,
        )
    if invitation.status is InvitationStatus.DECLINED:
        return _(
            "{invitee} declined {inviter}'s invitation for {course}. "
            "No hard feelings: `/partner find` can match you with someone.",
            **values,
        )
    return _("{inviter}'s invitation for {course} is no longer open.", **values)


# Why a pair ended, completing "🤝 This partnership has ended: …" in the farewell.
_ENDINGS = {
    EndCause.SWITCH: N_("one of you chose to switch."),
    EndCause.REMATCH: N_("one of you asked for a new partner."),
    EndCause.LEFT: N_("one of you left the server."),
    EndCause.ERASED: N_("one of you deleted their Tandem data."),
}


def farewell(partnership: Partnership, still_judged: int) -> str:
    """Goodbye in the thread, worded for why the pair ended, before it is locked."""
    first, second = partnership.members
    cause, by = partnership.end_cause, partnership.ended_by
    closing = _("This thread is now closed; `/partner find` whenever you like.")
    if cause is EndCause.ENDED or cause is None:
        reason = partnership.end_reason
        because = f"\n> {shortened(reason, REASON_SHOWN)}" if reason else ""
        text = (
            _(
                "🤝 {member} ended this partnership. Thank you both for the weeks you shared.",
                member=mention(by),
            )
            if by
            else _("🤝 Tandem ended this partnership. Thank you both for the weeks you shared.")
        ) + because
    elif cause is EndCause.LEFT and by is not None:
        stays = partnership.partner_of(by)
        text = _("🤝 {member} left the server, so this partnership has ended.", member=mention(by))
        closing = _(
            "{member}, thank you: you're first in line for your next match "
            "(`/partner find`). This thread is now closed.",
            member=mention(stays),
        )
    else:
        # Translators: {why} is one of the reasons, such as "one of you chose to switch."
        text = _(
            "🤝 This partnership has ended: {why} No blame, {one} and {other}. Thank you both.",
            why=_(_ENDINGS[cause]),
            one=mention(first),
            other=mention(second),
        )
    if still_judged:
        pledges = ngettext(
            "{count} milestone due within 48 hours still counts: confirm it here in time.",
            "{count} milestones due within 48 hours still count: confirm them here in time.",
            still_judged,
        )
        closing = f"{pledges} {closing}"
    return f"{text}\n{closing}"


def former_partners_note(former: list[int]) -> str:
    """Why a member may wait although someone is queued: that someone was their partner."""
    if not former:
        return ""
    note = ngettext(
        "{members} is waiting too; former partners are matched again only with `/partner request`.",
        "{members} are waiting too; former partners are matched again only with "
        "`/partner request`.",
        len(former),
        members=", ".join(mention(m) for m in former),
    )
    return f"\n{note}"


def queued(course: str, updated: bool, former: list[int]) -> str:
    """`/partner find` with nobody to pair yet."""
    text = (
        _(
            "⏳ I updated your place for {course}. I'll open a private thread as soon as "
            "someone with a similar pace and check-in time joins.",
            course=course_of(course),
        )
        if updated
        else _(
            "⏳ I added you to the queue for {course}. I'll open a private thread as soon as "
            "someone with a similar pace and check-in time joins.",
            course=course_of(course),
        )
    )
    return text + former_partners_note(former)


def waiting(course: str, former: list[int]) -> str:
    """A `/partner status` line for a course the member is queued for."""
    return _("⏳ Waiting for a partner in {course}", course=course_of(course)) + (
        former_partners_note(former)
    )


NO_PARTNER = N_("You don't have a partner yet. Use `/partner find` or `/partner request`.")


def status_pair(
    partnership: Partnership, user_id: int, next_checkin: datetime, extras: list[str]
) -> str:
    """One pair in `/partner status`: who and where, the next check-in, then `extras`.

    The next check-in is the real one, with its date: in an every-two-weeks pair's
    off-week it is the one a fortnight away, not the weekday's next occurrence.
    """
    partner = mention(partnership.partner_of(user_id))
    thread = f"<#{partnership.thread_id}>" if partnership.thread_id else _("(opening shortly)")
    when = recurring(next_checkin, partnership.cadence)
    course = course_of(partnership.course)
    role = partnership.role_of(user_id)
    if role is Role.MENTOR:
        head = f"{course} · {thread}"
        checkin = _("🧭 You mentor {partner}: they check in {when}.", partner=partner, when=when)
    else:
        where = {"course": course, "partner": partner, "thread": thread}
        head = (
            _("{course} · 🌱 your mentor {partner} · {thread}", **where)
            if role is Role.MENTEE
            else _("{course} with {partner} · {thread}", **where)
        )
        checkin = _("📅 Next check-in: {when}", when=when)
    return "\n".join([head, checkin, *([" · ".join(extras)] if extras else [])])


def no_shared_language() -> str:
    """Added to the queue reply when others wait but none stated one of the member's languages."""
    return _("🗣️ Nobody waiting here shares one of your languages yet.")


def language_line(language: str) -> str:
    """A `/partner status` extra: the language of the pair's thread, by name."""
    return _("🗣️ Your thread is in {language}", language=language)


def languages_line(codes: tuple[str, ...]) -> str:
    """The `/profile` line about the languages the member stated, by name."""
    if not codes:
        return _(
            "You haven't stated your languages: use `/profile languages:` to be paired with "
            "partners who share one."
        )
    return _(
        "You study in **{languages}**; a partner who states languages shares one of them.",
        languages=format_list(language_names(codes), locale=babel_locale()),
    )


def pool_line(amount: str) -> str:
    return _("💰 Shared pool: {amount}", amount=amount)


def break_line(you: bool, member: int, until: datetime) -> str:
    """Who of the pair is on a planned break (`/pause`), and until when."""
    if you:
        return _("🌿 You are on a planned break until {when}", when=stamp(until))
    return _(
        "🌿 {member} is on a planned break until {when}", member=mention(member), when=stamp(until)
    )


def streak_line(count: int, weekly: bool) -> str:
    """A streak counts check-in periods of the member's pairs: weeks, unless a pair checks in
    every two weeks, when a period is two weeks and "3 weeks" would halve it."""
    if weekly:
        return ngettext(
            "🔥 Your streak: **{count} week** of check-ins in a row",
            "🔥 Your streak: **{count} weeks** of check-ins in a row",
            count,
        )
    return ngettext(
        "🔥 Your streak: **{count} check-in** in a row",
        "🔥 Your streak: **{count} check-ins** in a row",
        count,
    )
