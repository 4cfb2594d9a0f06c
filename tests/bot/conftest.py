"""Fixtures for start-up tests: a checkout of the test's own and a PostgreSQL to refuse."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest

from bot.store.problems import masked
from tests.helpers import ROOT, TEST_DATABASE_URL

# The PostgreSQL the tests may make fail: the suite's own, else the usual local one.
LOCAL_POSTGRES = TEST_DATABASE_URL or "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class PostgresServer:
    """A PostgreSQL that answers, and a superuser connection to it."""

    host: str
    port: int
    user: str
    database: str
    admin: asyncpg.Connection

    @property
    def place(self) -> str:
        return f"{self.host}:{self.port}"

    def url(self, *, user: str | None = None, password: str = "", database: str = "") -> str:
        """A URL on this server: its own user and database unless others are named."""
        login = (user or self.user) + (f":{password}" if password else "")
        return f"postgresql://{login}@{self.place}/{database or self.database}"


@pytest.fixture
async def postgres_server() -> AsyncIterator[PostgresServer]:
    """Whether or not the suite runs on PostgreSQL; skipped when none answers."""
    try:
        admin = await asyncpg.connect(LOCAL_POSTGRES, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        pytest.skip(f"no PostgreSQL answers at {masked(LOCAL_POSTGRES)} ({error})")
    parts = urlsplit(LOCAL_POSTGRES)
    yield PostgresServer(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        database=parts.path.strip("/"),
        admin=admin,
    )
    await admin.close()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A checkout of Tandem of the test's own (pyproject.toml, links to the code): `.env`
    and `data/` are read there, never in the developer's checkout."""
    root = tmp_path / "checkout"
    root.mkdir()
    (root / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    for package in ("bot", "cogs"):
        (root / package).symlink_to(ROOT / package, target_is_directory=True)
    return root
