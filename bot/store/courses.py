"""Courses as members write them: the first spelling is kept, the key normalised."""

from __future__ import annotations

import aiosqlite

from bot.matching import course_key
from bot.options import AUTOCOMPLETE_LIMIT
from bot.store.database import Database


class CourseStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def course_names(
        self, guild_id: int, typed: str, limit: int = AUTOCOMPLETE_LIMIT
    ) -> list[str]:
        rows = await self._db.fetch_all(
            "SELECT name FROM courses WHERE guild_id = ? AND course_key LIKE ? ESCAPE '\\'"
            " ORDER BY name LIMIT ?",
            (guild_id, "%" + _like_escape(course_key(typed) if typed.strip() else "") + "%", limit),
        )
        return [str(row["name"]) for row in rows]


async def remember_course(conn: aiosqlite.Connection, guild_id: int, key: str, name: str) -> str:
    """The course's name as first written in this server; `name` if it is new."""
    cursor = await conn.execute(
        "INSERT INTO courses (guild_id, course_key, name) VALUES (?, ?, ?)"
        " ON CONFLICT DO UPDATE SET name = name RETURNING name",
        (guild_id, key, name),
    )
    row = await cursor.fetchone()
    assert row is not None
    return str(row["name"])


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
