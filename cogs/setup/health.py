"""The health picture (`/setup health:True`): a server's partnerships at a glance, for its
moderators.

Made for a phone, where Discord shows it ~400 px wide: three large figures (active pairs,
pairs with a quiet partner, members waiting), the share of check-ins made in each of the
last eight weeks as bars, the milestones of the last 30 days, the courses with the most
members waiting and what keeps them apart, and what Tandem could not do. Weeks are
labelled by their Monday (UTC); the PNG carries every value it drew.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel.dates import format_date

from bot.health import UNDELIVERABLE_COUNTED, WEEKS_SHOWN, CourseWait, Health, WeekShare
from bot.i18n import _, babel_locale, ngettext
from cogs.common.pictures import (
    PICTURE_WIDTH,
    SMALLEST_TEXT,
    THEME,
    Canvas,
    fitted,
    in_two_lines,
    text_width,
)
from cogs.setup import messages

FILENAME = "health.png"
MARGIN = 40
INNER = PICTURE_WIDTH - 2 * MARGIN
FIGURES_TOP, FIGURE_SIZE, LABEL_SIZE = 150, 60, 24
FIGURE_SIZES = (FIGURE_SIZE, 48, 40)  # a large number is drawn smaller to fit its column
LABEL_LINE = 28  # a figure's label, if it needs two lines
CHART_TOP = 290  # the chart's heading
HEADING_SIZE, LINE_SIZE, LINE_HEIGHT = 28, 26, 42
PERCENT_TOP = CHART_TOP + 52
BARS_TOP = PERCENT_TOP + 34
BAR_HEIGHT, BAR_WIDTH = 150, 60
COLUMN = INNER // WEEKS_SHOWN
WEEKS_TOP = BARS_TOP + BAR_HEIGHT + 10
LINES_TOP = WEEKS_TOP + 56
BOTTOM = 28
NOTHING_DUE = "–"  # a week in which no check-in was asked
# A week whose share reaches these is drawn green, then amber; below, red.
GOOD_SHARE, FAIR_SHARE = 0.75, 0.5


def drawn(health: Health, missing_permissions: int, now: datetime) -> dict[str, Any]:
    """The values a health picture shows, as its text layer keeps them."""
    return {
        "active_pairs": health.active_pairs,
        "quiet_pairs": health.quiet_pairs,
        "waiting": health.waiting,
        "weeks": [
            {
                "week": week.starts.date().isoformat(),
                "due": week.due,
                "made": week.made,
                "percent": None if week.share is None else round(week.share * 100),
            }
            for week in health.weeks
        ],
        "milestones": {"confirmed": health.confirmed, "missed": health.missed},
        "courses": [
            {
                "course": course.course,
                "waiting": course.waiting,
                "days": _days_waited(course, now),
                "blocker": None if course.blocker is None else str(course.blocker),
            }
            for course in health.courses
        ],
        "undeliverable": health.undeliverable,
        "missing_permissions": missing_permissions,
    }


def draw_health(health: Health, missing_permissions: int, now: datetime) -> bytes:
    lines = _lines(health, missing_permissions, now)
    canvas = Canvas(LINES_TOP + sum(line.height for line in lines) + BOTTOM)
    canvas.text((MARGIN, 34), _(messages.HEALTH_TITLE), 40, THEME.text, bold=True)
    # Translators: under the health picture's title; {date} is today's date.
    as_of = _("As of {date} (UTC)", date=format_date(now, "medium", locale=babel_locale()))
    canvas.text((MARGIN, 88), as_of, LABEL_SIZE, THEME.muted)
    _figures(canvas, health)
    _chart(canvas, health.weeks)
    top = LINES_TOP
    for line in lines:
        canvas.text((MARGIN, top), line.text, line.size, line.colour, bold=line.bold)
        top += line.height
    return canvas.png(drawn(health, missing_permissions, now))


def _figures(canvas: Canvas, health: Health) -> None:
    """Three large numbers: active pairs, pairs with a quiet partner, members waiting."""
    figures = (
        (health.active_pairs, ngettext("active pair", "active pairs", health.active_pairs)),
        (health.quiet_pairs, ngettext("quiet 14+ days", "quiet 14+ days", health.quiet_pairs)),
        (health.waiting, ngettext("member waiting", "members waiting", health.waiting)),
    )
    colours = (THEME.accent, THEME.warn if health.quiet_pairs else THEME.muted, THEME.text)
    column = INNER // len(figures)
    for at, ((count, label), colour) in enumerate(zip(figures, colours, strict=True)):
        left = MARGIN + at * column
        value = messages.number(count)
        size = next(
            (fits for fits in FIGURE_SIZES if text_width(value, fits, bold=True) <= column - 16),
            FIGURE_SIZES[-1],
        )
        canvas.text((left, FIGURES_TOP + FIGURE_SIZE - size), value, size, colour, bold=True)
        for line, part in enumerate(in_two_lines(label, LABEL_SIZE, column - 16)):
            top = FIGURES_TOP + 74 + line * LABEL_LINE
            canvas.text((left, top), part, LABEL_SIZE, THEME.muted)


def _chart(canvas: Canvas, weeks: Sequence[WeekShare]) -> None:
    """A bar per week, its share of check-ins made above it and its Monday below."""
    canvas.text(
        (MARGIN, CHART_TOP), _(messages.CHECKINS_HEADING), HEADING_SIZE, THEME.text, bold=True
    )
    for column, week in enumerate(weeks):
        left = MARGIN + column * COLUMN
        share = week.share
        canvas.draw.rectangle(
            (left, BARS_TOP, left + BAR_WIDTH, BARS_TOP + BAR_HEIGHT), fill=THEME.empty
        )
        if share is None:
            label, colour = NOTHING_DUE, THEME.muted
        else:
            label, colour = messages.percent(share), _bar_colour(share)
            filled = round(BAR_HEIGHT * share)
            canvas.draw.rectangle(
                (left, BARS_TOP + BAR_HEIGHT - filled, left + BAR_WIDTH, BARS_TOP + BAR_HEIGHT),
                fill=colour,
            )
        canvas.text((left, PERCENT_TOP), label, SMALLEST_TEXT, colour, bold=share is not None)
        day = format_date(week.starts, "d MMM", locale=babel_locale())
        canvas.text(
            (left, WEEKS_TOP), fitted(day, SMALLEST_TEXT, COLUMN - 6), SMALLEST_TEXT, THEME.muted
        )


def _bar_colour(share: float) -> tuple[int, int, int]:
    if share >= GOOD_SHARE:
        return THEME.good
    return THEME.warn if share >= FAIR_SHARE else THEME.bad


@dataclass(frozen=True)
class Line:
    """One line under the chart, and the room it takes."""

    text: str
    colour: tuple[int, int, int]
    size: int = LINE_SIZE
    height: int = LINE_HEIGHT
    bold: bool = False


def _lines(health: Health, missing_permissions: int, now: datetime) -> list[Line]:
    """Under the chart: the milestones, the courses with members waiting (each its name,
    then what is said of it), what Tandem could not do."""
    lines = _fitting(
        # Translators: milestones confirmed and missed in the last 30 days, as counts.
        _(
            "Milestones, last 30 days: {confirmed} confirmed · {missed} missed",
            confirmed=messages.number(health.confirmed),
            missed=messages.number(health.missed),
        ),
        THEME.text,
    )
    if health.courses:
        lines.append(Line(_(messages.WAITING_HEADING), THEME.text, HEADING_SIZE, bold=True))
    for course in health.courses:
        lines.append(Line(fitted(course.course, LINE_SIZE, INNER), THEME.text, height=36))
        lines.append(Line(_course_said(course, now), THEME.muted, LABEL_SIZE))
    lines += _problems_lines(health.undeliverable, missing_permissions)
    return lines


def _course_said(course: CourseWait, now: datetime) -> str:
    """How many wait in a course, the longest for how long, and what keeps them apart."""
    said = [
        # Translators: members waiting for a partner in one course.
        ngettext(
            "{count} waiting",
            "{count} waiting",
            course.waiting,
            count=messages.number(course.waiting),
        ),
        ngettext("longest {count} day", "longest {count} days", _days_waited(course, now)),
    ]
    if course.blocker is not None:
        said.append(_(messages.BLOCKERS[course.blocker]))
    return fitted(" · ".join(said), LABEL_SIZE, INNER)


def _problems_lines(undeliverable: int, missing_permissions: int) -> list[Line]:
    if not undeliverable and not missing_permissions:
        return _fitting(_(messages.EVERYTHING_WORKS), THEME.good)
    said = []
    if undeliverable:
        said.append(
            ngettext(
                "{count} undeliverable message",
                "{count} undeliverable messages",
                undeliverable,
                count=messages.number(undeliverable, UNDELIVERABLE_COUNTED),
            )
        )
    if missing_permissions:
        said.append(
            ngettext(
                "{count} missing permission", "{count} missing permissions", missing_permissions
            )
        )
    return _fitting(" · ".join(said), THEME.bad)


def _fitting(text: str, colour: tuple[int, int, int]) -> list[Line]:
    """A line under the chart, on two where it does not fit on one: a large server's
    counts, or a language of longer words, need the room."""
    return [Line(part, colour) for part in in_two_lines(text, LINE_SIZE, INNER)]


def _days_waited(course: CourseWait, now: datetime) -> int:
    return max((now - course.since).days, 0)
