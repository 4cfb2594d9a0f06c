"""Fixtures that build the real bot and a study server to drive it in SimCord."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
import simcord

from bot.app import TandemBot, create_bot
from bot.settings import Settings
from tests.helpers import (
    TEST_DATABASE_URL,
    Server,
    copied_database,
    drop_database,
    forget_locales,
    fresh_schema,
    migrated_sqlite,
    postgres_template,
    run_aside,
    set_up,
    sqlite_template,
    study_server,
)


@pytest.fixture(scope="session")
def template() -> Iterator[Path | str | None]:
    """A database migrated once per session: an SQLite file, or a PostgreSQL database's
    name (None when the server refuses to create one)."""
    if not TEST_DATABASE_URL:
        yield sqlite_template()
        return
    name = run_aside(postgres_template())
    yield name
    if name is not None:
        run_aside(drop_database(name))


@pytest.fixture
async def database(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Path | str]:
    """Where this test's store lives: a new SQLite file, or a new PostgreSQL schema.

    Empty, unless the test starts the bot (it uses `settings`): then it is a copy of the
    session's `template` (on PostgreSQL a database of its own), since the bot would
    migrate a new database first anyway.
    """
    copy = "settings" in request.fixturenames
    template: Path | str | None = request.getfixturevalue("template") if copy else None
    if not TEST_DATABASE_URL:
        path = tmp_path / "tandem.db"
        yield migrated_sqlite(path) if template else path
    elif isinstance(template, str):
        async with copied_database(template) as url:
            yield url
    else:
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


# A test reaches the engine under test only through these fixtures (`postgres_server` is
# tests/bot/conftest.py's); every other one runs the same whatever the engine.
ENGINE_FIXTURES = frozenset({"database", "postgres", "postgres_server"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A roomier settle limit than SimCord's 5 s, for slow CI machines; virtual time is
    unaffected. On PostgreSQL, only the tests that reach the engine: the others are the
    SQLite pass's, run there already (scripts/test runs both)."""
    for item in items:
        if item.get_closest_marker("simcord") is None:
            item.add_marker(pytest.mark.simcord(settle_timeout=30, shard_count=1))
    if not TEST_DATABASE_URL:
        return
    elsewhere = [item for item in items if not ENGINE_FIXTURES & set(_fixtures(item))]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [item for item in items if ENGINE_FIXTURES & set(_fixtures(item))]


def _fixtures(item: pytest.Item) -> list[str]:
    return list(getattr(item, "fixturenames", ()))
