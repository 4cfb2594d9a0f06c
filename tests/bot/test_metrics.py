"""The operator's side of `bot.metrics` and `bot.log`: settings, JSON logs, the
scheduler's lag, transaction timing, and the HTTP endpoints before the bot is ready.

The endpoints with the bot running, commands counted and gauges moving, are in
`tests/cogs/test_metrics.py`.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import discord
import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from bot.log import REDACTED, formatter
from bot.metrics import MeasuredScheduler, Metrics, MetricsServer, MetricsUnavailable, Probes
from bot.scheduler import Job
from bot.shards import EVERY_SHARD
from bot.startup import EXIT_OPERATOR_FIX, Stop, classify
from bot.store import Store
from bot.store.monitoring import MonitoringStore
from tests.helpers import free_port, run_cli

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
# The shape of a Discord bot token (never a real one).
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789"


# --- settings and logs ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        (
            "TANDEM_LOG_FORMAT",
            "xml",
            "TANDEM_LOG_FORMAT: unknown log format 'xml'; use one of text, json",
        ),
        ("TANDEM_METRICS_PORT", "70000", "TANDEM_METRICS_PORT: Input should be less than"),
        ("TANDEM_METRICS_PORT", "0", "TANDEM_METRICS_PORT: Input should be greater than"),
    ],
)
def test_a_wrong_monitoring_setting_is_one_clear_line(
    tmp_path: Path, name: str, value: str, line: str
) -> None:
    result = run_cli(
        "--check", env={name: value, "TANDEM_DATABASE_PATH": str(tmp_path / "t.db")}, cwd=tmp_path
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith(f"tandem: invalid settings: {line}"), result.stderr


def test_json_logs_are_one_object_per_line(tmp_path: Path) -> None:
    database = tmp_path / "t.db"
    result = run_cli(
        "--check",
        env={"TANDEM_LOG_FORMAT": "json", "TANDEM_DATABASE_PATH": str(database)},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    entries = [json.loads(line) for line in result.stderr.splitlines()]
    [ok] = [entry for entry in entries if entry["logger"] == "tandem.check"]
    assert ok["level"] == "INFO"
    assert ok["message"].startswith(f"settings and database OK (SQLite {database}")
    assert datetime.fromisoformat(ok["time"]).utcoffset() == timedelta(0)
    assert set(ok) == {"time", "level", "logger", "message"}


def logged(shape: str, record: logging.LogRecord) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter("json" if shape == "json" else "text"))
    handler.handle(record)
    return stream.getvalue()


def failing_record(message: str, *args: object) -> logging.LogRecord:
    try:
        raise RuntimeError(f"rejected {TOKEN}")
    except RuntimeError as error:
        return logging.makeLogRecord(
            {
                "name": "tandem.outbox",
                "levelno": logging.ERROR,
                "levelname": "ERROR",
                "msg": message,
                "args": args,
                "exc_info": (type(error), error, error.__traceback__),
                "created": NOW.timestamp(),
            }
        )


def test_a_json_line_carries_the_traceback_as_text() -> None:
    line = logged("json", failing_record("gave up on %s %s", "welcome", 7))
    assert line.count("\n") == 1
    entry = json.loads(line)
    assert entry["time"] == "2026-03-02T12:00:00.000+00:00"
    assert (entry["level"], entry["logger"]) == ("ERROR", "tandem.outbox")
    assert entry["message"] == "gave up on welcome 7"
    assert entry["exc_info"].startswith("Traceback (most recent call last):")
    assert entry["exc_info"].endswith(f"RuntimeError: rejected {REDACTED}")


@pytest.mark.parametrize("shape", ["text", "json"])
def test_a_token_never_reaches_the_log(shape: str) -> None:
    line = logged(shape, failing_record("login with %s failed", TOKEN))
    assert TOKEN not in line
    assert line.count(REDACTED) == 2  # the message and the traceback


# --- the scheduler's lag and the store's transactions -----------------------------------


def observed(metrics: Metrics, name: str, **labels: str) -> tuple[float, float]:
    """A histogram's (count, sum) as `/metrics` shows it."""
    families = text_string_to_metric_families(generate_latest(metrics.registry).decode())
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in families
        for sample in family.samples
    }
    key = tuple(sorted(labels.items()))
    return samples.get((f"{name}_count", key), 0.0), samples.get((f"{name}_sum", key), 0.0)


