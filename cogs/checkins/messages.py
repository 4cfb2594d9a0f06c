"""What the check-in feature says, in commands and in its reminders."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import discord

from bot.models import Partnership, Pause
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
    return f"⏰ Heads-up: your weekly check-in is coming up.\n{times}"


def checkin_due(partnership: Partnership, addressed: list[int]) -> str:
    """To the partners not on a break; a paused partner is not even named."""
    who = " ".join(mention(member) for member in addressed)
    away = (
        " Your partner is on a planned break, so this week it's just you."
        if len(addressed) < len(partnership.members)
        else ""
    )
    return (
        f"📝 {who}, it's check-in time! Three short questions: what did you "
        "complete, what is your goal for next week, and what is blocking you? "
        f"Press **Check in** (or use `/checkin`).{away}"
    )


def nudge(member_id: int) -> str:
    return f"{mention(member_id)} {QUIET_NUDGE}"


def rematch_offer(partnership: Partnership, member_id: int) -> str:
    quiet = partnership.partner_of(member_id)
    return (
        f"{mention(member_id)}, {mention(quiet)} has been quiet for three weeks. That happens, and it's nobody's "
        "fault. If you'd like, you can end this partnership kindly and be paired again with priority."
    )


def one_sided(partnership: Partnership, member_id: int) -> str:
    quiet = partnership.partner_of(member_id)
    return (
        f"A gentle note: for three weeks only {mention(member_id)} has checked in here. "
        f"{mention(quiet)}, no pressure; life gets busy. {mention(member_id)}, if you'd like a "
        "partner who can check in with you right now, you can switch, kindly and with priority."
    )


def trial_question(partnership: Partnership, answers: Mapping[int, str]) -> str:
    """The day-14 question, with each member's answer once given."""
    first, second = partnership.members
    return (
        f"🌱 Two weeks in! {mention(first)} {mention(second)}, keep going together? Each of you "
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
