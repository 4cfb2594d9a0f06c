"""A statement written alone (`Database.write`), and the member's language it keeps on
every interaction, on both engines: committed without BEGIN and COMMIT, counted as a
commit (the scheduler's wake-up) only when it changed rows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store import Store

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
MEMBER = 1 << 40


@pytest.fixture
async def store(database: Path | str) -> AsyncIterator[Store]:
    opened = await Store.open(database, NOW)
    yield opened
    await opened.close()


async def locale_of(store: Store, user_id: int) -> str | None:
    return (await store.languages.of_members((user_id,))).get(user_id)


async def test_a_write_alone_commits_and_says_what_it_changed(store: Store) -> None:
    db = store.db
    seen: list[float] = []
    db.time_transactions(seen.append)
    before = db.revision
    insert = "INSERT INTO member_locales (user_id, locale) VALUES (?, ?) ON CONFLICT DO NOTHING"

    assert await db.write(insert, (MEMBER, "de")) == 1
    assert await db.write(insert, (MEMBER, "fr")) == 0  # nothing changed: no commit counted

    assert db.revision == before + 1
    assert len(seen) == 2  # both timed, as transactions are
    async with db.transaction() as conn:  # visible to every later transaction
        assert (
            await conn.fetch_value("SELECT locale FROM member_locales WHERE user_id = ?", (MEMBER,))
            == "de"
        )


async def test_a_member_s_language_is_written_only_when_it_changed(store: Store) -> None:
    before = store.db.revision
    await store.languages.remember(MEMBER, "de")
    await store.languages.remember(MEMBER, "de")  # PostgreSQL writes each time: changes nothing
    assert await locale_of(store, MEMBER) == "de"
    assert store.db.revision == before + 1

    await store.languages.remember(MEMBER, "pt-BR")
    assert await locale_of(store, MEMBER) == "pt-BR"
    assert store.db.revision == before + 2
