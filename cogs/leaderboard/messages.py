"""What the leaderboard says: `/leaderboard`, the public cheer of a confirmed milestone,
and the weekly recap (on its picture and in its message)."""

from __future__ import annotations

from datetime import datetime

from bot.models import Period
from bot.store.recaps import Week
from cogs.common.text import Stamp, stamp, streak_label

# The period in words, as a heading and inside a sentence; counts are rolling windows.
HEADINGS = {Period.WEEK: "this week", Period.MONTH: "the last 30 days", Period.ALL: "all time"}
IN_PERIOD = {Period.WEEK: "this week", Period.MONTH: "in the last 30 days", Period.ALL: "overall"}
# Medals for the first three places; ties share a medal (🥇, 🥈, 🥈, **4**).
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}

EMPTY = "No confirmed milestones yet."
HIDDEN = "You are hidden from the leaderboard (`/profile leaderboard:show` to appear)."
# Mentoring is ranked by nothing: the milestones are the mentee's, and mentors never check in.
MENTOR_UNRANKED = "🧭 You are a **mentor**: your mentee's milestones count for them, not you."
FIRST_WAITING = "You have no confirmed milestones yet. Your first one is waiting!"
CHEER_TITLE = "🎉 Milestone reached!"
CHEER_STREAK = "Check-in streak"
ANONYMOUS = "A member"
# The cheer of a member who erased their data since: no name, no title.
FORGOTTEN = "A member reached a milestone."


def heading(period: Period) -> str:
    return f"**Leaderboard, {HEADINGS[period]}**"


def place_label(place: int) -> str:
    """A place as a medal or a bold number: never `N.`, which Discord renumbers as a list."""
    return MEDALS.get(place, f"**{place}**")


def ordinal(place: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st..."""
    suffix = "th" if 10 <= place % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(place % 10, "th")
    return f"{place}{suffix}"


def milestones(count: int) -> str:
    return f"{count} milestone{'' if count == 1 else 's'}"


def ranked_line(place: int, who: str, confirmed: int, streak: str) -> str:
    """`🥈 @Lena · 🌱 mentee: 2 milestones, 🔥 3 weeks`."""
    return f"{place_label(place)} {who}: {milestones(confirmed)}, 🔥 {streak}"


def your_place(place: int, period: Period, badges: str) -> str:
    return f"You're **{ordinal(place)}** {IN_PERIOD[period]}{badges}."


def elsewhere(period: Period, count: int, wider: Period) -> str:
    """A member ranked in a wider period only: what they have, not "your first is waiting"."""
    return (
        f"Nothing confirmed {IN_PERIOD[period]} yet; "
        f"you have **{milestones(count)}** {IN_PERIOD[wider]}."
    )


def completed(who: str, title: str) -> str:
    return f"{who} completed **{title}**"


# What the recap says, on the picture and in its message.
TITLE = "Weekly recap"
TOP_HEADING = "Top of the week"
DONE_HEADING = "Milestones done"
CHECKINS = ("check-in", "check-ins")
DONE = ("milestone done", "milestones done")
LONGEST = "longest streak"
CHECKED_IN = "checked in"


def counted(count: int, words: tuple[str, str]) -> str:
    return f"{count} {words[count != 1]}"


def announcement(occasion: datetime, week: Week) -> str:
    """The message with the picture: the week (a Discord date each reader sees in their
    own calendar) and what happened in it, in one short line."""
    done = [counted(week.checkins, CHECKINS)] if week.checkins else []
    done += [counted(week.confirmed, DONE)] if week.confirmed else []
    return (
        f"📊 **{TITLE}**, the week to {stamp(occasion, Stamp.LONG_DATE)}: "
        f"{' and '.join(done)}. Keep it up, everyone!"
    )


def streak_words(count: int, weekly: bool) -> str:
    """`2-week streak`, or for a member checking in every two weeks `streak of 3 check-ins`."""
    return f"{count}-week streak" if weekly else f"streak of {streak_label(count, weekly=False)}"


def achievements(confirmed: int, streak: int, weekly: bool) -> str:
    """`1 milestone, 2-week streak`: what a member did, leaving out the nothings."""
    parts = [f"{confirmed} milestone{'' if confirmed == 1 else 's'}"] if confirmed else []
    parts += [streak_words(streak, weekly)] if streak else []
    return ", ".join(parts) or CHECKED_IN


def sentence(who: str, did: str) -> str:
    """`Aiko: 1 milestone, 2-week streak`."""
    return f"{who}: {did}"
