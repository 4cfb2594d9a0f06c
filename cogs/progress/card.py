"""The progress card: a PNG of one partnership, drawn from `bot.progress.ProgressCard`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from bot.ledger import format_amount
from bot.progress import Cell, MemberProgress, ProgressCard
from cogs.common.pictures import THEME, draw_text, fitted, png, text_width

WIDTH, HEIGHT = 880, 430
MARGIN = 32
NAME_WIDTH = 190
CELL, GAP = 36, 8
ROW_HEIGHT = 112
GRID_TOP = 128
CELL_COLOURS = {
    Cell.CHECKED: THEME.good,
    Cell.PAUSED: THEME.accent,
    Cell.MISSED: THEME.empty,
    Cell.OFF: THEME.off,
    Cell.DUE: THEME.panel,
    Cell.BEFORE: THEME.faint,
    Cell.NOT_ASKED: THEME.faint,
}
LEGEND = (
    (Cell.CHECKED, "checked in"),
    (Cell.PAUSED, "on a break"),
    (Cell.MISSED, "missed"),
    (Cell.OFF, "off-week (every two weeks)"),
)
FILENAME = "progress.png"


@dataclass(frozen=True)
class Person:
    """How a partner is labelled on the card: a display name and a role, if not a peer."""

    name: str
    role: str = ""


def draw_card(card: ProgressCard, people: Mapping[int, Person]) -> bytes:
    """The card as PNG bytes; its text layer holds every value drawn, and nothing else."""
    image = Image.new("RGB", (WIDTH, HEIGHT), THEME.background)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((8, 8, WIDTH - 8, HEIGHT - 8), radius=18, fill=THEME.panel)
    pool = format_amount(card.pool, card.currency)
    age = f"together {card.age_days} day{'' if card.age_days == 1 else 's'}"
    title = fitted(card.course, 28, 560, bold=True)
    draw_text(image, (MARGIN, 26), title, 28, THEME.text, bold=True)
    draw_text(image, (MARGIN, 66), age, 17, THEME.muted)
    pool_label = f"Pool: {pool}"
    draw_text(image, (WIDTH - MARGIN - text_width(pool_label, 20), 30), pool_label, 20, THEME.warn)
    _week_labels(image, card)
    for row, member in enumerate(card.members):
        _member_row(image, member, people[member.user_id], row, weekly=card.weekly)
    _legend(image, card)
    return png(image, drawn(card, people))


def drawn(card: ProgressCard, people: Mapping[int, Person]) -> dict[str, Any]:
    """The values a card shows, as its text layer keeps them."""
    return {
        "course": card.course,
        "age_days": card.age_days,
        "pool": card.pool,
        "pool_label": format_amount(card.pool, card.currency),
        "weeks": [_local(card, week).date().isoformat() for week in card.weeks],
        "cadence": str(card.cadence),
        "members": [
            {
                "id": member.user_id,
                "name": people[member.user_id].name,
                "role": people[member.user_id].role,
                "cells": [str(cell) for cell in member.cells],
                "streak": member.streak if member.checks_in else None,
                "best_streak": member.best_streak if member.checks_in else None,
                "confirmed": member.confirmed,
                "missed": member.missed,
                "open": member.open,
            }
            for member in card.members
        ],
    }


def cell_box(row: int, column: int) -> tuple[int, int, int, int]:
    """Where a grid cell is drawn: row 0 or 1, column 0 (oldest) to 11 (this week)."""
    left = MARGIN + NAME_WIDTH + column * (CELL + GAP)
    top = GRID_TOP + row * ROW_HEIGHT + 30
    return left, top, left + CELL, top + CELL


def _week_labels(image: Image.Image, card: ProgressCard) -> None:
    for column, week in enumerate(card.weeks):
        if column % 3 == 0 or column == len(card.weeks) - 1:
            left = cell_box(0, column)[0]
            draw_text(image, (left, 104), f"{_local(card, week):%d %b}", 13, THEME.muted)


def _local(card: ProgressCard, week: datetime) -> datetime:
    return week.astimezone(ZoneInfo(card.zone))


def _member_row(
    image: Image.Image, member: MemberProgress, person: Person, row: int, *, weekly: bool
) -> None:
    draw = ImageDraw.Draw(image)
    top = GRID_TOP + row * ROW_HEIGHT
    name = fitted(person.name, 20, NAME_WIDTH - 12, bold=True)
    draw_text(image, (MARGIN, top + 30), name, 20, THEME.text, bold=True)
    if person.role:
        draw_text(image, (MARGIN, top + 58), person.role, 15, THEME.muted)
    for column, cell in enumerate(member.cells):
        box = cell_box(row, column)
        draw.rounded_rectangle(box, radius=7, fill=CELL_COLOURS[cell])
        if cell is Cell.DUE:
            draw.rounded_rectangle(box, radius=7, outline=THEME.muted, width=2)
    stats = _stats(member, weekly)
    draw_text(image, (MARGIN + NAME_WIDTH, top + 76), stats, 15, THEME.muted)


def _stats(member: MemberProgress, weekly: bool) -> str:
    if not member.checks_in:
        return "Not asked to check in: confirms their mentee's milestones"
    unit = "wk streak" if weekly else "in a row"
    return (
        f"🔥 {member.streak} {unit} · best {member.best_streak}   "
        f"✅ {member.confirmed} confirmed · ❌ {member.missed} missed · ⏳ {member.open} open"
    )


def _legend(image: Image.Image, card: ProgressCard) -> None:
    draw = ImageDraw.Draw(image)
    left, top = MARGIN, HEIGHT - 56
    shown = {cell for member in card.members for cell in member.cells}
    for cell, label in LEGEND:
        if cell is Cell.OFF and cell not in shown:
            continue
        draw.rounded_rectangle((left, top, left + 18, top + 18), radius=4, fill=CELL_COLOURS[cell])
        left += 26 + draw_text(image, (left + 26, top), label, 14, THEME.muted) + 24
