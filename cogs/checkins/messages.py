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
from bot.models import Cadence, Partnership, Pause
from bot.store.checkins import Answers
from cogs.common.text import Stamp, mention, moment, stamp

QUIET_NUDGE = "Hey, just checking in. Hope you're okay. No pressure to reply."
PROPOSAL_WITHDRAWN = (
    "This proposal no longer stands: a newer one replaced it, or the partnership ended."
)
CHECKIN_TITLE = "Check-in"
ALONE = "Your partner is on a break, so it's just you this time."
# The check-in form: each question, whether it must be answered, and an example answer.
QUESTIONS = {
    "completed": ("What did you complete?", True, "e.g. Finished chapter 3 and its exercises"),
    "next_goal": ("What is your goal for next week?", True, "e.g. Chapter 4 and the first quiz"),
    "blockers": ("What is blocking you?", False, "Optional: what slows you down, if anything"),
}
FORM_TITLE = "Weekly check-in"
SCHEDULE_FORM_TITLE = "New weekly check-in time"
# The schedule form: each field's label, an example, and its longest value.
SCHEDULE_FIELDS = {
    "day": ("Day (Monday to Sunday)", "e.g. Monday", 9),
    "time": ("Time, 24-hour HH:MM", "e.g. 19:00", 5),
    "zone": ("Time zone", "e.g. Europe/Berlin or America/New_York", 64),
}
COME_BACK_EARLY = "Come back early"
NOT_YOUR_BREAK = "Only the member on this break can end it early."


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
        title=CHECKIN_TITLE,
        description=when if author is not None else f"{mention(member_id)} · {when}",
        colour=discord.Colour.blurple(),
    )
    if author is not None:
        embed.set_author(name=author.display_name, icon_url=author.display_avatar.url)
    for field, (question, _required, _example) in QUESTIONS.items():
        value = getattr(answers, field) or "Nothing"
        embed.add_field(name=question, value=value, inline=False)
    return embed


def _alone(alone: bool) -> str:
    return f"\n{ALONE}" if alone else ""


def heads_up(checkin_at: datetime, wanted: list[int], alone: bool) -> str:
    """For the members who want it (`/profile reminders:`), a day before; `alone` when the
    partner is on a break (and so not named)."""
    who = " ".join(mention(member) for member in wanted)
    return f"⏰ Heads-up, {who}: your check-in is {moment(checkin_at)}.{_alone(alone)}"


def checkin_due(addressed: list[int], alone: bool) -> str:
    """To the partners not on a break; a paused partner is not even named, nor a mentor.

    The same words stay once the check-in has closed: only its **Check in** button goes.
    """
    who = " ".join(mention(member) for member in addressed)
    return f"📝 {who}, it's check-in time! Three short questions, a minute or two.{_alone(alone)}"


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
        return f"{days} days"
    return f"{_NUMBERS.get(weeks, str(weeks))} weeks"


_NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 8: "eight"}


def nudge(member_id: int) -> str:
    return f"{mention(member_id)} {QUIET_NUDGE}"


# What going first in line is for, said wherever a member is offered it.
FIRST_IN_LINE = "first in line for your next match"


def rematch_offer(partnership: Partnership, member_id: int) -> str:
    quiet = partnership.partner_of(member_id)
    quiet_for = periods_in_weeks(partnership, 3)
    if not partnership.checks_in(member_id):  # to the mentor of a quiet mentee
        return (
            f"{mention(member_id)}, your mentee {mention(quiet)} has been quiet for {quiet_for}. "
            "That's nobody's fault. You may end this mentorship kindly and go first in line "
            "at your next `/partner find`."
        )
    return (
        f"{mention(member_id)}, {mention(quiet)} has been quiet for {quiet_for}. That happens, "
        "and it's nobody's fault. You may end this partnership kindly and be paired again, "
        f"{FIRST_IN_LINE}."
    )


def one_sided(partnership: Partnership, member_id: int) -> str:
    quiet = partnership.partner_of(member_id)
    return (
        f"A gentle note: for {periods_in_weeks(partnership, 3)} only {mention(member_id)} has "
        f"checked in here. {mention(quiet)}, no pressure. {mention(member_id)}, you may switch "
        "to a partner who can check in now, first in line."
    )


