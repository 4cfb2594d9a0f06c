"""What the progress feature says, in the message and on the card, in one place."""

from __future__ import annotations

from bot.i18n import N_, _, ngettext
from bot.ledger import currency_label
from bot.progress import Cell

NOT_YOUR_PARTNER = N_(
    "Progress cards are private to a partnership: you can see your own, or your partner's."
)
SEVERAL_SHARED = N_(
    "You are partners in several courses: name the course, or use this in that"
    " partnership's thread."
)
# The card's colours, explained once in the message posted with it (only those it shows).
# Translators: a week checked in by a call with the partner or by a voice message.
BY_VOICE = N_("🟪 checked in by voice")
COLOURS = {
    Cell.CHECKED: N_("🟩 checked in"),
    Cell.CALL: BY_VOICE,
    Cell.VOICE_MESSAGE: BY_VOICE,
    Cell.MISSED: N_("🟥 missed"),
    Cell.PAUSED: N_("🟦 on a break"),
    Cell.OFF: N_("⬜ off week"),
    Cell.DUE: N_("🔲 due this week"),
}
NO_CHECKINS = N_("Mentors don't check in")


def heading(name: str, course: str, shown: set[Cell]) -> str:
    """The message with a card: whose it is, then what its colours mean (a call and a
    voice message share one colour, explained once)."""
    labels = dict.fromkeys(_(label) for cell, label in COLOURS.items() if cell in shown)
    colours = " · ".join(labels)
    whose = _("**{member}**'s progress in **{course}**", member=name, course=course)
    return whose + (f"\n{colours}" if colours else "")


def together(days: int) -> str:
    """How long the pair has lasted, under the course name on the card."""
    if days == 0:
        return _("paired today")
    return ngettext("together {count} day", "together {count} days", days)


def streak(weekly: bool) -> str:
    """The streak figure's label: weeks, or check-ins for a pair every two weeks."""
    # Translators: under a large number on the progress card ("3", "week streak").
    return _("week streak") if weekly else _("check-ins in a row")


def done(count: int) -> str:
    # Translators: under a large number on a picture ("2", "milestones done").
    return ngettext("milestone done", "milestones done", count)


def pool(currency: str) -> str:
    """The pool figure's label: the server's pledge label (`/setup`), then what it is."""
    # Translators: under a large number on the progress card ("5", "points in the pool");
    # {currency} is the server's pledge label, chosen by its moderators.
    return _("{currency} in the pool", currency=currency_label(currency))
