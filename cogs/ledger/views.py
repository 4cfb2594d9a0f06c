"""Partner buttons for milestones and pool settlements, persistent across restarts."""

from __future__ import annotations

from typing import Any

import discord

from bot.errors import UserError
from bot.log import get
from cogs.common import SafeButton, button, pair_member, tandem

log = get("ledger")


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
        answered = await store.answer(request, self.answer == "confirm", discord.utils.utcnow())
        # The request's message is redrawn with the answer through the outbox.
        await interaction.response.defer()
        await bot.outbox.flush(answered.notices)


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
        settled = await bot.store.ledger.settle(
            self.proposal_id, partnership.guild_id, discord.utils.utcnow()
        )
        log.info(
            "pool %s settled: %d by proposal %s", partnership.id, settled.value, self.proposal_id
        )
        await interaction.response.defer()
        await bot.outbox.flush(settled.notices)


DYNAMIC_ITEMS = (MilestoneAnswerButton, SettleButton)
