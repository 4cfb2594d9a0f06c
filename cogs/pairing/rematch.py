"""Ending a partnership kindly and putting the member who asked back in line first."""

from __future__ import annotations

import discord

from bot.app import TandemBot
from bot.models import Partnership
from cogs.pairing.threads import close_thread, open_thread


async def end_and_requeue(
    bot: TandemBot, partnership: Partnership, member_id: int, why: str
) -> str:
    """End the pair, requeue `member_id` with priority, and say what happened to them."""
    now = discord.utils.utcnow()
    result = await bot.store.pairing.end_and_requeue(partnership, member_id, why, now)
    if result is None:
        return "This partnership has already ended."
    first, second = partnership.members
    await close_thread(
        bot,
        partnership,
        f"🤝 This partnership has ended: {why} No blame, <@{first}> and <@{second}>. "
        "Thank you both. Either of you can use `/partner find` whenever you like.",
    )
    if result.partnership is None:
        return "Done. You're first in line: " + (
            "I'll pair you as soon as a compatible member arrives."
            if result.updated
            else "use `/partner find`."
        )
    thread = await open_thread(bot, result.partnership)
    return f"Done. Your new partner is <@{result.partnership.partner_of(member_id)}>: say hello in {thread.mention}."
