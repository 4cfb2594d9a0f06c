"""What the check-in feature says, in commands and in its reminders."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import discord

from bot.cadence import period
from bot.models import FORMER_MEMBER, Cadence, Partnership, Pause
from bot.reminders import QUIET_NUDGE_PERIODS
from bot.schedule import describe_date_in_zone, describe_in_zone
from bot.store.checkins import Answers
from cogs.common.text import mention, times_for_members

QUIET_NUDGE = "Hey, just checking in. Hope you're okay. No pressure to reply."
SCHEDULE_WITHDRAWN = (
    "This proposal no longer stands: it was replaced by a newer one, or the partnership ended."
)


def checkin_embed(
    partnership: Partnership,
    member_id: int,
    answers: Answers,
    week: datetime,
    zones: dict[int, str],
) -> discord.Embed:
    """The answers as the partner sees them in the thread (and nowhere else).

    The member is named by a mention, which in an embed never pings anyone.
    """
    embed = discord.Embed(
        title="Weekly check-in", description=mention(member_id), colour=discord.Colour.blurple()
    )
    embed.add_field(name="What did you complete?", value=answers.completed, inline=False)
    embed.add_field(name="What is your goal for next week?", value=answers.next_goal, inline=False)
    embed.add_field(name="What is blocking you?", value=answers.blockers or "Nothing", inline=False)
    shown = dict.fromkeys(zones[m] for m in partnership.members if m in zones)
    embed.set_footer(
        text="Check-in of " + " · ".join(describe_in_zone(week, zone) for zone in shown)
    )
    return embed


def heads_up(
    partnership: Partnership, checkin_at: datetime, zones: dict[int, str], wanted: list[int]
) -> str:
    """For the members who want it (`/profile reminders:`); the other sees no time of theirs."""
    times = times_for_members(partnership, checkin_at, zones, only=wanted)
    every = "weekly " if partnership.cadence is Cadence.WEEKLY else ""
    return f"⏰ Heads-up: your {every}check-in is coming up.\n{times}"


def checkin_due(partnership: Partnership, addressed: list[int]) -> str:
    """To the partners not on a break; a paused partner is not even named, nor a mentor."""
    who = " ".join(mention(member) for member in addressed)
    expected = [member for member in partnership.members if partnership.checks_in(member)]
    away = (
        " Your partner is on a planned break, so this week it's just you."
        if len(addressed) < len(expected)
        else ""
    )
    return (
        f"📝 {who}, it's check-in time! Three short questions: what did you "
        "complete, what is your goal for next week, and what is blocking you? "
        f"Press **Check in** (or use `/checkin`).{away}"
    )


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


def rematch_offer(partnership: Partnership, member_id: int) -> str:
    quiet = partnership.partner_of(member_id)
    if not partnership.checks_in(member_id):  # to the mentor of a quiet mentee
        return (
            f"{mention(member_id)}, your mentee {mention(quiet)} has been quiet for "
            f"{periods_in_weeks(partnership, 3)}. "
            "That happens, and it's nobody's fault. If you'd like, you can end this mentorship "
            "kindly; you go first in line at your next `/partner find`."
        )
    return (
        f"{mention(member_id)}, {mention(quiet)} has been quiet for "
        f"{periods_in_weeks(partnership, 3)}. That happens, and it's nobody's "
        "fault. If you'd like, you can end this partnership kindly and be paired again with priority."
    )


def one_sided(partnership: Partnership, member_id: int) -> str:
    quiet = partnership.partner_of(member_id)
    return (
        f"A gentle note: for {periods_in_weeks(partnership, 3)} only {mention(member_id)} has "
        "checked in here. "
        f"{mention(quiet)}, no pressure; life gets busy. {mention(member_id)}, if you'd like a "
        "partner who can check in with you right now, you can switch, kindly and with priority."
    )


def trial_question(partnership: Partnership, answers: Mapping[int, str], due: datetime) -> str:
    """The day-14 (or day-28) question, with each member's answer once given.

    Its age is the one it was asked at (`due`), so a later cadence never rewords it.
    """
    first, second = partnership.members
    age = days_in_words((due - partnership.created_at).days)
    return (
        f"🌱 {age.capitalize()} in! {mention(first)} {mention(second)}, "
        "keep going together? Each of you "
        "can choose **Keep** or **Switch**. Switching ends this partnership kindly and puts you "
        f"first in line.{_chosen(partnership, answers)}"
    )


def review_question(partnership: Partnership, answers: Mapping[int, str]) -> str:
    """Every eight weeks after the trial: a moment to adjust, not a test."""
    first, second = partnership.members
    return (
        f"🔄 Time for a short review, {mention(first)} {mention(second)}: is this partnership "
        "still helping? **Keep** carries on as you are, **Change time** lets you suggest another "
        "weekly time for your partner to confirm, and **Switch** ends this partnership kindly "
        f"and puts you first in line.{_chosen(partnership, answers)}"
    )


def _chosen(partnership: Partnership, answers: Mapping[int, str]) -> str:
    """Each member's answer once given, as `• @member chose **Keep**`."""
    return "".join(
        f"\n• {mention(member)} chose **{answers[member].replace('_', ' ').capitalize()}**"
        for member in partnership.members
        if member in answers
    )


