"""Partner buttons for milestones and pool settlements, persistent across restarts."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.errors import UserError
from bot.ledger import format_amount
from bot.replies import NO_PINGS
from cogs.checkins.views import button, member_partnership
from cogs.common import SafeButton, guild_config, tandem
from cogs.leaderboard import celebrate

log = logging.getLogger(__name__)


class MilestoneAnswerButton(
    SafeButton, template=r"tandem:ms:(?P<request_id>\d+):(?P<answer>confirm|reject)"
):
    def __init__(self, request_id: int, answer: str) -> None:
        confirm = answer == "confirm"
        super().__init__(
            button(
                "Confirm" if confirm else "Not yet",
                f"tandem:ms:{request_id}:{answer}",
                discord.ButtonStyle.success if confirm else discord.ButtonStyle.secondary,
            )
        )
        self.request_id = request_id
        self.answer = answer

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        bot = tandem(interaction)
        store = bot.store.milestones
        request = await store.milestone_request(self.request_id)
        milestone = None if request is None else await store.milestone(request.milestone_id)
        if request is None or milestone is None:
            raise UserError("This request no longer exists.")
        await member_partnership(interaction, milestone.partnership_id)
        if interaction.user.id == milestone.owner_id:
            raise UserError(
                "Your partner has to answer this, not you: nobody confirms their own milestone."
            )
        accept = self.answer == "confirm"
        updated = await store.answer(request, accept, discord.utils.utcnow())
        await interaction.response.edit_message(
            content=_outcome(
                request.kind, accept, updated.title, updated.due_date, interaction.user.id
            ),
            view=None,
            allowed_mentions=NO_PINGS,
        )
        if accept and request.kind == "done":
            try:
                await celebrate(bot, updated)
            except discord.HTTPException:
                # The confirmation stands; a cheer that cannot be posted is only logged.
                log.warning("could not celebrate milestone %s", updated.id, exc_info=True)


def _outcome(kind: str, accept: bool, title: str, due: str, partner: int) -> str:
    if kind == "done":
        if accept:
            return f"🎉 <@{partner}> confirmed **{title}**. Well done! The pledge is released."
        return f"<@{partner}> doesn't think **{title}** is done yet. Talk it over; there's time until the deadline."
    if accept:
        return f"📅 <@{partner}> agreed: **{title}** is now due {due}."
    return f"<@{partner}> would rather keep **{title}** due {due}."


def answer_view(request_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(MilestoneAnswerButton(request_id, "confirm"))
    view.add_item(MilestoneAnswerButton(request_id, "reject"))
    return view


class SettleButton(SafeButton, template=r"tandem:settle:(?P<proposal_id>\d+)"):
    def __init__(self, proposal_id: int) -> None:
        super().__init__(
            button("Confirm", f"tandem:settle:{proposal_id}", discord.ButtonStyle.success)
        )
        self.proposal_id = proposal_id

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        bot = tandem(interaction)
        proposal = await bot.store.ledger.settlement_proposal(self.proposal_id)
        if proposal is None:
            raise UserError("This proposal no longer exists.")
        partnership_id, proposer, note, _status = proposal
        partnership = await member_partnership(interaction, partnership_id)
        if interaction.user.id == proposer:
            raise UserError("Your partner has to confirm the settlement, not you.")
        config = await guild_config(interaction)
        amount = await bot.store.ledger.settle(
            self.proposal_id, partnership.guild_id, discord.utils.utcnow()
        )
        await interaction.response.edit_message(
            content=(
                f"🤝 Settled {format_amount(amount, config.currency)}: “{note}”. "
                f"The pool is back to {format_amount(0, config.currency)}."
            ),
            view=None,
            allowed_mentions=NO_PINGS,
        )


DYNAMIC_ITEMS = (MilestoneAnswerButton, SettleButton)
