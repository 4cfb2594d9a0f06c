"""The three-question check-in form."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import discord

from bot.checkins import MAX_ANSWER_LENGTH, clean_answer, week_of
from bot.errors import UserError
from bot.replies import NO_PINGS, report_error
from bot.store.checkins import Answers
from cogs.checkins.messages import checkin_embed
from cogs.common import tandem
from cogs.pairing.threads import ensure_thread

_POSTING: defaultdict[tuple[int, int], asyncio.Lock] = defaultdict(asyncio.Lock)


class CheckinModal(discord.ui.Modal, title="Weekly check-in"):
    completed: discord.ui.TextInput[CheckinModal] = discord.ui.TextInput(
        label="What did you complete?",
        style=discord.TextStyle.paragraph,
        max_length=MAX_ANSWER_LENGTH,
        custom_id="completed",
    )
    next_goal: discord.ui.TextInput[CheckinModal] = discord.ui.TextInput(
        label="What is your goal for next week?",
        style=discord.TextStyle.paragraph,
        max_length=MAX_ANSWER_LENGTH,
        custom_id="next_goal",
    )
    blockers: discord.ui.TextInput[CheckinModal] = discord.ui.TextInput(
        label="What is blocking you?",
        style=discord.TextStyle.paragraph,
        max_length=MAX_ANSWER_LENGTH,
        required=False,
        custom_id="blockers",
    )

    def __init__(self, partnership_id: int) -> None:
        super().__init__(custom_id=f"tandem:checkin-form:{partnership_id}")
        self.partnership_id = partnership_id

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        bot = tandem(interaction)
        partnership = await bot.store.pairing.partnership(self.partnership_id)
        if (
            partnership is None
            or partnership.ended_at is not None
            or not partnership.includes(interaction.user.id)
        ):
            raise UserError(
                "This partnership has ended, so there is nowhere to post your check-in."
            )
        answers = Answers(
            completed=clean_answer(self.completed.value, "What did you complete?", required=True),
            next_goal=clean_answer(
                self.next_goal.value, "What is your goal for next week?", required=True
            ),
            blockers=clean_answer(self.blockers.value, "What is blocking you?", required=False),
        )
        now = discord.utils.utcnow()
        week = week_of(partnership.weekly, now)
        await interaction.response.defer(ephemeral=True, thinking=True)
        zone = (
            await bot.store.pairing.zone_of(partnership.guild_id, interaction.user.id)
            or partnership.weekly.zone
        )
        embed = checkin_embed(interaction.user, answers, week, zone)
        # Two quick submissions must find each other's message to replace it, not both post.
        async with _POSTING[(partnership.id, interaction.user.id)]:
            checkins = bot.store.checkins
            previous = await checkins.record(partnership, interaction.user.id, week, answers, now)
            thread = await ensure_thread(bot, partnership)
            message_id = await _post_or_replace(thread, previous, embed)
            await checkins.set_message(partnership.id, interaction.user.id, week, message_id)
        verb = "updated" if previous else "posted"
        await interaction.followup.send(
            f"Thanks! Your check-in is {verb} in {thread.mention}.",
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, /) -> None:  # type: ignore[override]
        await report_error(interaction, error, "check-in form")


async def _post_or_replace(
    thread: discord.Thread, previous: int | None, embed: discord.Embed
) -> int:
    """A second check-in in one week replaces the first message instead of adding one."""
    if previous is not None:
        try:
            message = await thread.fetch_message(previous)
            await message.edit(embed=embed, allowed_mentions=NO_PINGS)
            return message.id
        except discord.NotFound:
            pass
    sent = await thread.send(embed=embed, allowed_mentions=NO_PINGS)
    return sent.id
