"""What the pairing cog says; kept apart so the wording is easy to find and change."""

from __future__ import annotations

from datetime import datetime

from bot.models import Invitation, Partnership
from bot.schedule import describe_in_zone

QUESTIONS = (
    "1. What did you complete?\n2. What is your goal for next week?\n3. What is blocking you?"
)


def thread_name(partnership: Partnership) -> str:
    return f"Tandem #{partnership.id} · {partnership.course}"[:100]


def times_for_members(partnership: Partnership, instant: datetime, zones: dict[int, str]) -> str:
    """One instant, once per member in that member's own zone."""
    return "\n".join(
        f"• <@{member}>: {describe_in_zone(instant, zones[member])}"
        for member in partnership.members
    )


def welcome(partnership: Partnership, zones: dict[int, str], now: datetime) -> str:
    first, second = partnership.members
    return (
        f"👋 Welcome, <@{first}> and <@{second}>! You are accountability partners for "
        f"**{partnership.course}**.\n\n"
        f"**Weekly check-in** (each of you in your own time zone):\n"
        f"{times_for_members(partnership, partnership.weekly.next_after(now), zones)}\n\n"
        f"Each week I'll ask you both three questions:\n{QUESTIONS}\n\n"
        "This is a **two-week trial**: in two weeks I'll ask you both whether you want to keep "
        "going. Either answer is fine. This thread is private to the two of you."
    )


def invitation_text(invitation: Invitation) -> str:
    return (
        f"<@{invitation.invitee_id}>, <@{invitation.inviter_id}> would like you as their "
        f"accountability partner for **{invitation.course}**.\n"
        f"Weekly check-in: **{invitation.weekly.label()}**. Only you can answer."
    )


def accepted_text(invitation: Invitation, thread_mention: str) -> str:
    return (
        f"✅ <@{invitation.invitee_id}> accepted <@{invitation.inviter_id}>'s invitation for "
        f"**{invitation.course}**. Your private thread: {thread_mention}"
    )


def declined_text(invitation: Invitation) -> str:
    return (
        f"<@{invitation.invitee_id}> declined <@{invitation.inviter_id}>'s invitation for "
        f"**{invitation.course}**. No hard feelings: `/partner find` can match you with someone."
    )


def ended_text(partnership: Partnership, ended_by: int | None, reason: str | None) -> str:
    first, second = partnership.members
    who = f"<@{ended_by}> ended" if ended_by else "Tandem ended"
    because = f"\n> {reason}" if reason else ""
    return (
        f"🤝 {who} this partnership. Thank you both, <@{first}> and <@{second}>, for the weeks "
        f"you shared.{because}\nEach of you can use `/partner find` whenever you like. "
        "This thread is now closed."
    )
