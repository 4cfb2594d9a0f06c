"""Option values members type by hand where Discord offers a list."""

from __future__ import annotations

import re

from bot.errors import UserError

# The most choices Discord shows for an option.
AUTOCOMPLETE_LIMIT = 25
# ASCII digits only: `str.isdigit` also accepts superscripts and other scripts' digits.
_ID = re.compile(r"[0-9]{1,19}")
# The largest integer SQLite stores; anything longer was never one of our ids.
MAX_ID = 2**63 - 1


def picked_id(value: str, what: str) -> int:
    """The id behind an autocompleted choice; anything typed instead gets a clear refusal."""
    text = value.strip()
    if not _ID.fullmatch(text) or int(text) > MAX_ID:
        raise UserError(f"Pick one of your {what} from the list.")
    return int(text)
