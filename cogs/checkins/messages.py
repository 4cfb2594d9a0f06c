"""What the check-in cog and the reminder loop say."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.models import Partnership
from bot.schedule import describe_in_zone
from bot.store.checkins import Answers
from cogs.pairing.messages import times_for_members

QUIET_NUDGE = "Hey, just checking in. Hope you're okay. No pressure to reply."


def checkin_embed(
    member: discord.abc.User, answers: Answers, week: datetime, zone: str
) -> discord.Embed:
    """The answers as the partner sees them in the thread (and nowhere else)."""
    embed = discord.Embed(
        title=f"Weekly check-in: {member.display_name}", colour=discord.Colour.blurple()
    )
    embed.add_field(name="What did you complete?", value=answers.completed, inline=False)
    embed.add_field(name="What is your goal for next week?", value=answers.next_goal, inline=False)
    embed.add_field(name="What is blocking you?", value=answers.blockers or "Nothing", inline=False)
    embed.set_footer(text=f"Check-in of {describe_in_zone(week, zone)}")
    return embed


def heads_up(partnership: Partnership, checkin_at: datetime, zones: dict[int, str]) -> str:
    times = times_for_members(partnership, checkin_at, zones)
    return f"⏰ Heads-up: your weekly check-in is coming up.\n{times}"


def checkin_due(partnership: Partnership) -> str:
    first, second = partnership.members
    return (
        f"📝 <@{first}> <@{second}>, it's check-in time! Three short questions: what did you "
        "complete, what is your goal for next week, and what is blocking you? "
        "Press **Check in** (or use `/checkin`)."
    )


def nudge(member_id: int) -> str:
    return f"<@{member_id}> {QUIET_NUDGE}"


def rematch_offer(partnership: Partnership, member_id: int) -> str:
    quiet = partnership.partner_of(member_id)
    return (
        f"<@{member_id}>, <@{quiet}> has been quiet for three weeks. That happens, and it's nobody's "
        "fault. If you'd like, you can end this partnership kindly and be paired again with priority."
    )


def one_sided(partnership: Partnership, member_id: int) -> str:
    quiet = partnership.partner_of(member_id)
    return (
        f"A gentle note: for three weeks only <@{member_id}> has checked in here. <@{quiet}>, no "
        f"pressure; life gets busy. <@{member_id}>, if you'd like a partner who can check in "
        "with you right now, you can switch, kindly and with priority."
    )


def trial_question(partnership: Partnership) -> str:
    first, second = partnership.members
    return (
        f"🌱 Two weeks in! <@{first}> <@{second}>, keep going together? Each of you can choose "
        "**Keep** or **Switch**. Switching ends this partnership kindly and puts you first in line."
    )


def schedule_proposal(
    partnership: Partnership, proposer: int, new_first: datetime, zones: dict[int, str]
) -> str:
    other = partnership.partner_of(proposer)
    times = times_for_members(partnership, new_first, zones)
    return (
        f"<@{proposer}> proposes a new weekly check-in time. The first one would be:\n{times}\n"
        f"<@{other}>, press **Confirm** if that works for you."
    )
