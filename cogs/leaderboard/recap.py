"""The weekly recap: a picture of the week's check-ins, milestones and the members behind them.

Posted in the leaderboard channel at each server's recap time (`/setup recap_day`,
`recap_time`, `recap_timezone`), once per week in which members checked in or finished a
milestone, through the outbox. Made for a phone (~400 px wide): large figures, then a
sentence per member, the picture as tall as what it says. Members who hide from the
leaderboard are neither ranked nor named; check-in answers are never shown.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.app import TandemBot
from bot.i18n import _, babel_locale, whole_number
from bot.models import Partnership
from bot.ranking import shared_places
from bot.scheduler import Job
from bot.store.leaderboard import Ranked
from bot.store.outbox import OutboxRow
from bot.store.recaps import Confirmed, Recap, Week
from cogs.common.outbox import Rendered
from cogs.common.pictures import (
    THEME,
    Canvas,
    display_name,
    drawn_in_thread,
    fitted,
    text_width,
)
from cogs.common.text import badges
from cogs.leaderboard.messages import (
    ANONYMOUS,
    DONE_HEADING,
    LONGEST,
    MEDALS,
    TITLE,
    TOP_HEADING,
    achievements,
    announcement,
    checkins_figure,
    confirmed_line,
    done_figure,
    more,
    name_line,
    sentence,
)

LISTED_MEMBERS = 5
LISTED_MILESTONES = 5
FILENAME = "weekly-recap.png"


def recaps_job(bot: TandemBot) -> Job:
    store = bot.store.recaps
    return Job("recaps", store.queue_due, store.next_due)


async def render_recap(
    bot: TandemBot, row: OutboxRow, _partnership: Partnership | None
) -> Rendered | None:
    """Drawn from the store as it is now, about the week fixed when it was queued.

    A week in which nobody checked in and no milestone was confirmed posts nothing.
    """
    recap = await bot.store.recaps.recap(row.episode)
    if recap is None:
        return None
    week = await bot.store.recaps.week(recap, LISTED_MEMBERS, LISTED_MILESTONES)
    if week.quiet:
        return None
    ranked = [r.user_id for r in week.top]
    named = {item.owner_id for item in week.milestones if item.owner_id} | set(ranked)
    seats = await bot.store.partnerships.badges(recap.guild_id, ranked)
    shown = Shown(
        names={user_id: await display_name(bot, recap.guild_id, user_id) for user_id in named},
        badges={user_id: badges(found) for user_id, found in seats.roles.items()},
        fortnightly=seats.fortnightly,
    )
    picture = await drawn_in_thread(lambda: draw_recap(recap, week, shown))
    return Rendered(content=announcement(recap.occasion, week), picture=(FILENAME, picture))


@dataclass(frozen=True)
class Shown:
    """How members appear on a recap: display names, role badges in the top of the week
    as the leaderboard shows them (" · 🌱 mentee"; none for a peer), and who checks in
    every two weeks (their streak counts check-ins, not weeks)."""

    names: Mapping[int, str]
    badges: Mapping[int, str] = field(default_factory=dict)
    fortnightly: Collection[int] = frozenset()


def drawn(recap: Recap, week: Week, shown: Shown) -> dict[str, Any]:
    """The values a recap shows, as its text layer keeps them."""
    names = shown.names
    start, end = _local_week(recap)
    places = shared_places([(r.confirmed, r.streak) for r in week.top])
    return {
        "week": [start.isoformat(), end.isoformat()],
        "checkins": week.checkins,
        "confirmed_count": week.confirmed,
        "longest_streak": week.longest_streak,
        "confirmed": [
            {"id": item.owner_id, "name": _who(item, names), "title": item.title}
            for item in week.milestones
        ],
        "top": [_ranked(place, r, shown) for place, r in zip(places, week.top, strict=True)],
    }


def _ranked(place: int, ranked: Ranked, shown: Shown) -> dict[str, Any]:
    """One member of the top of the week, as the text layer keeps them."""
    badge = shown.badges.get(ranked.user_id, "")
    who = shown.names[ranked.user_id] + badge
    did = achievements(
        ranked.confirmed, ranked.streak, weekly=ranked.user_id not in shown.fortnightly
    )
    return {
        "place": place,
        "id": ranked.user_id,
        "name": shown.names[ranked.user_id],
        "badge": badge,
        "confirmed": ranked.confirmed,
        "streak": ranked.streak,
        "who": who,
        "did": did,
        "sentence": sentence(who, did),
    }


def _local_week(recap: Recap) -> tuple[datetime, datetime]:
    """The recap's week on the clocks of the zone its time was set in."""
    zone = ZoneInfo(recap.zone)
    return recap.starts.astimezone(zone), recap.occasion.astimezone(zone)