def trial_question(partnership: Partnership, answers: Mapping[int, str], due: datetime) -> str:
    """The day-14 (or day-28) question, with each member's answer once given.

    Its age is the one it was asked at (`due`), so a later cadence never rewords it.
    """
    first, second = partnership.members
    age = days_in_words((due - partnership.created_at).days)
    return (
        f"🌱 {age.capitalize()} in! {mention(first)} {mention(second)}, keep going together? "
        f"**Switch** ends this partnership kindly and puts you {FIRST_IN_LINE}."
        f"{_chosen(partnership, answers)}"
    )


def review_question(partnership: Partnership, answers: Mapping[int, str]) -> str:
    """Every eight weeks after the trial: a moment to adjust, not a test."""
    first, second = partnership.members
    return (
        f"🔄 {mention(first)} {mention(second)}, time for a short review: is this partnership "
        "still helping? **Keep**, **Change time** or **Switch**."
        f"{_chosen(partnership, answers)}"
    )


def _chosen(partnership: Partnership, answers: Mapping[int, str]) -> str:
    """Each member's answer once given, as `• @member chose **Keep**`."""
    return "".join(
        f"\n• {mention(member)} chose **{answers[member].replace('_', ' ').capitalize()}**"
        for member in partnership.members
        if member in answers
    )


SCHEDULE_PROPOSED = "proposes a new check-in time"


def schedule_proposal(partnership: Partnership, proposer: int, first: datetime) -> str:
    """The new time as its first check-in, in each reader's clock, and how it repeats."""
    other = partnership.partner_of(proposer)
    return (
        f"📅 {mention(proposer)} {SCHEDULE_PROPOSED}: {moment(first)}, then "
        f"{partnership.cadence.label()}.\n{mention(other)}, press **Confirm** if that works for you."
    )


def schedule_confirmed(partnership: Partnership, first: datetime) -> str:
    return (
        f"✅ New check-in time confirmed: the first is {moment(first)}, then "
        f"{partnership.cadence.label()}."
    )


CADENCE_PROPOSED = "proposes checking in"


def cadence_proposal(
    partnership: Partnership, proposer: int, cadence: Cadence, first: datetime
) -> str:
    """`first` is the proposed rhythm's next check-in (`bot.cadence.anchored`).

    Towards every two weeks it is the one already planned; back to every week it may
    come sooner (in what was an off-week), so the wording says only what it would be.
    """
    other = partnership.partner_of(proposer)
    return (
        f"📅 {mention(proposer)} {CADENCE_PROPOSED} **{cadence.label()}** instead of "
        f"**{partnership.cadence.label()}**, at your usual time. Next check-in: {moment(first)}."
        f"\n{mention(other)}, press **Confirm** if that works for you, or **Not yet**."
    )


def cadence_confirmed(cadence: Cadence, first: datetime) -> str:
    return f"✅ From now on you check in **{cadence.label()}**. Next check-in: {moment(first)}."


def cadence_declined(partnership: Partnership, proposer: int, cadence: Cadence) -> str:
    other = partnership.partner_of(proposer)
    return (
        f"{mention(other)} would rather not check in {cadence.label()} for now, so nothing "
        f"changed: you keep checking in **{partnership.cadence.label()}**."
    )


def break_started(until: datetime) -> str:
    """The `/pause start` reply; the rules are behind **How it works**."""
    return f"🌿 Enjoy your break! You're back {moment(until)}."


def already_on_break(until: datetime) -> str:
    return f"You are already on a break until {stamp(until)}."


BACK = "👋 Welcome back! Your reminders start again from the next check-in."
ALREADY_BACK = "You are already back from your break."


def pause_started(partnership: Partnership, pause: Pause) -> str:
    """To the partner: a break is planned, not drifting away."""
    partner = partnership.partner_of(pause.member_id)
    return (
        f"🌿 {mention(partner)}, {mention(pause.member_id)} is taking a planned break, back "
        f"{moment(pause.planned_end)}. Your own check-ins carry on as usual."
    )


def pause_ended(partnership: Partnership, pause: Pause) -> str:
    partner = partnership.partner_of(pause.member_id)
    return (
        f"👋 {mention(partner)}, {mention(pause.member_id)} is back from their break early "
        "and checks in with you again from the next check-in."
    )
