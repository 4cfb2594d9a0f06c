"""What the check-in feature says, in commands and in its reminders.

Messages others read state the outcome and the next step in at most three short lines;
every moment is a Discord timestamp, so each reader sees it in their own clock. The
rules behind them are on the guide's pages (`how_it_works("checkins")`, `"breaks"`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import discord

from bot.cadence import period
from bot.i18n import N_, _, capitalized, ngettext
from bot.models import Cadence, Partnership, Pause
from bot.store.checkins import Answers
from cogs.common.requests import CONFIRM, NOT_YET
from cogs.common.text import Stamp, mention, moment, stamp

# Constants are marked with `N_` and translated where they are shown, with `_`.
QUIET_NUDGE = N_("Hey, just checking in. Hope you're okay. No pressure to reply.")
PROPOSAL_WITHDRAWN = N_(
    "This proposal no longer stands: a newer one replaced it, or the partnership ended."
)
# Translators: the title of a member's posted check-in answers.
CHECKIN_TITLE = N_("Check-in")
ALONE = N_("Your partner is on a break, so it's just you this time.")
# The check-in form: each question, whether it must be answered, and an example answer.
QUESTIONS = {
    "completed": (
        N_("What did you complete?"),
        True,
        N_("e.g. Finished chapter 3 and its exercises"),
    ),
    "next_goal": (
        N_("What is your goal for next week?"),
        True,
        N_("e.g. Chapter 4 and the first quiz"),
    ),
    "blockers": (
        N_("What is blocking you?"),
        False,
        N_("Optional: what slows you down, if anything"),
    ),
}
FORM_TITLE = N_("Weekly check-in")
SCHEDULE_FORM_TITLE = N_("New weekly check-in time")
# The schedule form: each field's label, an example, and its longest value (a day's name
# in any language fits in 20 characters).
SCHEDULE_FIELDS = {
    "day": (N_("Day (Monday to Sunday)"), N_("e.g. Monday"), 20),
    "time": (N_("Time, 24-hour HH:MM"), N_("e.g. 19:00"), 5),
    "zone": (N_("Time zone"), N_("e.g. Europe/Berlin or America/New_York"), 64),
}
# What each answer to the trial question or a review is called, on its button and after.
ANSWER_LABELS = {
    # Translators: a button: go on with this partner.
    "keep": N_("Keep"),
    # Translators: a button: propose another weekly check-in time.
    "change_time": N_("Change time"),
    # Translators: a button: end this partnership kindly and be paired again.
    "switch": N_("Switch"),
}
COME_BACK_EARLY = N_("Come back early")
NOT_YOUR_BREAK = N_("Only the member on this break can end it early.")


def checkin_embed(
    member_id: int,
    answers: Answers,
    week: datetime,
    author: discord.Member | None,
) -> discord.Embed:
    """The answers as the partner sees them in the thread (and nowhere else).

    The author's name and avatar head the card and the check-in's moment is its first
    line, so a month of them can be scanned. A member Discord cannot show now is named
    by a mention, which in an embed never pings anyone.
    """
    when = stamp(week, Stamp.FULL)
    embed = discord.Embed(
        title=_(CHECKIN_TITLE),
        description=when if author is not None else f"{mention(member_id)} · {when}",
        colour=discord.Colour.blurple(),
    )
    if author is not None:
        embed.set_author(name=author.display_name, icon_url=author.display_avatar.url)
    for field, (question, _required, _example) in QUESTIONS.items():
        # Translators: in place of an optional check-in question the member left blank.
        value = getattr(answers, field) or _("Nothing")
        embed.add_field(name=_(question), value=value, inline=False)
    return embed


def _alone(alone: bool) -> str:
    return f"\n{_(ALONE)}" if alone else ""


def heads_up(checkin_at: datetime, wanted: list[int], alone: bool) -> str:
    """For the members who want it (`/profile reminders:`), a day before; `alone` when the
    partner is on a break (and so not named)."""
    who = " ".join(mention(member) for member in wanted)
    text = _(
        "⏰ Heads-up, {members}: your check-in is {when}.", members=who, when=moment(checkin_at)
    )
    return text + _alone(alone)


def checkin_due(addressed: list[int], alone: bool) -> str:
    """To the partners not on a break; a paused partner is not even named, nor a mentor.

    The same words stay once the check-in has closed: only its **Check in** button goes.
    """
    who = " ".join(mention(member) for member in addressed)
    text = _(
        "📝 {members}, it's check-in time! Three short questions, a minute or two.", members=who
    )
    return text + _alone(alone)


def periods_in_weeks(partnership: Partnership, periods: int) -> str:
    """`three weeks` weekly, `six weeks` every two weeks: a span of check-in periods."""
    return weeks_of(partnership.cadence, periods)


def weeks_of(cadence: Cadence, periods: int) -> str:
    """`periods` check-in periods of `cadence`, in weeks."""
    return days_in_words(periods * period(cadence).days)


def days_in_words(days: int) -> str:
    """`two weeks` for 14 days, `20 days` for 20."""
    weeks, rest = divmod(days, 7)
    if rest or weeks < 2:
        return ngettext("{count} day", "{count} days", days)
    if weeks in _IN_WORDS:
        return _(_IN_WORDS[weeks])
    return ngettext("{count} week", "{count} weeks", weeks)


# The spans said in words (a span inside a sentence: "quiet for three weeks").
_IN_WORDS = {
    2: N_("two weeks"),
    3: N_("three weeks"),
    4: N_("four weeks"),
    5: N_("five weeks"),
    6: N_("six weeks"),
    8: N_("eight weeks"),
}


def nudge(member_id: int) -> str:
    return f"{mention(member_id)} {_(QUIET_NUDGE)}"


def rematch_offer(partnership: Partnership, member_id: int) -> str:
    quiet = partnership.partner_of(member_id)
    quiet_for = periods_in_weeks(partnership, 3)
    if not partnership.checks_in(member_id):  # to the mentor of a quiet mentee
        return _(
            "{mentor}, your mentee {mentee} has been quiet for {span}. That's nobody's fault. "
            "You may end this mentorship kindly and go first in line at your next "
            "`/partner find`.",
            mentor=mention(member_id),
            mentee=mention(quiet),
            span=quiet_for,
        )
    return _(
        "{member}, {partner} has been quiet for {span}. That happens, and it's nobody's "
        "fault. You may end this partnership kindly and be paired again, first in line for "
        "your next match.",
        member=mention(member_id),
        partner=mention(quiet),
        span=quiet_for,
    )


def one_sided(partnership: Partnership, member_id: int) -> str:
    quiet = partnership.partner_of(member_id)
    return _(
        "A gentle note: for {span} only {member} has checked in here. {partner}, no pressure. "
        "{member}, you may switch to a partner who can check in now, first in line.",
        span=periods_in_weeks(partnership, 3),
        member=mention(member_id),
        partner=mention(quiet),
    )


def trial_question(partnership: Partnership, answers: Mapping[int, str], due: datetime) -> str:
    """The day-14 (or day-28) question, with each member's answer once given.

    Its age is the one it was asked at (`due`), so a later cadence never rewords it.
    """
    first, second = partnership.members
    age = days_in_words((due - partnership.created_at).days)
    # Translators: {age} is a span such as "two weeks", its first letter made upper-case.
    text = _(
        "🌱 {age} in! {first} {second}, keep going together? **{switch}** ends this "
        "partnership kindly and puts you first in line for your next match.",
        age=capitalized(age),
        switch=_(ANSWER_LABELS["switch"]),
        first=mention(first),
        second=mention(second),
    )
    return text + _chosen(partnership, answers)


def review_question(partnership: Partnership, answers: Mapping[int, str]) -> str:
    """Every eight weeks after the trial: a moment to adjust, not a test."""
    first, second = partnership.members
    text = _(
        "🔄 {first} {second}, time for a short review: is this partnership still helping? "
        "**{keep}**, **{change_time}** or **{switch}**.",
        keep=_(ANSWER_LABELS["keep"]),
        change_time=_(ANSWER_LABELS["change_time"]),
        switch=_(ANSWER_LABELS["switch"]),
        first=mention(first),
        second=mention(second),
    )
    return text + _chosen(partnership, answers)


def _chosen(partnership: Partnership, answers: Mapping[int, str]) -> str:
    """Each member's answer once given, as `• @member chose **Keep**`."""
    return "".join(
        "\n"
        + _(
            "• {member} chose **{answer}**",
            member=mention(member),
            answer=_(ANSWER_LABELS[answers[member]]),
        )
        for member in partnership.members
        if member in answers
    )


