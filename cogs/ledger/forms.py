"""Submissions of the ledger's forms, whichever process showed them, before or after a restart.

The forms are sent stopped (`cogs.ledger.views`), so discord.py keeps none of them; this
listener reads everything from the custom id, the submitted values and the store, and
takes the same path as the command it stands for.
"""

from __future__ import annotations

from typing import Any

import discord
from discord.ext import commands

from bot.app import TandemBot
from bot.errors import UserError
from bot.i18n import _
from bot.ledger import pledge_from_text
from bot.store.milestones import NOT_YOUR_GOAL
from cogs.common import Forms, form_values, pair_member, route_form, tandem
from cogs.ledger.milestones import add_milestone
from cogs.ledger.pool import propose_settling
from cogs.ledger.views import MILESTONE_FORM_ID, SETTLE_FORM_ID


async def submit_milestone(interaction: discord.Interaction[Any], goal_id: int) -> None:
    """**Set a new milestone**: added to the goal as `/milestone add` would, or refused."""
    goal = await tandem(interaction).store.milestones.goal(goal_id)
    if goal is None:
        raise UserError(_(NOT_YOUR_GOAL))
    partnership = await pair_member(interaction, goal.partnership_id)
    values = form_values(interaction)
    await add_milestone(
        interaction,
        goal,
        partnership,
        values.get("title", ""),
        values.get("due", ""),
        pledge_from_text(values.get("pledge", "")),
    )


async def submit_settling(interaction: discord.Interaction[Any], partnership_id: int) -> None:
    """**Propose settling**: proposed as `/pool settle` would, or refused."""
    partnership = await pair_member(interaction, partnership_id, ended_ok=True)
    await propose_settling(interaction, partnership, form_values(interaction).get("note", ""))


FORMS: Forms = (
    (MILESTONE_FORM_ID, submit_milestone, "new milestone form"),
    (SETTLE_FORM_ID, submit_settling, "settling form"),
)


class LedgerForms(commands.Cog):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[TandemBot]) -> None:
        """Every new-milestone and settling form submission (`route_form`)."""
        await route_form(interaction, FORMS)
