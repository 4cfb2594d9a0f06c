"""Goals and milestones: how many, how long, and when a due date ends."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from bot.errors import UserError
from bot.schedule import local_instant

MAX_ACTIVE_GOALS = 2
MAX_GOAL_LENGTH = 200
MAX_TITLE_LENGTH = 100
# Milestones one member adds within this long of the first make one notice, pinging once.
ADDED_TOGETHER = timedelta(minutes=1)
_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


def clean_text(text: str, what: str, limit: int) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise UserError(f"Please write the {what}.")
    if len(cleaned) > limit:
        raise UserError(f"The {what} can be at most {limit} characters.")
    return cleaned


def check_goal_count(active: int) -> None:
    if active >= MAX_ACTIVE_GOALS:
        raise UserError(
            f"You already have {MAX_ACTIVE_GOALS} active goals. Too many goals is overwhelm: "
            "close one with `/goal close` first."
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
            f"`{text.strip()[:20]}` is not a date. Use `YYYY-MM-DD`, for example `2026-12-24`."
        )
    try:
        deadline = end_of_day(day, zone)
    except OverflowError:
        raise UserError(
            "That date is too far in the future; pick one within a few years."
        ) from None
    if deadline <= now:
        raise UserError(
            f"{day.isoformat()} has already passed in your time zone ({zone}). Pick a later day."
        )
    return day, deadline
