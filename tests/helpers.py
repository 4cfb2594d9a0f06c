"""Small verbs the behavioural tests share."""

from __future__ import annotations

from typing import Any

MONDAY = 0


def reply(result: Any) -> str:
    """The text the member saw, whether answered directly or after deferring."""
    if result.followups:
        return str(result.followups[-1].content)
    return str(result.response.content)


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
    [partnership] = await server.bot.store.pairing.active_partnerships(server.guild.id, first.id)
    return partnership
