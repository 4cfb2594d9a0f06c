"""Persistent buttons in partner threads: Check in, Confirm, Keep/Switch and rematch."""

from __future__ import annotations

from typing import Any

import discord

from bot.errors import UserError
from bot.models import Partnership
from bot.replies import NO_PINGS, send_ephemeral
from cogs.checkins.modal import CheckinModal
from cogs.common import SafeButton, tandem
from cogs.pairing.rematch import end_and_requeue


async def member_partnership(
    interaction: discord.Interaction[Any], partnership_id: int
) -> Partnership:
    """Only the two partners may act on their partnership, and only while it lasts."""
    partnership = await tandem(interaction).store.pairing.partnership(partnership_id)
    if partnership is None or not partnership.includes(interaction.user.id):
        raise UserError("Only the two partners can use this button.")
    if partnership.ended_at is not None:
        raise UserError("This partnership has ended.")
    return partnership


def button(
    label: str, custom_id: str, style: discord.ButtonStyle
) -> discord.ui.Button[discord.ui.View]:
    return discord.ui.Button(label=label, custom_id=custom_id, style=style)


def view_of(*items: discord.ui.Item[Any]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


class CheckinButton(SafeButton, template=r"tandem:checkin:(?P<partnership_id>\d+)"):
    def __init__(self, partnership_id: int) -> None:
        super().__init__(
            button("Check in", f"tandem:checkin:{partnership_id}", discord.ButtonStyle.primary)
        )
        self.partnership_id = partnership_id

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        partnership = await member_partnership(interaction, self.partnership_id)
        await interaction.response.send_modal(CheckinModal(partnership.id))


class ScheduleConfirmButton(SafeButton, template=r"tandem:schedule:(?P<proposal_id>\d+)"):
    def __init__(self, proposal_id: int) -> None:
        super().__init__(
            button("Confirm", f"tandem:schedule:{proposal_id}", discord.ButtonStyle.success)
        )
        self.proposal_id = proposal_id

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        store = tandem(interaction).store
        proposal = await store.checkins.proposal(self.proposal_id)
        if proposal is None:
            raise UserError("This proposal no longer exists.")
        await member_partnership(interaction, proposal.partnership_id)
        if interaction.user.id == proposal.proposer_id:
            raise UserError("Your partner has to confirm the new time, not you.")
        await store.checkins.confirm(proposal, discord.utils.utcnow())
        await interaction.response.edit_message(
            content=f"✅ New weekly check-in confirmed: **{proposal.weekly.label()}**.",
            view=None,
            allowed_mentions=NO_PINGS,
        )


class TrialButton(
    SafeButton, template=r"tandem:trial:(?P<answer>keep|switch):(?P<partnership_id>\d+)"
):
    def __init__(self, partnership_id: int, answer: str) -> None:
        keep = answer == "keep"
        super().__init__(
            button(
                "Keep" if keep else "Switch",
                f"tandem:trial:{answer}:{partnership_id}",
                discord.ButtonStyle.success if keep else discord.ButtonStyle.secondary,
            )
        )
        self.partnership_id = partnership_id
        self.answer = answer

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        bot = tandem(interaction)
        partnership = await member_partnership(interaction, self.partnership_id)
        answers = await bot.store.checkins.answer_trial(
            partnership.id, interaction.user.id, self.answer
        )
        if self.answer == "switch":
            await interaction.response.defer(ephemeral=True, thinking=True)
            outcome = await end_and_requeue(
                bot, partnership, interaction.user.id, "one of you chose to switch."
            )
            await send_ephemeral(interaction, outcome)
            return
        both = len(answers) == 2 and set(answers.values()) == {"keep"}
        text = (
            "🎉 You both chose to keep going. Onwards!"
            if both
            else f"💪 <@{interaction.user.id}> wants to keep going."
        )
        await interaction.response.send_message(text, allowed_mentions=NO_PINGS)


class RematchButton(
    SafeButton, template=r"tandem:rematch:(?P<partnership_id>\d+):(?P<member_id>\d+)"
):
    def __init__(self, partnership_id: int, member_id: int) -> None:
        super().__init__(
            button(
                "End and find a new partner",
                f"tandem:rematch:{partnership_id}:{member_id}",
                discord.ButtonStyle.secondary,
            )
        )
        self.partnership_id = partnership_id
        self.member_id = member_id

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        partnership = await member_partnership(interaction, self.partnership_id)
        if interaction.user.id != self.member_id:
            raise UserError(f"This offer is for <@{self.member_id}>.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await end_and_requeue(
            tandem(interaction),
            partnership,
            interaction.user.id,
            "one of you asked for a new partner.",
        )
        await send_ephemeral(interaction, outcome)


DYNAMIC_ITEMS = (CheckinButton, ScheduleConfirmButton, TrialButton, RematchButton)
