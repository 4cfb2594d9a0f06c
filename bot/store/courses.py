"""Courses as members write them: the first spelling is kept, the key normalised."""

from __future__ import annotations

from bot.matching import course_key
from bot.options import AUTOCOMPLETE_LIMIT
from bot.store.database import Connection, Database


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


async def remember_course(conn: Connection, guild_id: int, key: str, name: str) -> str:
    """The course's name as first written in this server; `name` if it is new."""
    row = await conn.fetch_one(
        "INSERT INTO courses (guild_id, course_key, name) VALUES (?, ?, ?)"
        " ON CONFLICT (guild_id, course_key) DO UPDATE SET name = courses.name RETURNING name",
        (guild_id, key, name),
    )
    assert row is not None
    return str(row["name"])


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
