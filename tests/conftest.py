"""Fixtures that build the real bot and a study server to drive it in SimCord."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import simcord

from bot.app import TandemBot, create_bot
from bot.settings import Settings
from tests.helpers import (
    TEST_DATABASE_URL,
    Server,
    forget_locales,
    fresh_schema,
    set_up,
    study_server,
)


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Path | str]:
    """Where this test's store lives: a new SQLite file, or a new PostgreSQL schema."""
    if not TEST_DATABASE_URL:
        yield tmp_path / "tandem.db"
        return
    async with fresh_schema() as url:
        yield url


@pytest.fixture
async def postgres() -> AsyncIterator[str]:
    """A new PostgreSQL schema's URL, for tests that need PostgreSQL whatever the engine."""
    if not TEST_DATABASE_URL:
        pytest.skip("needs PostgreSQL: set TANDEM_TEST_DATABASE_URL (scripts/test does)")
    async with fresh_schema() as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, database: Path | str) -> Settings:
    return Settings(
        _env_file=None,
        database_path=tmp_path / "tandem.db",
        database_url=None if isinstance(database, Path) else database,
        discord_token=None,
    )


@pytest.fixture
async def make_bot(settings: Settings) -> AsyncIterator[Callable[[], TandemBot]]:
    """A fresh bot on the same database: what a process restart looks like.

    SimCord detaches bots without closing them, so their stores are closed here;
    an open aiosqlite thread would keep the test process alive.
    """
    made: list[TandemBot] = []

    def make() -> TandemBot:
        made.append(create_bot(settings))
        return made[-1]

    yield make
    for bot in made:
        if hasattr(bot, "store"):
            await bot.store.close()


@pytest.fixture(autouse=True)
def english_by_default() -> None:
    """SimCord's own default: members and servers on `en-US` unless a test says otherwise."""
    forget_locales()


@pytest.fixture
def simcord_bot(make_bot: Callable[[], TandemBot]) -> TandemBot:
    return make_bot()


@pytest.fixture
def server(simcord_env: simcord.Env) -> Server:
    return study_server(simcord_env, "Study Hall")


@pytest.fixture
async def ready(server: Server) -> Server:
    """A server where a moderator has already run /setup."""
    result = await set_up(server)
    assert result.response is not None and "set up" in result.response.content
    return server


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A roomier settle limit than SimCord's 5 s, for slow CI machines; virtual time is unaffected."""
    for item in items:
        if item.get_closest_marker("simcord") is None:
            item.add_marker(pytest.mark.simcord(settle_timeout=30, shard_count=1))
