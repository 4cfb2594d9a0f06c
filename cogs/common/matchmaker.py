"""Pairing a waiting member with someone still in the server, and ending a pair to rematch.

Shared by `/partner find`, the invitation buttons and the switch offers in threads.
Without the members intent Tandem does not hear about departures, so before a pair
is made the other member is looked up over REST; whoever is gone leaves every queue
and their invitations are withdrawn, and the search goes on with the next candidate.
"""

from __future__ import annotations

import discord

from bot.app import TandemBot
from bot.i18n import _
from bot.log import get
from bot.matching import course_key
from bot.models import EndCause, Partnership, Stored
from cogs.common.outbox import Delivery
from cogs.common.text import mention

log = get("pairing")
# A bound on lookups per search, should the queue keep changing underneath it.
MAX_CANDIDATES = 25


async def still_here(bot: TandemBot, guild_id: int, user_id: int) -> bool | None:
    """True or False when Discord says so; None when it could not tell right now."""
    guild = bot.get_guild(guild_id)
    if guild is None:
        return None
    try:
        await guild.fetch_member(user_id)
    except discord.NotFound:
        return False
    except discord.HTTPException:
        log.warning("could not look up member %s in guild %s", user_id, guild_id, exc_info=True)
        return None
    return True


async def find_partner(
    bot: TandemBot, guild_id: int, key: str, user_id: int
) -> Stored[Partnership | None]:
    """Pair a waiting member with the best candidate who is still in the server.

    Returns the new partnership (None: keep waiting) with every outbox row queued on
    the way, including the withdrawals of departed members' invitations.
    """
    queue = bot.store.queue
    notices: list[int] = []
    for _attempt in range(MAX_CANDIDATES):
        now = discord.utils.utcnow()
        candidate = await queue.best_candidate(guild_id, key, user_id, now)
        if candidate is None:
            break
        present = await still_here(bot, guild_id, candidate.user_id)
        if present is None:
            break  # Discord cannot tell now: both keep waiting, nobody is paired with a ghost
        if not present:
            log.info(
                "member %s left guild %s; dropped from its queues", candidate.user_id, guild_id
            )
            gone = await bot.store.departures.forget_waiting(guild_id, candidate.user_id, now)
            notices += gone.notices
            continue
        made = await queue.pair(guild_id, key, user_id, candidate.user_id, now)
        if made is not None:
            log.info(
                "paired %s and %s as partnership %s", user_id, candidate.user_id, made.value.id
            )
            return Stored(made.value, (*notices, *made.notices))
    return Stored(None, tuple(notices))


async def paired_text(
    bot: TandemBot, partnership: Partnership, member_id: int, delivery: Delivery
) -> str:
    """What a member is told once paired: where to say hello, or why the thread waits."""
    pair = await bot.store.partnerships.partnership(partnership.id) or partnership
    who = {"partner": mention(pair.partner_of(member_id)), "course": pair.course}
    if pair.thread_id is not None:
        thread = f"<#{pair.thread_id}>"
        return _(
            "You're paired with {partner} for **{course}**! Say hello in {thread}.",
            thread=thread,
            **who,
        )
    if delivery.problem:
        return _(
            "You're paired with {partner} for **{course}**! {problem}. "
            "Your private thread will open as soon as it can.",
            problem=delivery.problem,
            **who,
        )
    return _(
        "You're paired with {partner} for **{course}**! "
        "Your private thread will open as soon as it can.",
        **who,
    )


async def end_and_requeue(
    bot: TandemBot, partnership: Partnership, member_id: int, cause: EndCause
) -> str:
    """End the pair kindly, put `member_id` first in line, and say truthfully what happened."""
    ended = await bot.store.queue.end_and_requeue(
        partnership, member_id, cause, discord.utils.utcnow()
    )
    if not ended.value.ended:
        return _("This partnership has already ended.")
    log.info("partnership %s ended (%s) by member %s", partnership.id, cause, member_id)
    notices = list(ended.notices)
    match: Partnership | None = None
    if ended.value.queued:
        found = await find_partner(
            bot, partnership.guild_id, course_key(partnership.course), member_id
        )
        notices += found.notices
        match = found.value
    delivery = await bot.outbox.flush(notices)
    course = partnership.course
    if match is not None:
        # Translators: {paired} is "You're paired with … for …! Say hello in …."
        return _("Done. {paired}", paired=await paired_text(bot, match, member_id, delivery))
    if ended.value.queued:
        return _(
            "Done. You're first in line for your next match in **{course}** and already "
            "waiting: I'll pair you as soon as a compatible member arrives.",
            course=course,
        )
    return _(
        "Done. You're first in line for your next match in **{course}**: use `/partner find` "
        "to tell me your pace.",
        course=course,
    )
