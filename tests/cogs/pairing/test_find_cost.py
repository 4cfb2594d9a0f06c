"""What a `/partner find` that pairs nobody asks of the database (issue 24): the same
statements however long the course's queue, the server's settings read once, and none
that could be one with another."""

from __future__ import annotations

from typing import Any

from tests.helpers import Server, find, reply, statements_sent

FAST = {"pace": 40}


def slow(number: int) -> dict[str, Any]:
    """Too slow for FAST (twice the pace at most), and four hours from every other slow
    member in the week (three at most): nobody waiting fits anybody."""
    hours = 4 * number
    return {"pace": 5, "checkin_day": hours // 24, "checkin_time": f"{hours % 24:02}:00"}


async def finding(ready: Server, name: str) -> list[str]:
    """The statements of a newcomer's `/partner find` that leaves them waiting; they
    leave the queue again."""
    newcomer = ready.member(name)
    with statements_sent(ready) as sent:
        result = await find(ready, newcomer, **FAST)
    assert "added you to the queue" in reply(result)
    await newcomer.slash(ready.general, "partner leave_queue")
    return sent


async def test_a_finder_who_fits_nobody_asks_the_same_of_a_long_queue(ready: Server) -> None:
    for number in range(2):
        await find(ready, ready.member(f"slow {number}"), **slow(number))
    short = await finding(ready, "first newcomer")
    for number in range(2, 40):
        await find(ready, ready.member(f"slow {number}"), **slow(number))

    long = await finding(ready, "second newcomer")

    assert long == short
    assert sum("FROM guild_settings" in sql for sql in long) == 1  # the check's, reused
    # The member's language, the check's settings, joining (four in one transaction),
    # the search (two) and why nobody fits (one): more would be the cost of a regression.
    assert len(long) <= 9, long
