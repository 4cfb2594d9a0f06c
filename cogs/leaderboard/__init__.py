"""Leaderboard: celebrations of confirmed milestones and `/leaderboard`."""

from __future__ import annotations

from bot.app import TandemBot
from cogs.leaderboard import notices
from cogs.leaderboard.cog import LeaderboardCog
from cogs.leaderboard.jobs import leaderboard_job
from cogs.leaderboard.recap import recaps_job


async def setup(bot: TandemBot) -> None:
    notices.register(bot.outbox)
    bot.scheduler.register(leaderboard_job(bot))
    bot.scheduler.register(recaps_job(bot))
    await bot.add_cog(LeaderboardCog(bot))
