"""Verbs and readings the behavioural tests share.

SimCord's clock starts on Thursday 2026-01-01 00:00 UTC.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import discord

MONDAY = 0
HOUR = 3600
DAY = 24 * HOUR
WEEK = 7 * DAY
ANSWERS = {"completed": "Chapter 3 exercises", "next_goal": "Finish chapter 4", "blockers": ""}


def answer(result: Any) -> Any:
    """The message the member saw last, whether answered directly or after deferring."""
    return result.followups[-1] if result.followups else result.response


def reply(result: Any) -> str:
    """The text the member saw, whether answered directly or after deferring."""
    return str(answer(result).content)


def messages_with(channel: Any, text: str) -> list[discord.Message]:
    return [m for m in channel.history() if text in m.content]


def pinged(server: Any, message: discord.Message) -> set[int]:
    """Who Discord notified for this message: what the bot's allowed mentions let through."""
    stored = server.env.backend.get_message(message.channel.id, message.id)
    return set(stored.ping_user_ids)


async def advance(server: Any, seconds: float) -> None:
    """Move virtual time a day at a time: each step settles within SimCord's time limit."""
    await advance_to(server, server.env.now() + timedelta(seconds=seconds))


async def advance_to(server: Any, when: datetime) -> None:
    while (left := (when - server.env.now()).total_seconds()) > 0:
        await server.env.advance_time(min(left, DAY))


async def find(server: Any, member: Any, **overrides: Any) -> Any:
    options = {
        "course": "Intro to Python",
        "pace": 10,
        "timezone": "Europe/Berlin",
        "checkin_day": MONDAY,
        "checkin_time": "18:00",
    } | overrides
    return await member.slash(server.general, "partner find", **options)


async def pair(server: Any, first: Any, second: Any, **overrides: Any) -> Any:
    """Queue two compatible members so they are paired; returns their partnership."""
    await find(server, first, **overrides)
    await find(server, second, **overrides)
    [partnership] = await server.bot.store.partnerships.active_partnerships(
        server.guild.id, first.id
    )
    return partnership


async def request(server: Any, inviter: Any, invitee: Any, **overrides: Any) -> Any:
    options = {
        "member": invitee,
        "course": "Intro to Python",
        "checkin_day": 2,
        "checkin_time": "07:30",
        "timezone": "Asia/Kolkata",
    } | overrides
    return await inviter.slash(server.general, "partner request", **options)


def invitation_message(server: Any, invitee: Any) -> discord.Message:
    """The newest invitation to `invitee` posted in #general."""
    return [m for m in server.general.history() if f"{invitee.mention}, " in m.content][-1]


def fresh(channel: Any, message: discord.Message) -> discord.Message:
    """The message as it reads now, after the bot edited it."""
    return next(m for m in channel.history() if m.id == message.id)


async def check_in(server: Any, member: Any, **answers: str) -> Any:
    shown = await member.slash(server.general, "checkin")
    assert shown.modal is not None and shown.modal["title"] == "Weekly check-in"
    return await member.submit_modal(shown, ANSWERS | answers)


async def goal(server: Any, member: Any, text: str = "Finish the Python course") -> int:
    result = await member.slash(
        server.general, "goal set", text=text, done_when="Certificate in hand"
    )
    assert "Goal set" in reply(result), reply(result)
    goals = await server.bot.store.milestones.active_goals(server.guild.id, member.id)
    return int(goals[-1].id)


async def add(server: Any, member: Any, goal_id: int, **overrides: Any) -> Any:
    options = {
        "goal": str(goal_id),
        "title": "Chapter 4",
        "due": "2026-01-03",
        "stake": 5.0,
    } | overrides
    return await member.slash(server.general, "milestone add", **options)


async def ledger_rows(server: Any) -> list[tuple[Any, ...]]:
    rows = await server.bot.store.db.fetch_all(
        "SELECT kind, amount, milestone_id FROM ledger_entries ORDER BY id"
    )
    return [tuple(row) for row in rows]


async def only_milestone(server: Any, member: Any) -> Any:
    [milestone] = await server.bot.store.milestones.milestones_of(
        server.guild.id, member.id, open_only=True
    )
    return milestone
