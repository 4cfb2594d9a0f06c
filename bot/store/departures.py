"""Members who are gone: out of every queue, their invitations and requests withdrawn.

Without the members intent Tandem only learns of a departure when it looks a member up
(`forget_waiting`); with it, `member_left` handles it at once, ending the member's
partnerships kindly. Privacy erasure (`bot.store.privacy`) starts the same way.
"""

from __future__ import annotations

from datetime import datetime

from bot.models import EndCause, RequestKind, Stored
from bot.store.database import Connection, Database
from bot.store.invitations import withdraw_all_of
from bot.store.partnerships import end_all
from bot.store.requests import withdraw


class DepartureStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def forget_waiting(self, guild_id: int, user_id: int, now: datetime) -> Stored[None]:
        """A member found gone: out of every queue, their pending invitations withdrawn."""
        async with self._db.transaction() as conn:
            notices = await forget_waiting(conn, guild_id, user_id, now)
        return Stored(None, notices)

    async def member_left(self, guild_id: int, user_id: int, now: datetime) -> Stored[None]:
        """Everything a departure changes, at once: queues, invitations, requests, pairs.

        Their partners are told in the thread and go first in line next time; ledger
        history stays exactly as it was.
        """
        async with self._db.transaction() as conn:
            notices = list(await forget_waiting(conn, guild_id, user_id, now))
            notices += await withdraw_requests_of(conn, guild_id, user_id, now)
            notices += await end_all(conn, guild_id, user_id, EndCause.LEFT, now)
        return Stored(None, tuple(notices))


async def forget_waiting(
    conn: Connection, guild_id: int, user_id: int, now: datetime
) -> tuple[int, ...]:
    """Out of every queue, their pending invitations withdrawn (the messages say so)."""
    await conn.execute(
        "DELETE FROM queue_entries WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    return await withdraw_all_of(conn, guild_id, user_id, now)


async def withdraw_requests_of(
    conn: Connection, guild_id: int, user_id: int, now: datetime
) -> tuple[int, ...]:
    """Requests a departing member made can no longer be honoured: a partner can't agree."""
    theirs = {"guild": guild_id, "user": user_id}
    proposed = (
        "r.proposer_id = :user"
        " AND r.partnership_id IN (SELECT id FROM partnerships WHERE guild_id = :guild)"
    )
    return (
        *await withdraw(conn, RequestKind.SCHEDULE, proposed, theirs, now),
        *await withdraw(conn, RequestKind.CADENCE, proposed, theirs, now),
        *await withdraw(conn, RequestKind.SETTLE, proposed, theirs, now),
        *await withdraw(
            conn,
            RequestKind.MILESTONE,
            "m.guild_id = :guild AND m.owner_id = :user",
            theirs,
            now,
        ),
    )
