"""The confirmation button of `/privacy delete`: persistent, for its member only, idempotent."""

from __future__ import annotations

from typing import Any

import discord

from bot.app import TandemBot
from bot.errors import UserError
from bot.i18n import _
from bot.log import get
from bot.replies import NO_PINGS
from cogs.common import SafeButton, button, tandem
from cogs.common.threads import channel_by_id

log = get("privacy")


class EraseButton(SafeButton, template=r"tandem:erase:(?P<guild_id>\d+):(?P<user_id>\d+)"):
    remembers_language = False

    def __init__(self, guild_id: int, user_id: int) -> None:
        super().__init__(
            button(
                _("Delete my data"),
                f"tandem:erase:{guild_id}:{user_id}",
                discord.ButtonStyle.danger,
            )
        )
        self.guild_id = guild_id
        self.user_id = user_id

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        """Erase once; pressing again finds nothing left and says so just the same."""
        if interaction.user.id != self.user_id or interaction.guild_id != self.guild_id:
            raise UserError(_("Only the member who asked can confirm this deletion."))
        bot = tandem(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        erased = await bot.store.privacy.erase(self.guild_id, self.user_id, discord.utils.utcnow())
        bot.store.languages.forget(self.user_id)
        log.info("erased the data of member %s in guild %s", self.user_id, self.guild_id)
        await _remove_answers(bot, erased.value.answer_messages)
        await bot.outbox.flush(erased.notices)
        await interaction.edit_original_response(
            content=_(
                "Done: everything Tandem stored about you in this server is deleted. "
                "Thank you for the weeks you studied with Tandem."
            ),
            view=None,
            allowed_mentions=NO_PINGS,
        )


async def _remove_answers(bot: TandemBot, messages: tuple[tuple[int, int], ...]) -> None:
    """Remove the erased member's check-in messages from their threads, as far as Discord lets."""
    for partnership_id, message_id in messages:
        partnership = await bot.store.partnerships.partnership(partnership_id)
        thread_id = None if partnership is None else partnership.thread_id
        thread = None if thread_id is None else await channel_by_id(bot, thread_id)
        if not isinstance(thread, discord.Thread):
            continue
        try:
            if thread.archived:
                await thread.edit(archived=False)
            await thread.get_partial_message(message_id).delete()
        except discord.HTTPException:
            log.warning("could not delete check-in message %s in thread %s", message_id, thread.id)
