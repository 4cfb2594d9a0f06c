"""Pledges and the shared pool: integer minor units, append-only entries, exact sums.

A pool's balance is never stored; it is always the sum of its entries. Each entry
carries an idempotency key that names the event it records (a milestone missed at a
given deadline, a settlement proposal accepted), so recording an event twice is a
no-op.
"""

from __future__ import annotations

from datetime import datetime

from bot.errors import UserError
from bot.i18n import _
from bot.models import DEFAULT_CURRENCY

MINOR_PER_UNIT = 100
# What a settlement's note ("what the pool was used for") may hold.
MAX_NOTE_LENGTH = 200


def stake_in_minor_units(stake: float, max_stake: int, currency: str) -> int:
    """A pledge in whole units, as typed, to integer minor units for storage."""
    if stake < 0:
        raise UserError(_("A pledge can't be negative. Use 0 for no pledge."))
    if not float(stake).is_integer():
        raise UserError(
            # Translators: {currency} is the server's name for pledges, such as "points".
            _("Pledge whole {currency}, like 5 or 20, not {stake}.", currency=currency, stake=stake)
        )
    if stake > max_stake:
        raise UserError(
            _(
                "The largest pledge in this server is {max_stake} {currency}.",
                max_stake=max_stake,
                currency=currency,
            )
        )
    return int(stake) * MINOR_PER_UNIT


def pledge_from_text(text: str) -> float:
    """A pledge typed into a form (where no number option checks it): blank means none."""
    typed = text.strip()
    if not typed:
        return 0.0
    try:
        return float(typed)
    except ValueError:
        raise UserError(
            _("`{typed}` is not a number. Pledge 0 for none, or 5, or 20.", typed=typed[:20])
        ) from None


def miss_key(milestone_id: int, deadline: datetime) -> str:
    return f"miss:{milestone_id}:{int(deadline.timestamp())}"


def settle_key(proposal_id: int) -> str:
    return f"settle:{proposal_id}"


def settlement_amount(current_balance: int) -> int:
    """The entry that brings the pool to exactly zero."""
    if current_balance <= 0:
        raise UserError(_("The pool is empty: there is nothing to settle."))
    return -current_balance


def format_amount(minor: int, currency: str) -> str:
    units, cents = divmod(abs(minor), MINOR_PER_UNIT)
    sign = "-" if minor < 0 else ""
    return f"{sign}{units}{f'.{cents:02d}' if cents else ''} {currency_label(currency)}"


def currency_label(currency: str) -> str:
    """The server's pledge unit as members read it: the word a moderator chose, as written,
    or the default `points` in the reader's language."""
    return _(DEFAULT_CURRENCY) if currency == DEFAULT_CURRENCY else currency
