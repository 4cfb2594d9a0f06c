"""The progress card: a PNG of one partnership, drawn from `bot.progress.ProgressCard`.

Made for a phone, where Discord shows it ~400 px wide: three large figures (a streak,
milestones done, the pool), then a row of weeks per partner, with nothing small to
read. The colours are explained in the message posted with it (`messages.heading`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal

from bot.i18n import _, babel_locale, whole_number
from bot.ledger import MINOR_PER_UNIT
from bot.progress import Cell, MemberProgress, ProgressCard
from cogs.common.pictures import (
    PICTURE_WIDTH,
    SMALLEST_TEXT,
    THEME,
    Canvas,
    fitted,
    in_two_lines,
    text_width,
)
from cogs.progress import messages

MARGIN = 40
INNER = PICTURE_WIDTH - 2 * MARGIN
FIGURES_TOP, FIGURE_SIZE, LABEL_SIZE = 150, 60, 24
LABEL_LINE = 28  # a label's second line, if it needs one, above the weeks' dates
WEEKS_TOP = 290  # the weeks' dates, above the first row
ROWS_TOP = WEEKS_TOP + 40
ROW_HEIGHT = 126
CELL, GAP = 50, 10
HEIGHT = ROWS_TOP + 2 * ROW_HEIGHT + 10
CELL_COLOURS = {
    Cell.CHECKED: THEME.good,
    Cell.CALL: THEME.voice,
    Cell.VOICE_MESSAGE: THEME.voice,
    Cell.MISSED: THEME.bad,
    Cell.PAUSED: THEME.accent,
    Cell.OFF: THEME.muted,
    Cell.DUE: THEME.panel,
    Cell.BEFORE: THEME.faint,
}
FILENAME = "progress.png"


@dataclass(frozen=True)
class Person:
    """How a partner is labelled on the card: a display name and a role, if not a peer."""

    name: str
    role: str = ""


@dataclass(frozen=True)
class Figure:
    """One large number on the card, and the words under it."""

    name: str  # what it counts, for the text layer: streak, confirmed or pool
    value: int
    shown: str
    label: str
    colour: tuple[int, int, int]


def draw_card(card: ProgressCard, people: Mapping[int, Person]) -> bytes:
    """The card as PNG bytes; its text layer holds every value drawn, and nothing else."""
    canvas = Canvas(HEIGHT)
    canvas.text((MARGIN, 34), *_title(card.course), THEME.text, bold=True)
    canvas.text((MARGIN, 88), messages.together(card.age_days), LABEL_SIZE, THEME.muted)
    shown = figures(card)
    column = INNER // len(shown)
    for at, figure in enumerate(shown):
        left = MARGIN + at * column
        canvas.text((left, FIGURES_TOP), figure.shown, FIGURE_SIZE, figure.colour, bold=True)
        for line, label in enumerate(in_two_lines(figure.label, LABEL_SIZE, column - 16)):
            top = FIGURES_TOP + 74 + line * LABEL_LINE
            canvas.text((left, top), label, LABEL_SIZE, THEME.muted)
    _week_labels(canvas, card)
    for row, member in enumerate(card.members):
        _member_row(canvas, member, people[member.user_id], row)
    return canvas.png(drawn(card, people))


def figures(card: ProgressCard) -> tuple[Figure, ...]:
    """The streak and milestones done of whose card it is, and the pair's pool, their
    numbers written as the reader's language writes them."""
    subject = card.members[0]
    return (
        Figure(
            "streak",
            subject.streak,
            whole_number(subject.streak),
            messages.streak(card.weekly),
            THEME.warn,
        ),
        Figure(
            "confirmed",
            subject.confirmed,
            whole_number(subject.confirmed),
            messages.done(subject.confirmed),
            THEME.good,
        ),
        Figure("pool", card.pool, _amount(card.pool), messages.pool(card.currency), THEME.text),
    )


def _amount(minor: int) -> str:
    """An amount in minor units, as a number in the reader's language: cents only if any."""
    pattern = "#,##0" if minor % MINOR_PER_UNIT == 0 else "#,##0.00"
    return format_decimal(Decimal(minor) / MINOR_PER_UNIT, format=pattern, locale=babel_locale())


def _title(course: str) -> tuple[str, int]:
    """The course name, smaller if that makes it fit, cut only if even that does not."""
    size = next((size for size in (40, 34) if text_width(course, size, bold=True) <= INNER), 30)
    return fitted(course, size, INNER, bold=True), size


def drawn(card: ProgressCard, people: Mapping[int, Person]) -> dict[str, Any]:
    """The values a card shows, as its text layer keeps them."""
    return {
        "course": card.course,
        "age_days": card.age_days,
        "weeks": [_local(card, week).date().isoformat() for week in card.weeks],
        "cadence": str(card.cadence),
        "figures": [
            {"name": f.name, "value": f.value, "shown": f.shown, "label": f.label}
            for f in figures(card)
        ],
        "members": [
            {
                "id": member.user_id,
                "name": people[member.user_id].name,
                "role": people[member.user_id].role,
                "cells": [str(cell) for cell in member.cells] if member.checks_in else [],
            }
            for member in card.members
        ],
    }


def shown_cells(card: ProgressCard) -> set[Cell]:
    """The kinds of week the card draws, so the message explains those colours only."""
    return {cell for member in card.members if member.checks_in for cell in member.cells}


def cell_box(row: int, column: int) -> tuple[int, int, int, int]:
    """Where a grid cell is drawn: row 0 or 1, column 0 (the pair's first week) onwards."""
    left = MARGIN + column * (CELL + GAP)
    top = ROWS_TOP + row * ROW_HEIGHT + 46
    return left, top, left + CELL, top + CELL


def _week_labels(canvas: Canvas, card: ProgressCard) -> None:
    """Every other week's date, counted back from this week's, in the reader's zone."""
    last = len(card.weeks) - 1
    for column, week in enumerate(card.weeks):
        if (last - column) % 2 == 0:
            day = _local(card, week)
            canvas.text(
                (cell_box(0, column)[0], WEEKS_TOP),
                week_label(day),
                SMALLEST_TEXT,
                THEME.muted,
            )


def week_label(day: datetime) -> str:
    """A week's date as the reader's language writes it short: `5 Jan`."""
    return format_date(day, "d MMM", locale=babel_locale())


def _local(card: ProgressCard, week: datetime) -> datetime:
    return week.astimezone(ZoneInfo(card.zone))


def _member_row(canvas: Canvas, member: MemberProgress, person: Person, row: int) -> None:
    top = ROWS_TOP + row * ROW_HEIGHT
    name = fitted(person.name, 30, INNER - (text_width(person.role, LABEL_SIZE) + 16), bold=True)
    width = canvas.text((MARGIN, top), name, 30, THEME.text, bold=True)
    if person.role:
        canvas.text((MARGIN + width + 16, top + 5), person.role, LABEL_SIZE, THEME.muted)
    if not member.checks_in:
        canvas.text((MARGIN, top + 56), _(messages.NO_CHECKINS), LABEL_SIZE, THEME.muted)
        return
    for column, cell in enumerate(member.cells):
        box = cell_box(row, column)
        canvas.draw.rounded_rectangle(box, radius=10, fill=CELL_COLOURS[cell])
        if cell is Cell.DUE:
            canvas.draw.rounded_rectangle(box, radius=10, outline=THEME.muted, width=4)
