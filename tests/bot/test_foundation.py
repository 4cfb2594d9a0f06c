"""Settings, the command-line entry point, the store's migrations and the error handler."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.replies import APOLOGY
from bot.settings import Settings
from bot.store import Store, open_database
from tests.helpers import Server, on_sqlite, reply, run_cli

OPENED = datetime(2026, 1, 1, tzinfo=UTC)


def test_missing_token_is_one_clear_line(tmp_path: Path) -> None:
    result = run_cli(env={"TANDEM_DISCORD_TOKEN": "  "}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "TANDEM_DISCORD_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_setting_is_one_clear_line(tmp_path: Path) -> None:
    result = run_cli(
        env={"TANDEM_DISCORD_TOKEN": "x", "TANDEM_REMINDER_INTERVAL_SECONDS": "0"}, cwd=tmp_path
    )
    assert result.returncode == 2
    assert "TANDEM_REMINDER_INTERVAL_SECONDS" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_validates_and_creates_the_database_without_printing_the_token(
    tmp_path: Path, checkout: Path
) -> None:
    """Started from elsewhere, Tandem still reads its checkout's .env and data."""
    (checkout / ".env").write_text(
        "TANDEM_DISCORD_TOKEN=secret-token-value\nTANDEM_DATABASE_PATH=db/t.db\n"
    )
    result = run_cli("--check", env={"PYTHONPATH": str(checkout)}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (checkout / "db" / "t.db").exists()
    assert not (tmp_path / "db").exists()
    assert "secret-token-value" not in result.stdout + result.stderr
    assert "settings and database OK" in result.stderr


def test_token_is_secret_in_reprs() -> None:
    settings = Settings(_env_file=None, discord_token="secret-token-value")
    assert "secret-token-value" not in repr(settings)
    assert settings.require_token().get_secret_value() == "secret-token-value"


@on_sqlite
async def test_migrations_apply_once_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store = await Store.open(path, OPENED)
    try:
        assert await store.db.fetch_value("PRAGMA journal_mode") == "wal"
        assert await store.db.fetch_value("PRAGMA foreign_keys") == 1
        assert await store.db.migrate(OPENED) == []
        assert await store.db.schema_version() >= 1
    finally:
        await store.close()
    again = await open_database(path, OPENED)
    try:
        assert (
            await again.fetch_value("SELECT COUNT(*) FROM schema_version")
            == await again.schema_version()
        )
    finally:
        await again.close()


async def test_both_engines_reach_the_same_schema_version(
    tmp_path: Path, database: Path | str
) -> None:
    """Migrations are numbered in step: a version names one schema on either engine."""
    sqlite = await open_database(tmp_path / "in_step.db", OPENED)
    db = await open_database(database, OPENED)
    try:
        assert await db.schema_version() == await sqlite.schema_version()
        assert await db.migrate(OPENED) == []
    finally:
        await db.close()
        await sqlite.close()


async def test_a_failed_transaction_changes_nothing(database: Path | str) -> None:
    db = await open_database(database, OPENED)
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                await conn.execute(
                    "INSERT INTO profiles (guild_id, user_id, timezone) VALUES (1, 2, 'UTC')"
                )
                raise RuntimeError("crash mid-transaction")
        assert await db.fetch_value("SELECT COUNT(*) FROM profiles") == 0
    finally:
        await db.close()


async def test_unexpected_error_is_logged_with_context_and_answered_politely(
    ready: Server, caplog: pytest.LogCaptureFixture
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    options = {
        "course": "Go",
        "pace": 5,
        "timezone": "UTC",
        "checkin_day": 0,
        "checkin_time": "09:00",
    }
    await alice.slash(ready.general, "partner find", **options)
    ready.env.inject_error("POST", "/webhooks/*", status=500, times=1)  # the reply is lost
    with caplog.at_level(logging.ERROR, logger="tandem.errors"):
        result = await bob.slash(ready.general, "partner find", **options)
    assert result.ephemeral
    assert reply(result) == APOLOGY
    [record] = [r for r in caplog.records if r.name == "tandem.errors"]
    assert "/partner find" in record.getMessage() and str(bob.id) in record.getMessage()
    assert record.exc_info is not None
    assert ready.errors()