def schedule_proposal(partnership: Partnership, proposer: int, first: datetime) -> str:
    """The new time as its first check-in, in each reader's clock, and how it repeats."""
    return _(
        "📅 {proposer} proposes a new check-in time: {first}, then {cadence}.\n"
        "{partner}, press **{confirm}** if that works for you.",
        confirm=_(CONFIRM),
        proposer=mention(proposer),
        first=moment(first),
        cadence=partnership.cadence.label(),
        partner=mention(partnership.partner_of(proposer)),
    )


def schedule_confirmed(partnership: Partnership, first: datetime) -> str:
    return _(
        "✅ New check-in time confirmed: the first is {first}, then {cadence}.",
        first=moment(first),
        cadence=partnership.cadence.label(),
    )


def cadence_proposal(
    partnership: Partnership, proposer: int, cadence: Cadence, first: datetime
) -> str:
    """`first` is the proposed rhythm's next check-in (`bot.cadence.anchored`).

    Towards every two weeks it is the one already planned; back to every week it may
    come sooner (in what was an off-week), so the wording says only what it would be.
    """
    return _(
        "📅 {proposer} proposes checking in **{cadence}** instead of **{current}**, at your "
        "usual time. Next check-in: {first}.\n"
        "{partner}, press **{confirm}** if that works for you, or **{not_yet}**.",
        confirm=_(CONFIRM),
        not_yet=_(NOT_YET),
        proposer=mention(proposer),
        cadence=cadence.label(),
        current=partnership.cadence.label(),
        first=moment(first),
        partner=mention(partnership.partner_of(proposer)),
    )


