"""Ending a partnership kindly and putting a member back in line with priority."""

from __future__ import annotations

import discord

from bot.app import TandemBot
from bot.matching import Seeker, course_key
from bot.models import Partnership
from cogs.pairing.threads import close_thread, open_thread


async def end_and_requeue(
    bot: TandemBot, partnership: Partnership, member_id: int, why: str
) -> str:
    """End the pair, requeue `member_id` first in line, and say what happened to them."""
    now = discord.utils.utcnow()
    if not await bot.store.pairing.end(partnership.id, member_id, why, now):
        return "This partnership has already ended."
    first, second = partnership.members
    await close_thread(
        bot,
        partnership,
        f"🤝 This partnership has ended: {why} No blame, <@{first}> and <@{second}>. "
        "Thank you both. Each of you will be first in line with `/partner find`.",
    )
    for member in partnership.members:
        await bot.store.pairing.grant_priority(partnership, member)
    pace = await bot.store.pairing.pace_in(partnership.id, member_id)
    if pace is None:
        return "Done. Use `/partner find` and you will be first in line for a new partner."
    seeker = Seeker(
        user_id=member_id, pace=pace, weekly=partnership.weekly, queued_at=now, priority=True
    )
    result = await bot.store.pairing.queue_and_match(
        partnership.guild_id, partnership.course, course_key(partnership.course), seeker, now
    )
    if result.partnership is None:
        return "Done. You're back in the queue, first in line for the next compatible member."
    thread = await open_thread(bot, result.partnership)
    return f"Done. Your new partner is <@{result.partnership.partner_of(member_id)}>: say hello in {thread.mention}."
