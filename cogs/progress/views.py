"""The **My progress** button under a check-in reminder: the presser's own card, privately."""

from __future__ import annotations

from typing import Any

import discord

from cogs.common import SafeButton, pair_member, progress_button
from cogs.progress.cog import show_card


class ProgressButton(SafeButton, template=r"tandem:progress:(?P<partnership_id>\d+)"):
    """Answers `progress_button`, which any feature may put under a message of a pair."""

    def __init__(self, partnership_id: int) -> None:
        super().__init__(progress_button(partnership_id))
        self.partnership_id = partnership_id

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        """Only the two partners may press it; each sees their own card, as `/progress`
        shows it, but in private even in the thread."""
        partnership = await pair_member(interaction, self.partnership_id)
        await show_card(interaction, partnership, interaction.user.id, private=True)
