"""Pacing Tandem's requests to Discord: at most N begin in any one second, in due order.

Discord allows a bot about 50 requests a second across all its processes and sleeps a
client that asks for more. At the Monday-evening peak (thousands of reminders due in
one minute) that sleep would fall inside claimed sends, whose claims could lapse while
they wait; so Tandem keeps below the limit itself. Its budget is a sliding window: a
request may begin when fewer than N began in the second before it. An idle bot thus
sends a command's few messages at once, and a busy one exactly N a second, never more
in any second (so never over Discord's limit while N stays under it).

The window is shared by every process of the bot through the database
(`bot.store.budget`): each request's start is taken from it, in the order requests
ask. What the outbox delivers first at a peak is the order it asks in: reminders,
then other messages in pair threads, then channel posts (celebrations, recaps).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

WINDOW_SECONDS = 1.0


class Priority(IntEnum):
    """Which waiting messages the outbox delivers first (lower first)."""

    REMINDER = 0  # the check-in reminder: its moment is the whole point
    THREAD = 1  # any other message in a pair's thread
    CHANNEL = 2  # a post in a server's channel: a celebration, a weekly recap


def next_start(recent: Sequence[float], now: float, per_second: int) -> float:
    """When the next request may begin, given the starts taken so far (oldest first).

    Never before `now` nor before the latest start (starts stay in the order asked),
    and never within a second of the start `per_second` requests back, so no second
    holds more than `per_second` starts.
    """
    start = max(now, recent[-1]) if recent else now
    if len(recent) >= per_second:
        start = max(start, recent[-per_second] + WINDOW_SECONDS)
    return start


def kept(recent: Sequence[float], start: float, per_second: int) -> list[float]:
    """The window after taking `start`: the last `per_second` starts, all a later one needs."""
    return [*recent, start][-per_second:]
