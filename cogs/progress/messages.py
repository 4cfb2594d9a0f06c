"""What the progress feature says, in the message and on the card, in one place."""

from __future__ import annotations

from bot.progress import Cell

NOT_YOUR_PARTNER = (
    "Progress cards are private to a partnership: you can see your own, or your partner's."
)
SEVERAL_SHARED = (
    "You are partners in several courses: name the course, or use this in that"
    " partnership's thread."
)
# The card's colours, explained once in the message posted with it (only those it shows).
COLOURS = {
    Cell.CHECKED: "🟩 checked in",
    Cell.MISSED: "🟥 missed",
    Cell.PAUSED: "🟦 on a break",
    Cell.OFF: "⬜ off week",
    Cell.DUE: "🔲 due this week",
}
NO_CHECKINS = "Mentors don't check in"
POOL = "in the pool"
DONE = ("milestone done", "milestones done")


def heading(name: str, course: str, shown: set[Cell]) -> str:
    """The message with a card: whose it is, then what its colours mean."""
    colours = " · ".join(label for cell, label in COLOURS.items() if cell in shown)
    return f"**{name}**'s progress in **{course}**" + (f"\n{colours}" if colours else "")


def together(days: int) -> str:
    return "paired today" if days == 0 else f"together {days} day{'' if days == 1 else 's'}"


def streak(weekly: bool) -> str:
    """The streak figure's label: weeks, or check-ins for a pair every two weeks."""
    return "week streak" if weekly else "check-ins in a row"


def done(count: int) -> str:
    return DONE[count != 1]
