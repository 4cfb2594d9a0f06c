"""Member profiles: a time zone, whether to appear on the leaderboard, the heads-up, and
the languages the member studies in."""

from __future__ import annotations

from bot.languages import from_stored, stored
from bot.models import Profile
from bot.store.database import Connection, Database, Row
from bot.store.leaderboard import set_hidden


class ProfileStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def profile(self, guild_id: int, user_id: int) -> Profile:
        row = await self._db.fetch_one(
            "SELECT timezone, leaderboard_hidden, heads_up, languages FROM profiles"
            " WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return Profile() if row is None else _profile(row)

    async def without_heads_up(self, guild_id: int, members: tuple[int, ...]) -> set[int]:
        """Which of these members turned the 24-hour heads-up off."""
        rows = await self._db.fetch_all(
            "SELECT user_id FROM profiles WHERE guild_id = ? AND heads_up = 0"
            f" AND user_id IN ({', '.join('?' * len(members))})",
            (guild_id, *members),
        )
        return {int(row["user_id"]) for row in rows}

    async def zone_of(self, guild_id: int, user_id: int) -> str | None:
        return (await self.profile(guild_id, user_id)).zone

    async def update_profile(
        self,
        guild_id: int,
        user_id: int,
        *,
        zone: str | None,
        hidden: bool | None,
        heads_up: bool | None = None,
        languages: tuple[str, ...] | None = None,
    ) -> Profile:
        """Change what is named (None keeps a setting) in one go; returns the profile.

        The queue keeps a copy of the member's languages for matching: it changes here too.
        """
        async with self._db.transaction() as conn:
            row = await conn.fetch_one(
                "INSERT INTO profiles"
                " (guild_id, user_id, timezone, leaderboard_hidden, heads_up, languages)"
                " VALUES (:guild, :user, :zone, COALESCE(:hidden, 0), COALESCE(:heads_up, 1),"
                " COALESCE(:languages, ''))"
                " ON CONFLICT (guild_id, user_id) DO UPDATE SET"
                " timezone = COALESCE(:zone, profiles.timezone),"
                " leaderboard_hidden = COALESCE(:hidden, profiles.leaderboard_hidden),"
                " heads_up = COALESCE(:heads_up, profiles.heads_up),"
                " languages = COALESCE(:languages, profiles.languages)"
                " RETURNING timezone, leaderboard_hidden, heads_up, languages",
                {
                    "guild": guild_id,
                    "user": user_id,
                    "zone": zone,
                    "hidden": None if hidden is None else int(hidden),
                    "heads_up": None if heads_up is None else int(heads_up),
                    "languages": None if languages is None else stored(languages),
                },
            )
            assert row is not None
            await set_hidden(conn, guild_id, user_id, bool(row["leaderboard_hidden"]))
            if languages is not None:
                await conn.execute(
                    "UPDATE queue_entries SET languages = ? WHERE guild_id = ? AND user_id = ?",
                    (row["languages"], guild_id, user_id),
                )
        return _profile(row)


async def set_zone(
    conn: Connection, guild_id: int, user_id: int, zone: str, *, overwrite: bool
) -> None:
    """A zone the member chose replaces the old one; a zone implied by a command only fills a gap."""
    kept = "excluded.timezone" if overwrite else "COALESCE(profiles.timezone, excluded.timezone)"
    await conn.execute(
        "INSERT INTO profiles (guild_id, user_id, timezone) VALUES (?, ?, ?)"
        f" ON CONFLICT (guild_id, user_id) DO UPDATE SET timezone = {kept}",
        (guild_id, user_id, zone),
    )


def _profile(row: Row) -> Profile:
    return Profile(
        zone=row["timezone"],
        leaderboard_hidden=bool(row["leaderboard_hidden"]),
        heads_up=bool(row["heads_up"]),
        languages=from_stored(row["languages"]),
    )
