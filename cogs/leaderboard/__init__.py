"""Leaderboard: celebrations of confirmed milestones and `/leaderboard`."""

from __future__ import annotations

from bot.app import TandemBot
from cogs.leaderboard import notices
from cogs.leaderboard.cog import LeaderboardCog


async def setup(bot: TandemBot) -> None:
    notices.register(bot.outbox)
    await bot.add_cog(LeaderboardCog(bot))