def week_dates(start: datetime, end: datetime) -> str:
    """The recap's week as the reader's language writes dates: `28 Dec – 4 Jan 2026`."""
    first = format_date(start, "d MMM", locale=babel_locale())
    return f"{first} – {format_date(end, 'd MMM y', locale=babel_locale())}"


def _who(item: Confirmed, names: Mapping[int, str]) -> str:
    return names[item.owner_id] if item.owner_id else _(ANONYMOUS)


# The picture's layout, 800 px wide (shown 400 px wide on a phone): the figures, then
# its lines, the picture as tall as they are.
MARGIN = 40
INNER = 720
FIGURES_TOP = 150
LINES_TOP = FIGURES_TOP + 130
BOTTOM = 28
MEDAL_WIDTH = 48


@dataclass(frozen=True)
class Line:
    """One line under the figures, and the room it takes (a heading has space above)."""

    text: str
    size: int
    colour: tuple[int, int, int]
    height: int = 44
    above: int = 0
    bold: bool = False
    medal: str | None = None  # a ranked line's medal, "" past the third place


def draw_recap(recap: Recap, week: Week, shown: Shown) -> bytes:
    values = drawn(recap, week, shown)
    lines = _lines(values, unlisted=week.confirmed - len(week.milestones))
    canvas = Canvas(LINES_TOP + sum(line.above + line.height for line in lines) + BOTTOM)
    start, end = _local_week(recap)
    canvas.text((MARGIN, 34), _(TITLE), 40, THEME.text, bold=True)
    canvas.text((MARGIN, 88), week_dates(start, end), 24, THEME.muted)
    _figures(canvas, week)
    top = LINES_TOP
    for line in lines:
        top += line.above
        left = MARGIN
        if line.medal is not None:
            if line.medal:
                canvas.text((left, top), line.medal, line.size, line.colour)
            left += MEDAL_WIDTH
        text = fitted(line.text, line.size, INNER - (left - MARGIN), bold=line.bold)
        canvas.text((left, top), text, line.size, line.colour, bold=line.bold)
        top += line.height
    return canvas.png(values)


def _lines(values: Mapping[str, Any], unlisted: int) -> list[Line]:
    """The top of the week in sentences, then the milestones done, each under a heading."""
    lines: list[Line] = []
    if values["top"]:
        lines.append(Line(f"🏆 {_(TOP_HEADING)}", 28, THEME.warn, height=50, bold=True))
        for ranked in values["top"]:
            lines += _sentence_lines(ranked)
    if values["confirmed"]:
        above = 24 if lines else 0
        done = Line(f"✅ {_(DONE_HEADING)}", 28, THEME.good, height=50, above=above, bold=True)
        lines.append(done)
        lines += [
            Line(confirmed_line(item["name"], item["title"]), 26, THEME.text)
            for item in values["confirmed"]
        ]
    if unlisted > 0:
        lines.append(Line(more(unlisted), 24, THEME.muted))
    return lines


def _sentence_lines(ranked: Mapping[str, Any]) -> list[Line]:
    """A member's sentence on one line, or, too long for one, their name on the first and
    what they did beneath it, so nothing they did is cut."""
    medal = MEDALS.get(ranked["place"], "")
    if text_width(ranked["sentence"], 28) <= INNER - MEDAL_WIDTH:
        return [Line(ranked["sentence"], 28, THEME.text, medal=medal)]
    return [
        Line(name_line(ranked["who"]), 28, THEME.text, height=38, medal=medal),
        Line(ranked["did"], 28, THEME.text, medal=""),
    ]


def _figures(canvas: Canvas, week: Week) -> None:
    """Two or three large numbers: check-ins, milestones done, the longest streak."""
    figures = [
        (whole_number(week.checkins), checkins_figure(week.checkins), THEME.accent),
        (
            whole_number(week.confirmed),
            done_figure(week.confirmed),
            THEME.good if week.confirmed else THEME.muted,
        ),
    ]
    if week.longest_streak:
        figures.append((f"🔥{whole_number(week.longest_streak)}", _(LONGEST), THEME.warn))
    column = INNER // 3
    for at, (value, label, colour) in enumerate(figures):
        left = MARGIN + at * column
        canvas.text((left, FIGURES_TOP), value, 60, colour, bold=True)
        canvas.text((left, FIGURES_TOP + 74), label, 24, THEME.muted)
