"""The weekly recap: a picture of the week's confirmed milestones and the top of the board.

Posted in the leaderboard channel at each server's recap time (`/setup recap_day`,
`recap_time`, `recap_timezone`), once per week, through the outbox. Members who hide from
the leaderboard are neither ranked nor named; check-in answers are never shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from bot.app import TandemBot
from bot.models import Partnership
from bot.ranking import shared_places
from bot.scheduler import Job
from bot.store.leaderboard import Ranked
from bot.store.outbox import OutboxRow
from bot.store.recaps import Confirmed, Recap
from cogs.common.outbox import Rendered
from cogs.common.pictures import THEME, display_name, draw_text, drawn_in_thread, fitted, png
from cogs.common.text import badges

WIDTH, HEIGHT = 880, 440
MARGIN = 32
LISTED = 8
TOP = 5
FILENAME = "weekly-recap.png"


def recaps_job(bot: TandemBot) -> Job:
    store = bot.store.recaps
    return Job("recaps", store.queue_due, store.next_due)


async def render_recap(
    bot: TandemBot, row: OutboxRow, _partnership: Partnership | None
) -> Rendered | None:
    """Drawn from the store as it is now, about the week fixed when it was queued.

    A week in which no milestone was confirmed posts nothing: there is nobody to cheer.
    """
    recap = await bot.store.recaps.recap(row.episode)
    if recap is None:
        return None
    count, confirmed = await bot.store.recaps.confirmed_in_week(recap, LISTED)
    if not count:
        return None
    top = await bot.store.recaps.top_of_week(recap, TOP)
    names = await _names(bot, recap.guild_id, confirmed, top)
    roles = await bot.store.partnerships.active_roles(recap.guild_id, [r.user_id for r in top])
    shown = Shown(names, {user_id: badges(found) for user_id, found in roles.items()})
    picture = await drawn_in_thread(lambda: draw_recap(recap, count, confirmed, top, shown))
    start, end = _local_week(recap)
    return Rendered(
        content=f"📊 **Weekly recap**, {start:%d %b} to {end:%d %b}: "
        f"{count} milestone{'' if count == 1 else 's'} confirmed. Keep going, everyone!",
        picture=(FILENAME, picture),
    )


async def _names(
    bot: TandemBot, guild_id: int, confirmed: list[Confirmed], top: list[Ranked]
) -> dict[int, str]:
    shown = {item.owner_id for item in confirmed if item.owner_id} | {r.user_id for r in top}
    return {user_id: await display_name(bot, guild_id, user_id) for user_id in shown}


@dataclass(frozen=True)
class Shown:
    """How members appear on a recap: display names, and role badges in the top of the
    week as the leaderboard shows them (" · 🌱 mentee"; none for a peer)."""

    names: Mapping[int, str]
    badges: Mapping[int, str] = field(default_factory=dict)


def drawn(
    recap: Recap,
    count: int,
    confirmed: list[Confirmed],
    top: list[Ranked],
    shown: Shown,
) -> dict[str, Any]:
    """The values a recap shows, as its text layer keeps them."""
    names = shown.names
    start, end = _local_week(recap)
    places = shared_places([(r.confirmed, r.streak) for r in top])
    return {
        "week": [start.isoformat(), end.isoformat()],
        "confirmed_count": count,
        "confirmed": [
            {"id": item.owner_id, "name": _who(item, names), "title": item.title}
            for item in confirmed
        ],
        "top": [
            {
                "place": place,
                "id": r.user_id,
                "name": names[r.user_id],
                "badge": shown.badges.get(r.user_id, ""),
                "confirmed": r.confirmed,
                "streak": r.streak,
            }
            for place, r in zip(places, top, strict=True)
        ],
    }


def _local_week(recap: Recap) -> tuple[datetime, datetime]:
    """The recap's week on the clocks of the zone its time was set in."""
    zone = ZoneInfo(recap.zone)
    return recap.starts.astimezone(zone), recap.occasion.astimezone(zone)


def _who(item: Confirmed, names: Mapping[int, str]) -> str:
    return names[item.owner_id] if item.owner_id else "A member"


def draw_recap(
    recap: Recap,
    count: int,
    confirmed: list[Confirmed],
    top: list[Ranked],
    shown: Shown,
) -> bytes:
    values = drawn(recap, count, confirmed, top, shown)
    image = Image.new("RGB", (WIDTH, HEIGHT), THEME.background)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((8, 8, WIDTH - 8, HEIGHT - 8), radius=18, fill=THEME.panel)
    start, end = _local_week(recap)
    draw_text(image, (MARGIN, 26), "Weekly recap", 28, THEME.text, bold=True)
    draw_text(image, (MARGIN, 66), f"{start:%d %b} – {end:%d %b %Y}", 17, THEME.muted)
    half = WIDTH // 2
    draw_text(image, (MARGIN, 110), f"✅ {count} confirmed this week", 19, THEME.good, bold=True)
    for line, item in enumerate(values["confirmed"]):
        text = fitted(f"{item['name']}: {item['title']}", 16, half - MARGIN - 24)
        draw_text(image, (MARGIN, 146 + line * 30), text, 16, THEME.text)
    if count > len(confirmed):
        more = f"and {count - len(confirmed)} more"
        draw_text(image, (MARGIN, 146 + len(confirmed) * 30), more, 15, THEME.muted)
    draw_text(image, (half, 110), "🏆 Top of the week", 19, THEME.warn, bold=True)
    for line, ranked in enumerate(values["top"]):
        text = (
            f"{ranked['place']}. {ranked['name']}{ranked['badge']}:"
            f" {ranked['confirmed']} · 🔥 {ranked['streak']}"
        )
        draw_text(image, (half, 146 + line * 36), fitted(text, 18, half - MARGIN), 18, THEME.text)
    return png(image, values)
