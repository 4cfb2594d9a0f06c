"""What `/setup` says to moderators: a private reply, so a zone name may help there."""

from __future__ import annotations

from datetime import datetime

from bot.schedule import WeeklyTime
from bot.store.outbox import Undeliverable
from cogs.common.text import Stamp, mention, stamp

BOTH_CHANNELS_FIRST = (
    "Name both channels the first time: `leaderboard_channel` and `partner_channel`."
)
MISSING_PERMISSIONS = "I'm missing permissions I need:\n"
CHANNEL_GONE = "a configured channel is gone: name both channels again"
SET_UP = "✅ Tandem is set up."
UPDATED = "✅ Tandem is updated."
STATUS = "**Tandem in this server**"


def bad_currency(longest: int) -> str:
    return f"The currency label must be 1 to {longest} characters, like `points` or `USD`."


def bad_max_pledge(largest: int) -> str:
    return f"The largest pledge must be between 0 and {largest:,} whole units."


def settings(
    leaderboard_channel_id: int,
    partner_channel_id: int,
    max_pledge: int,
    currency: str,
    recap: WeeklyTime,
    next_recap: datetime,
) -> list[str]:
    """Where Tandem posts, the pledge limit, and when the next recap comes (for each
    moderator in their own clock, the agreed weekly time in its zone beside it)."""
    return [
        f"• Celebrations and recaps: <#{leaderboard_channel_id}>",
        f"• Weekly recap: {recap.label()}, next {stamp(next_recap, Stamp.FULL)}",
        f"• Partner threads: under <#{partner_channel_id}>",
        f"• Pledges: up to **{max_pledge} {currency}** per milestone",
    ]


def missing(problem: str) -> str:
    return f"⚠️ Missing permissions: {problem}"


def undeliverable_heading(count: int) -> str:
    return (
        f"⚠️ **{count} undeliverable message{'' if count == 1 else 's'}** "
        "(retried for a week; check the channels and my permissions):"
    )


def undeliverable_item(item: Undeliverable) -> str:
    """One message given up on: the pair's, or a channel's, and what kind it was."""
    kind = item.kind.replace("_", " ")
    if item.partnership_id is None:
        return f"• <#{item.channel_id}>: {kind}"
    return f"• pair #{item.partnership_id} ({' & '.join(mention(m) for m in item.members)}): {kind}"