def schedule_proposal(
    partnership: Partnership, proposer: int, new_first: datetime, zones: dict[int, str]
) -> str:
    other = partnership.partner_of(proposer)
    times = times_for_members(partnership, new_first, zones)
    return (
        f"{mention(proposer)} proposes a new weekly check-in time. The first one would be:\n"
        f"{times}\n{mention(other)}, press **Confirm** if that works for you."
    )


CADENCE_PROPOSED = "proposes checking in"
CADENCE_WITHDRAWN = (
    "This proposal no longer stands: it was replaced by a newer one, or the partnership ended."
)


def cadence_proposal(
    partnership: Partnership,
    proposer: int,
    cadence: Cadence,
    first: datetime,
    zones: dict[int, str],
) -> str:
    """`first` is the proposed rhythm's next check-in (`bot.cadence.anchored`).

    Towards every two weeks it is the one already planned; back to every week it may
    come sooner (in what was an off-week), so the wording says only what it would be.
    """
    other = partnership.partner_of(proposer)
    return (
        f"{mention(proposer)} {CADENCE_PROPOSED} **{cadence.label()}** instead of "
        f"**{partnership.cadence.label()}**, at your usual time. Confirmed now, the next "
        f"check-in would be:\n{dates_for_members(partnership, first, zones)}\n"
        f"and then {cadence.label()}. "
        f"{_cadence_effects(cadence)}\n{mention(other)}, press **Confirm** if that works for "
        "you, or **Not yet** to keep things as they are."
    )


def _cadence_effects(cadence: Cadence) -> str:
    counted = "weeks again" if cadence is Cadence.WEEKLY else "two-week periods"
    return (
        f"Streaks count {counted}, and a partner is counted as quiet after "
        f"{weeks_of(cadence, QUIET_NUDGE_PERIODS)} without a check-in."
    )


def dates_for_members(partnership: Partnership, instant: datetime, zones: dict[int, str]) -> str:
    """One instant with its date, once per member in that member's own zone."""
    return "\n".join(
        f"• {mention(member)}: {describe_date_in_zone(instant, zones[member])}"
        for member in partnership.members
        if member > FORMER_MEMBER
    )


def cadence_confirmed(
    partnership: Partnership, cadence: Cadence, first: datetime, zones: dict[int, str]
) -> str:
    return (
        f"✅ From now on you check in **{cadence.label()}**. The next check-in:\n"
        f"{dates_for_members(partnership, first, zones)}"
    )


def cadence_declined(partnership: Partnership, proposer: int, cadence: Cadence) -> str:
    other = partnership.partner_of(proposer)
    return (
        f"{mention(other)} would rather not check in {cadence.label()} for now, so nothing "
        f"changed: you keep checking in **{partnership.cadence.label()}**."
    )


def schedule_confirmed(partnership: Partnership, first: datetime, zones: dict[int, str]) -> str:
    return (
        "✅ New weekly check-in confirmed. The first one:\n"
        f"{times_for_members(partnership, first, zones)}"
    )


PAUSE_RULES = (
    "Meanwhile I won't remind you, nobody counts you as quiet, and your streak waits: paused "
    "weeks neither count nor break it. Milestones keep their due dates; to move one, ask your "
    "partner with `/milestone reschedule`. Back early? Use `/pause end`."
)


def pause_until(instant: datetime, zone: str) -> str:
    return f"**{describe_date_in_zone(instant, zone)}**"


def pause_started(partnership: Partnership, pause: Pause, partner_zone: str) -> str:
    """To the partner, in their zone: a break is planned, not drifting away."""
    partner = partnership.partner_of(pause.member_id)
    return (
        f"🌿 {mention(partner)}, {mention(pause.member_id)} is taking a planned break, back by "
        f"{pause_until(pause.planned_end, partner_zone)}. "
        "Their reminders pause meanwhile, and their quiet weeks count against nobody. Your "
        "own check-ins carry on as usual."
    )


def pause_ended(partnership: Partnership, pause: Pause) -> str:
    partner = partnership.partner_of(pause.member_id)
    return (
        f"👋 {mention(partner)}, {mention(pause.member_id)} is back from their break early: "
        "their check-in reminders start again from the next one."
    )
