"""The languages Tandem speaks to each member and server: the Discord language each member
was last seen using, and the language a moderator chose for the server's public messages."""

from __future__ import annotations

from bot.store.database import Database


class LanguageStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        # What this process last stored per member, so an interaction writes only on a
        # change; only when no other process writes the database (SQLite), since another
        # process may store a member's newer language behind this one's back.
        self._known: dict[int, str] = {}

    async def remember(self, user_id: int, locale: str) -> None:
        """Keep the member's Discord language, which their partner thread may speak."""
        if not self._db.shared and self._known.get(user_id) == locale:
            return
        # Nothing proposed when the language is the one stored, so PostgreSQL neither
        # locks the row nor has a commit to wait for (an upsert's conflict would lock it).
        await self._db.write(
            "INSERT INTO member_locales (user_id, locale)"
            " SELECT CAST(:user AS BIGINT), CAST(:locale AS TEXT) WHERE NOT EXISTS"
            " (SELECT 1 FROM member_locales WHERE user_id = :user AND locale = :locale)"
            " ON CONFLICT (user_id) DO UPDATE SET locale = excluded.locale",
            {"user": user_id, "locale": locale},
        )
        self._known[user_id] = locale

    async def of_members(self, user_ids: tuple[int, ...]) -> dict[int, str]:
        """The last seen Discord language of each of these members who was ever seen."""
        if not user_ids:
            return {}
        rows = await self._db.fetch_all(
            "SELECT user_id, locale FROM member_locales"
            f" WHERE user_id IN ({', '.join('?' * len(user_ids))})",
            user_ids,
        )
        return {row["user_id"]: row["locale"] for row in rows}

    def forget(self, user_id: int) -> None:
        """After `PrivacyStore.erase` deleted the member's language with the rest of their
        data: this process no longer takes it as stored, so their next interaction stores
        it anew."""
        self._known.pop(user_id, None)

    async def server_language(self, guild_id: int) -> str | None:
        """The language a moderator chose with `/setup language`; None: Discord's own."""
        row = await self._db.fetch_one(
            "SELECT language FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        return None if row is None else row["language"]
