"""The ledger's buttons and the forms they open: the next step where a notice used to end.

**Set a new milestone** under a missed-milestone notice and **Propose settling** under
`/pool view` each open a form. Everything a button or form needs is in its custom id,
and the forms are sent already stopped, so discord.py keeps no copy of them: a form
opened before a restart is still answered after it (`cogs.ledger.forms`).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import discord

from bot.errors import UserError
from bot.i18n import _
from bot.ledger import MAX_NOTE_LENGTH, settlement_amount
from bot.mentors import refuse_settlement_proposal
from bot.milestones import MAX_TITLE_LENGTH
from bot.store.database import from_timestamp
from cogs.common import SafeButton, button, guild_config, pair_member, tandem
from cogs.common.threads import member_zone
from cogs.ledger import messages

MILESTONE_FORM_ID = re.compile(r"^tandem:milestone-form:(?P<goal_id>\d{1,20})$")
SETTLE_FORM_ID = re.compile(r"^tandem:pool-settle-form:(?P<partnership_id>\d{1,20})$")
DUE_EXAMPLE_AFTER = timedelta(days=7)


def _field(
    label: str, custom_id: str, placeholder: str, max_length: int, *, required: bool = True
) -> discord.ui.TextInput[Any]:
    return discord.ui.TextInput(
        label=label,
        custom_id=custom_id,
        placeholder=placeholder[:100],
        max_length=max_length,
        required=required,
    )


def milestone_form(goal_id: int, due_example: str, pledge_hint: str) -> discord.ui.Modal:
    """Title, due date and pledge of a new milestone for this goal, as `/milestone add` asks."""
    form = discord.ui.Modal(
        title=_(messages.MILESTONE_FORM_TITLE), custom_id=f"tandem:milestone-form:{goal_id}"
    )
    form.add_item(
        _field(
            _(messages.FORM_TITLE_LABEL),
            "title",
            _(messages.FORM_TITLE_EXAMPLE),
            MAX_TITLE_LENGTH,
        )
    )
    form.add_item(
        _field(_(messages.FORM_DUE_LABEL), "due", messages.form_due_example(due_example), 10)
    )
    form.add_item(_field(_(messages.FORM_PLEDGE_LABEL), "pledge", pledge_hint, 10, required=False))
    form.stop()
    return form


def settle_form(partnership_id: int) -> discord.ui.Modal:
    """The note of a settlement, as `/pool settle` asks for it."""
    form = discord.ui.Modal(
        title=_(messages.SETTLE_FORM_TITLE),
        custom_id=f"tandem:pool-settle-form:{partnership_id}",
    )
    form.add_item(
        _field(
            _(messages.SETTLE_NOTE_LABEL),
            "note",
            _(messages.SETTLE_NOTE_EXAMPLE),
            MAX_NOTE_LENGTH,
        )
    )
    form.stop()
    return form


class NewMilestoneButton(
    SafeButton, template=r"tandem:milestone-next:(?P<partnership_id>\d+):(?P<run>\d+)"
):
    """Under a missed-milestone notice: the form for the next milestone of the same goal.

    `run` is the miss job's run the notice reports; whoever presses it must have missed one
    of its milestones, and gets the form for that milestone's goal.
    """

    def __init__(self, partnership_id: int, run: int) -> None:
        super().__init__(
            button(
                _(messages.NEW_MILESTONE),
                f"tandem:milestone-next:{partnership_id}:{run}",
                discord.ButtonStyle.primary,
            )
        )
        self.partnership_id = partnership_id
        self.run = run

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        bot = tandem(interaction)
        member = interaction.user.id
        partnership = await pair_member(interaction, self.partnership_id)
        missed = await bot.store.milestones.missed_in_run(partnership.id, from_timestamp(self.run))
        goals = [m.goal_id for m in missed if m.owner_id == member]
        if not goals:
            raise UserError(_(messages.NOT_YOUR_MISS))
        active = {
            g.id for g in await bot.store.milestones.active_goals(partnership.guild_id, member)
        }
        goal_id = next((goal for goal in goals if goal in active), None)
        if goal_id is None:
            raise UserError(_(messages.GOAL_CLOSED))
        config = await guild_config(interaction)
        zone = await member_zone(bot, partnership, member)
        today = discord.utils.utcnow().astimezone(ZoneInfo(zone)).date()
        await interaction.response.send_modal(
            milestone_form(
                goal_id,
                (today + DUE_EXAMPLE_AFTER).isoformat(),
                messages.form_pledge_hint(config.max_stake, config.currency),
            )
        )


class SettleButton(SafeButton, template=r"tandem:pool-settle:(?P<partnership_id>\d+)"):
    """Under `/pool view` with a balance: the form for the note of a settlement."""

    def __init__(self, partnership_id: int) -> None:
        super().__init__(
            button(
                _(messages.PROPOSE_SETTLING),
                f"tandem:pool-settle:{partnership_id}",
                discord.ButtonStyle.primary,
            )
        )
        self.partnership_id = partnership_id

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        """The rules `/pool settle` keeps are asked before the form, and again by the store."""
        bot = tandem(interaction)
        partnership = await pair_member(interaction, self.partnership_id, ended_ok=True)
        refuse_settlement_proposal(partnership, interaction.user.id)
        settlement_amount(await bot.store.ledger.balance(partnership.id))
        await interaction.response.send_modal(settle_form(partnership.id))
