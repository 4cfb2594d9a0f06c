"""Places in a ranking where equal scores share a place (1, 2, 2, 4), as sport does."""

from __future__ import annotations

from collections.abc import Sequence


def shared_places(scores: Sequence[tuple[int, ...]]) -> list[int]:
    """The place of each score in a list sorted best first.

    A score equal to the one before it shares its place; the next different one takes
    its position, so a list and "You are #N" (counted as members strictly ahead, plus
    one) always agree.
    """
    places: list[int] = []
    for position, score in enumerate(scores, start=1):
        tied = bool(places) and score == scores[position - 2]
        places.append(places[-1] if tied else position)
    return places
