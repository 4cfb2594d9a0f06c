"""Option values members type by hand where Discord offers a list."""

from __future__ import annotations

import re
from typing import Literal

from bot.errors import UserError
from bot.i18n import N_, _

# The most choices Discord shows for an option.
AUTOCOMPLETE_LIMIT = 25
# ASCII digits only: `str.isdigit` also accepts superscripts and other scripts' digits.
_ID = re.compile(r"[0-9]{1,19}")
# The largest integer SQLite stores; anything longer was never one of our ids.
MAX_ID = 2**63 - 1
# What a list offers, each refused in a whole sentence when something else is typed.
Listed = Literal["goals", "milestones", "pools"]
_PICK_ONE: dict[Listed, str] = {
    "goals": N_("Pick one of your goals from the list."),
    "milestones": N_("Pick one of your milestones from the list."),
    "pools": N_("Pick one of your pools from the list."),
}


def picked_id(value: str, what: Listed) -> int:
    """The id behind an autocompleted choice; anything typed instead gets a clear refusal."""
    text = value.strip()
    if not _ID.fullmatch(text) or int(text) > MAX_ID:
        raise UserError(_(_PICK_ONE[what]))
    return int(text)
