"""Goals and milestones: how many, how long, and when a due date ends."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Literal

from bot.errors import UserError
from bot.i18n import N_, _, ngettext
from bot.schedule import local_instant

MAX_ACTIVE_GOALS = 2
MAX_GOAL_LENGTH = 200
MAX_TITLE_LENGTH = 100
# Milestones one member adds within this long of the first make one notice, pinging once.
ADDED_TOGETHER = timedelta(minutes=1)
_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
# The texts members write, each refused in whole sentences when blank.
Written = Literal["goal", "done when", "milestone title", "note"]
_BLANK: dict[Written, str] = {
    "goal": N_("Please write the goal."),
    "done when": N_("Please write the “done when”."),
    "milestone title": N_("Please write the milestone title."),
    "note": N_("Please write the note."),
}


def clean_text(text: str, what: Written, limit: int) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise UserError(_(_BLANK[what]))
    if len(cleaned) > limit:
        raise UserError(_too_long(what, limit))
    return cleaned


def _too_long(what: Written, limit: int) -> str:
    if what == "goal":
        return ngettext(
            "The goal can be at most {count} character.",
            "The goal can be at most {count} characters.",
            limit,
        )
    if what == "done when":
        return ngettext(
            "The “done when” can be at most {count} character.",
            "The “done when” can be at most {count} characters.",
            limit,
        )
    if what == "milestone title":
        return ngettext(
            "The milestone title can be at most {count} character.",
            "The milestone title can be at most {count} characters.",
            limit,
        )
    return ngettext(
        "The note can be at most {count} character.",
        "The note can be at most {count} characters.",
        limit,
    )


def check_goal_count(active: int) -> None:
    if active >= MAX_ACTIVE_GOALS:
        raise UserError(
            ngettext(
                "You already have {count} active goal. Too many goals is overwhelm: "
                "close one with `/goal close` first.",
                "You already have {count} active goals. Too many goals is overwhelm: "
                "close one with `/goal close` first.",
                MAX_ACTIVE_GOALS,
            )
        )


def end_of_day(day: date, zone: str) -> datetime:
    """The deadline of a due date: the moment that day ends in the member's zone."""
    return local_instant(day + timedelta(days=1), 0, zone)


def parse_due(text: str, zone: str, now: datetime) -> tuple[date, datetime]:
    """`YYYY-MM-DD` that has not yet ended in the member's zone, and its deadline."""
    match = _DATE.match(text)
    try:
        day = date(int(match[1]), int(match[2]), int(match[3])) if match else None
    except (ValueError, OverflowError):
        day = None
    if day is None:
        raise UserError(
            _(
                "`{typed}` is not a date. Use `YYYY-MM-DD`, for example `2026-12-24`.",
                typed=text.strip()[:20],
            )
        )
    try:
        deadline = end_of_day(day, zone)
    except OverflowError:
        raise UserError(
            _("That date is too far in the future; pick one within a few years.")
        ) from None
    if deadline <= now:
        raise UserError(
            _(
                "{day} has already passed in your time zone ({zone}). Pick a later day.",
                day=day.isoformat(),
                zone=zone,
            )
        )
    return day, deadline
