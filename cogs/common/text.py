"""Wording every feature shares: who someone is, and when something is, for each reader."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from enum import StrEnum

import discord

from bot.i18n import N_, _, ngettext
from bot.models import FORMER_MEMBER, Role


def mention(user_id: int) -> str:
    """A mention, or a kind placeholder for a member whose data was erased."""
    # Translators: stands for a member whose data was erased, where their name would be.
    return f"<@{user_id}>" if user_id > FORMER_MEMBER else _("a former member")


# How a role is shown beside a name (`/partner status`, the leaderboard); peers get none.
ROLE_BADGES = {
    # Translators: a badge beside a member's name: they guide their partner.
    Role.MENTOR: N_("🧭 mentor"),
    # Translators: a badge beside a member's name: their partner guides them.
    Role.MENTEE: N_("🌱 mentee"),
}


def badge(role: Role) -> str:
    label = ROLE_BADGES.get(role)
    return _(label) if label else ""


def badges(roles: Collection[Role]) -> str:
    """A member's badges, as ` · 🧭 mentor`, or nothing for a peer everywhere."""
    shown = [_(ROLE_BADGES[role]) for role in (Role.MENTOR, Role.MENTEE) if role in roles]
    return "".join(f" · {label}" for label in shown)


def shortened(text: str, limit: int) -> str:
    """At most `limit` characters, an ellipsis marking a cut, so a listing stays in bounds."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def weeks_label(count: int) -> str:
    return ngettext("{count} week", "{count} weeks", count)


def streak_label(count: int, weekly: bool) -> str:
    """A streak counts check-in periods: weeks, unless a pair checks in every two weeks,
    when a period is two weeks and "3 weeks" would halve it."""
    return (
        weeks_label(count) if weekly else ngettext("{count} check-in", "{count} check-ins", count)
    )


class Stamp(StrEnum):
    """Discord's timestamp styles: each reader sees the moment in their own clock and language."""

    FULL = "F"  # Monday, 5 January 2026 19:00
    SHORT = "f"  # 5 January 2026 19:00
    DATE = "d"  # 05/01/2026
    LONG_DATE = "D"  # 5 January 2026
    TIME = "t"  # 19:00
    RELATIVE = "R"  # in 2 days


def stamp(instant: datetime, style: Stamp = Stamp.FULL) -> str:
    """`<t:UNIX:F>`: a moment as Discord shows it to each reader, never one zone for all."""
    return f"<t:{int(instant.timestamp())}:{style.value}>"


def moment(instant: datetime) -> str:
    """A moment others read, with how far off it is: `Monday, 5 January 19:00 (in 2 days)`."""
    return f"{stamp(instant)} ({stamp(instant, Stamp.RELATIVE)})"


def pinging(members: Iterable[int]) -> discord.AllowedMentions:
    """Exactly these members may be pinged; whatever else the text holds pings nobody."""
    return discord.AllowedMentions(
        everyone=False,
        roles=False,
        replied_user=False,
        users=[discord.Object(id=m) for m in members if m > FORMER_MEMBER],
    )
