"""Milestones, pledges and the shared-pool ledger."""

from __future__ import annotations

from bot.app import TandemBot
from cogs.ledger import notices
from cogs.ledger.forms import LedgerForms
from cogs.ledger.goals import GoalCog
from cogs.ledger.jobs import misses_job
from cogs.ledger.milestones import MilestoneCog
from cogs.ledger.pool import PoolCog, PoolPageButton
from cogs.ledger.views import NewMilestoneButton, SettleButton


async def setup(bot: TandemBot) -> None:
    notices.register(bot.outbox)
    bot.scheduler.register(misses_job(bot))
    bot.add_dynamic_items(PoolPageButton, NewMilestoneButton, SettleButton)
    for cog in (GoalCog(bot), MilestoneCog(bot), PoolCog(bot), LedgerForms(bot)):
        await bot.add_cog(cog)