async def test_the_lag_is_how_long_after_its_due_time_a_job_ran() -> None:
    metrics = Metrics()
    scheduler = MeasuredScheduler(metrics.scheduler_lag, lambda: 0)
    due = int(NOW.timestamp())
    ran: list[datetime] = []

    async def run(now: datetime) -> None:
        ran.append(now)

    async def next_due() -> int | None:
        return due

    scheduler.register(Job("reminders", run, next_due))
    await scheduler.tick(NOW - timedelta(minutes=5))  # nothing known yet: not lateness
    assert observed(metrics, "tandem_scheduler_lag_seconds", job="reminders") == (0, 0)
    await scheduler.tick(NOW + timedelta(seconds=42))
    assert observed(metrics, "tandem_scheduler_lag_seconds", job="reminders") == (1, 42)
    assert len(ran) == 2


async def test_every_transaction_is_timed_committed_or_not(database: Path | str) -> None:
    store = await Store.open(database, NOW)
    try:
        metrics = Metrics()
        store.db.time_transactions(metrics.db_transaction_seconds.observe)
        async with store.db.transaction() as conn:
            await conn.execute("DELETE FROM queue_entries")
        with pytest.raises(ZeroDivisionError):
            async with store.db.transaction() as conn:
                await conn.execute("DELETE FROM queue_entries")
                _ = 1 / 0
        count, seconds = observed(metrics, "tandem_db_transaction_seconds")
        assert count == 2 and 0 < seconds < 5
    finally:
        await store.close()


# --- the endpoints before the bot is ready ----------------------------------------------


@pytest.fixture
async def store(database: Path | str) -> AsyncIterator[Store]:
    opened = await Store.open(database, NOW)
    yield opened
    await opened.close()


async def get(port: int, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text()


async def serving(
    store: Store, not_connected: str | None, port: int | None = None
) -> tuple[MetricsServer, int]:
    """A metrics server on the store, whose bot is connected to Discord or says why not."""
    port = port or free_port()
    server = MetricsServer(
        Metrics(),
        Probes(
            not_connected=lambda: not_connected,
            shards_connected=lambda: 0,
            store=MonitoringStore(store.db, EVERY_SHARD),
            now=discord.utils.utcnow,
        ),
    )
    await server.start("127.0.0.1", port)
    return server, port


async def test_before_discord_connects_it_is_alive_but_not_ready(store: Store) -> None:
    server, port = await serving(store, "not connected to Discord yet")
    try:
        assert await get(port, "/healthz") == (200, "ok\n")
        assert await get(port, "/readyz") == (503, "not connected to Discord yet\n")
        status, text = await get(port, "/metrics")
        assert status == 200
        names = {family.name for family in text_string_to_metric_families(text)}
        assert {"tandem_interactions", "tandem_active_partnerships", "tandem_shards_connected"} <= (
            names
        )
    finally:
        await server.stop()


async def test_a_closed_database_is_not_ready(store: Store) -> None:
    server, port = await serving(store, None)
    try:
        assert await get(port, "/readyz") == (200, "ready\n")
        await store.close()
        status, text = await get(port, "/readyz")
        assert status == 503 and text.startswith("the database did not answer (")
        assert (await get(port, "/metrics"))[0] == 200  # the last counts stay shown
    finally:
        await server.stop()


async def test_a_port_in_use_is_one_line_naming_the_setting(store: Store) -> None:
    server, port = await serving(store, None)
    try:
        with pytest.raises(MetricsUnavailable) as refused:
            await serving(store, None, port)
        assert f"cannot serve metrics on 127.0.0.1:{port}" in str(refused.value)
        assert "TANDEM_METRICS_PORT" in str(refused.value)
        assert classify(refused.value) == Stop(EXIT_OPERATOR_FIX, str(refused.value))
    finally:
        await server.stop()
