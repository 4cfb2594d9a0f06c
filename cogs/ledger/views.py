"""Partner buttons for milestones and pool settlements, persistent across restarts."""

from __future__ import annotations

from typing import Any

import discord

from bot.errors import UserError
from bot.ledger import format_amount
from bot.models import MilestoneRequest
from bot.replies import NO_PINGS
from cogs.common import SafeButton, button, guild_config, pair_member, tandem
from cogs.common.text import mention
from cogs.ledger.messages import title_of


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
        # A pledge due within 48 hours of a pair's end can still be confirmed after it.
        await pair_member(interaction, milestone.partnership_id, ended_ok=True)
        if interaction.user.id == milestone.owner_id:
            raise UserError(
                "Your partner has to answer this, not you: nobody confirms their own milestone."
            )
        accept = self.answer == "confirm"
        answered = await store.answer(request, accept, discord.utils.utcnow())
        updated = answered.value
        await interaction.response.edit_message(
            content=_outcome(
                request, accept, title_of(updated), updated.due_date, interaction.user.id
            ),
            view=None,
            allowed_mentions=NO_PINGS,
        )
        await bot.outbox.flush(answered.notices)


def _outcome(request: MilestoneRequest, accept: bool, title: str, due: str, partner: int) -> str:
    who = mention(partner)
    if request.kind == "done":
        if accept:
            return f"🎉 {who} confirmed **{title}**. Well done! The pledge is released."
        return f"{who} doesn't think **{title}** is done yet. Talk it over; there's time until the deadline."
    if accept:
        return f"📅 {who} agreed: **{title}** is now due {due}."
    return f"{who} would rather keep **{title}** due {due}."


def answer_buttons(request_id: int) -> tuple[MilestoneAnswerButton, MilestoneAnswerButton]:
    return MilestoneAnswerButton(request_id, "confirm"), MilestoneAnswerButton(request_id, "reject")


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
        # Ending a partnership does not end its pool: it can be settled afterwards.
        partnership = await pair_member(interaction, proposal.partnership_id, ended_ok=True)
        if interaction.user.id == proposal.proposer_id:
            raise UserError("Your partner has to confirm the settlement, not you.")
        config = await guild_config(interaction)
        amount = await bot.store.ledger.settle(
            self.proposal_id, partnership.guild_id, discord.utils.utcnow()
        )
        await interaction.response.edit_message(
            content=(
                f"🤝 Settled {format_amount(amount, config.currency)}: “{proposal.note}”. "
                f"The pool is back to {format_amount(0, config.currency)}."
            ),
            view=None,
            allowed_mentions=NO_PINGS,
        )


DYNAMIC_ITEMS = (MilestoneAnswerButton, SettleButton)