def cadence_confirmed(cadence: Cadence, first: datetime) -> str:
    return _(
        "✅ From now on you check in **{cadence}**. Next check-in: {first}.",
        cadence=cadence.label(),
        first=moment(first),
    )


def cadence_declined(partnership: Partnership, proposer: int, cadence: Cadence) -> str:
    return _(
        "{partner} would rather not check in {cadence} for now, so nothing changed: you keep "
        "checking in **{current}**.",
        partner=mention(partnership.partner_of(proposer)),
        cadence=cadence.label(),
        current=partnership.cadence.label(),
    )


def break_started(until: datetime) -> str:
    """The `/pause start` reply; the rules are behind **How it works**."""
    return _("🌿 Enjoy your break! You're back {when}.", when=moment(until))


def already_on_break(until: datetime) -> str:
    return _("You are already on a break until {when}.", when=stamp(until))


BACK = N_("👋 Welcome back! Your reminders start again from the next check-in.")
ALREADY_BACK = N_("You are already back from your break.")


def pause_started(partnership: Partnership, pause: Pause) -> str:
    """To the partner: a break is planned, not drifting away."""
    return _(
        "🌿 {partner}, {member} is taking a planned break, back {when}. Your own check-ins "
        "carry on as usual.",
        partner=mention(partnership.partner_of(pause.member_id)),
        member=mention(pause.member_id),
        when=moment(pause.planned_end),
    )


def pause_ended(partnership: Partnership, pause: Pause) -> str:
    return _(
        "👋 {partner}, {member} is back from their break early and checks in with you again "
        "from the next check-in.",
        partner=mention(partnership.partner_of(pause.member_id)),
        member=mention(pause.member_id),
    )


# Voice rooms (`cogs.checkins.calls`).
START_CALL = N_("Start a call")
ADD_NOTES = N_("Add notes")
JOIN_ROOM = N_("Join the room")
VOICE_OFF = N_(
    "Voice rooms are off in this server. A moderator can turn them on with `/setup voice_category`."
)
ROOM_OPENING = N_("🎙️ Your room is being opened; its link will be in your thread.")
ROOM_WAITING = N_(
    "🎙️ Discord did not open your room just now. I'll keep trying and post its link in your thread."
)
ROOM_CLOSED = N_("🎙️ This voice room has closed. `/call` opens another one any time.")
CHANNEL_LIMIT = N_(
    "This server has reached Discord's limit of 500 channels, so I can't open a voice room."
    " A moderator can make space."
)
DISCORD_REFUSED = N_(
    "Discord refused to open a voice room for a missing permission. A moderator can check `/setup`."
)
ROOM_GAVE_UP = N_("🎙️ Discord would not open your voice room. `/call` tries again.")
CATEGORY_GONE = N_(
    "The category for voice rooms is gone. A moderator can choose another with"
    " `/setup voice_category`."
)


def room_open(room: str) -> str:
    return _("🎙️ Your voice room is open: {room}", room=room)


def room_opened(room: str, presser: int | None, partner: int | None) -> str:
    """In the thread: who opened the room, and the partner invited (the one pinged)."""
    if presser is None or partner is None:
        return room_open(room)
    return _(
        "🎙️ {member} opened a voice room for you two: {room}\n{partner}, join when you're ready.",
        member=mention(presser),
        room=room,
        partner=mention(partner),
    )


def missing_for_rooms(permissions: list[str], category: str) -> str:
    # Translators: {permissions} are Discord's names of permissions, as its settings show them.
    return _(
        "I can't open a voice room right now: a moderator needs to give me **{permissions}**"
        " in {category}. You can still check in by writing.",
        permissions=", ".join(permissions),
        category=category,
    )


def call_counted(minutes: int) -> str:
    return ngettext(
        "🎙️ You talked for {minutes} minute: this week's check-in is done",
        "🎙️ You talked for {minutes} minutes: this week's check-in is done",
        minutes,
        minutes=minutes,
    )


def voice_message_counted(member_id: int) -> str:
    return _(
        "🎙️ {member}'s voice message is their check-in for this week.",
        member=mention(member_id),
    )
