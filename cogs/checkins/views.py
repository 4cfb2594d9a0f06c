"""Persistent buttons in partner threads: Check in, Keep/Switch and rematch."""

from __future__ import annotations

from typing import Any

import discord

from bot.errors import UserError
from bot.models import EndCause, TrialAnswer
from bot.replies import NO_PINGS, send_ephemeral
from cogs.checkins.modal import checkin_form
from cogs.common import SafeButton, button, pair_member, tandem
from cogs.common.matchmaker import end_and_requeue
from cogs.common.text import mention


class CheckinButton(SafeButton, template=r"tandem:checkin:(?P<partnership_id>\d+)"):
    def __init__(self, partnership_id: int) -> None:
        super().__init__(
            button("Check in", f"tandem:checkin:{partnership_id}", discord.ButtonStyle.primary)
        )
        self.partnership_id = partnership_id

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        partnership = await pair_member(interaction, self.partnership_id)
        await interaction.response.send_modal(checkin_form(partnership.id, interaction.user.id))


class TrialButton(
    SafeButton, template=r"tandem:trial:(?P<answer>keep|switch):(?P<partnership_id>\d+)"
):
    def __init__(self, partnership_id: int, answer: str) -> None:
        keep = TrialAnswer(answer) is TrialAnswer.KEEP
        super().__init__(
            button(
                "Keep" if keep else "Switch",
                f"tandem:trial:{answer}:{partnership_id}",
                discord.ButtonStyle.success if keep else discord.ButtonStyle.secondary,
            )
        )
        self.partnership_id = partnership_id
        self.answer = TrialAnswer(answer)

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        """Each answer counts once; the question is redrawn to show it, never re-posted."""
        bot = tandem(interaction)
        partnership = await pair_member(interaction, self.partnership_id)
        answered = await bot.store.checkins.answer_trial(
            partnership, interaction.user.id, self.answer, discord.utils.utcnow()
        )
        # A Switch whose ending was interrupted (the pair still lasts) is finished now.
        if answered.repeated and self.answer is not TrialAnswer.SWITCH:
            raise UserError(f"You already chose **{self.answer.capitalize()}**.")
        if self.answer is TrialAnswer.SWITCH:
            await interaction.response.defer(ephemeral=True, thinking=True)
            outcome = await end_and_requeue(bot, partnership, interaction.user.id, EndCause.SWITCH)
            await bot.outbox.flush(answered.notices)
            await send_ephemeral(interaction, outcome)
            return
        both = len(answered.value) == 2 and set(answered.value.values()) == {TrialAnswer.KEEP}
        await interaction.response.send_message(
            "🎉 You both chose to keep going. Onwards!"
            if both
            else f"💪 Noted: you want to keep going. I'll let {mention(partnership.partner_of(interaction.user.id))} answer too.",
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
        await bot.outbox.flush(answered.notices)


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
        partnership = await pair_member(interaction, self.partnership_id)
        if interaction.user.id != self.member_id:
            raise UserError(f"This offer is for {mention(self.member_id)}.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await end_and_requeue(
            tandem(interaction), partnership, interaction.user.id, EndCause.REMATCH
        )
        await send_ephemeral(interaction, outcome)


DYNAMIC_ITEMS = (CheckinButton, TrialButton, RematchButton)
