"""The leaderboard's timed work: confirmations leaving the week and the month, streaks ending."""

from __future__ import annotations

from bot.app import TandemBot
from bot.scheduler import Job


def leaderboard_job(bot: TandemBot) -> Job:
    store = bot.store.leaderboard
    return Job("leaderboard", store.catch_up, store.next_change)
