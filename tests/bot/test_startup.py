"""Start-up problems read as one line: rejected token, unreachable Discord, intent, scope."""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import discord
import pytest
from aiohttp.client_reqrep import ConnectionKey

from bot.app import create_bot
from bot.settings import Settings, unknown_names
from bot.startup import (
    MAX_DELAY_SECONDS,
    Retry,
    StartupFailed,
    Stop,
    classify,
    retry_delay,
    run_bot,
    unreachable_line,
)
from tests.helpers import ROOT, run_cli

TOKEN = "not-a-real-token"
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ [\w.]+: ")
RETRY_LINE = re.compile(
    r"tandem\.startup: Discord is unreachable \(.+\); retrying in (\d+) s \(attempt (\d+)\)$",
    re.MULTILINE,
)


def connection_refused() -> aiohttp.ClientConnectorError:
    key = ConnectionKey(
        host="discord.com",
        port=443,
        is_ssl=True,
        ssl=True,
        proxy=None,
        proxy_auth=None,
        proxy_headers_hash=None,
        server_hostname=None,
    )
    return aiohttp.ClientConnectorError(key, ConnectionRefusedError(111, "Connection refused"))


def http_error(
    cls: type[discord.HTTPException], status: int, reason: str, code: int, text: str
) -> discord.HTTPException:
    response = SimpleNamespace(status=status, reason=reason)  # all HTTPException reads
    return cls(response, {"code": code, "message": text})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# --- the command line -------------------------------------------------------------------


def test_check_needs_no_token_and_creates_the_database(tmp_path: Path) -> None:
    result = run_cli("--check", env={"TANDEM_DATABASE_PATH": "db/t.db"}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "db" / "t.db").exists()
    assert "settings and database OK" in result.stderr


def test_running_without_a_token_is_still_one_line(tmp_path: Path) -> None:
    result = run_cli(env={}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "TANDEM_DISCORD_TOKEN" in result.stderr


@pytest.mark.parametrize("proxy", ["127.0.0.1:3128", "socks5://127.0.0.1:1080", "http://"])
def test_an_invalid_proxy_is_one_clear_line(tmp_path: Path, proxy: str) -> None:
    result = run_cli("--check", env={"TANDEM_PROXY": proxy}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "TANDEM_PROXY" in result.stderr and "http://" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_unreachable_discord_is_retried_one_line_per_attempt_until_stopped(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    """A proxy port nothing listens on makes Discord unreachable without touching the network."""
    stderr_path = tmp_path / "stderr.txt"
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "TANDEM_DISCORD_TOKEN": TOKEN,
        "TANDEM_PROXY": f"http://127.0.0.1:{free_port()}",
        "TANDEM_DATABASE_PATH": str(tmp_path / "t.db"),
    }
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        try:
            deadline = time.monotonic() + 20
            while len(RETRY_LINE.findall(stderr_path.read_text())) < 2:
                assert process.poll() is None, stderr_path.read_text()
                assert time.monotonic() < deadline, stderr_path.read_text()
                time.sleep(0.1)
            process.send_signal(stop_signal)
            stdout, _ = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    output = stderr_path.read_text()
    assert process.returncode == 0, output
    assert "Traceback" not in output
    assert TOKEN not in output + stdout
    lines = output.splitlines()
    assert all(LOG_LINE.match(line) for line in lines), output  # nothing spills over a line
    retries = [m for line in lines if (m := RETRY_LINE.search(line))]
    assert [int(m[2]) for m in retries] == list(range(1, len(retries) + 1))
    assert [int(m[1]) for m in retries][:2] == [1, 2]
    assert len(retries) == sum("tandem.startup" in line for line in lines)  # one per attempt


# --- classification and the one-line messages ---------------------------------------------


def test_a_rejected_token_stops_with_the_portal_fix() -> None:
    verdict = classify(discord.LoginFailure("Improper token has been passed."))
    assert isinstance(verdict, Stop) and verdict.exit_code == 2
    assert "TANDEM_DISCORD_TOKEN" in verdict.line and "Reset Token" in verdict.line
    assert ".env" in verdict.line and "\n" not in verdict.line


def test_a_gateway_authentication_failure_is_a_rejected_token_too() -> None:
    verdict = classify(discord.ConnectionClosed(None, shard_id=None, code=4004))  # type: ignore[arg-type]
    assert isinstance(verdict, Stop) and "Reset Token" in verdict.line


def test_a_missing_privileged_intent_names_the_portal_switch() -> None:
    verdict = classify(discord.PrivilegedIntentsRequired(shard_id=None))
    assert isinstance(verdict, Stop) and verdict.exit_code == 2
    assert "Server Members Intent" in verdict.line
    assert "Privileged Gateway Intents" in verdict.line
    assert "TANDEM_MEMBERS_INTENT=false" in verdict.line


def test_missing_access_names_the_invite_scope() -> None:
    error = http_error(discord.Forbidden, 403, "Forbidden", 50001, "Missing Access")
    verdict = classify(error)
    assert isinstance(verdict, Stop) and verdict.exit_code == 2
    assert "applications.commands" in verdict.line and "URL Generator" in verdict.line
    assert "Missing Access" in verdict.line and "\n" not in verdict.line


@pytest.mark.parametrize(
    "error",
    [
        connection_refused(),
        aiohttp.ClientOSError(101, "Network is unreachable"),
        OSError(101, "Network is unreachable"),
        TimeoutError(),
        discord.GatewayNotFound(),  # type: ignore[no-untyped-call]
        http_error(discord.DiscordServerError, 503, "Service Unavailable", 0, "upstream\nerror"),
        discord.ConnectionClosed(None, shard_id=None, code=4000),  # type: ignore[arg-type]
    ],
    ids=lambda error: type(error).__name__,
)
def test_an_unreachable_discord_is_retried(error: Exception) -> None:
    verdict = classify(error)
    assert isinstance(verdict, Retry)
    assert verdict.reason.startswith(type(error).__name__)
    assert "\n" not in unreachable_line(verdict, retry_delay(3), 3)


@pytest.mark.parametrize(
    "error",
    [
        RuntimeError("a bug of ours"),
        http_error(discord.NotFound, 404, "Not Found", 10004, "Unknown Guild"),
        discord.ConnectionClosed(None, shard_id=None, code=4013),  # type: ignore[arg-type]
    ],
    ids=lambda error: type(error).__name__,
)
def test_anything_else_is_our_bug(error: Exception) -> None:
    assert classify(error) is None


def test_the_delays_double_from_one_second_up_to_five_minutes() -> None:
    assert [retry_delay(attempt) for attempt in range(1, 12)] == [
        1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300,
    ]  # fmt: skip
    assert retry_delay(10_000) == MAX_DELAY_SECONDS == 300


def test_the_retry_line_reads_as_one_sentence() -> None:
    line = unreachable_line(classify(connection_refused()), 4, 3)  # type: ignore[arg-type]
    assert line.startswith("Discord is unreachable (ClientConnectorError: Cannot connect to host")
    assert line.endswith("; retrying in 4 s (attempt 3)")


# --- the supervisor loop ------------------------------------------------------------------


class FailingBot(discord.Client):
    """A client whose start fails as scripted, so no attempt ever reaches the network."""

    def __init__(self, error: Exception, log: list[str]) -> None:
        super().__init__(intents=discord.Intents.none())
        self.error = error
        self.log = log

    async def start(self, token: str, *, reconnect: bool = True) -> None:
        self.log.append(f"start {token}")
        raise self.error

    async def close(self) -> None:
        self.log.append("close")
        await super().close()


def scripted(errors: list[Exception], log: list[str]) -> Callable[[], discord.Client]:
    """make_bot for run_bot: each call builds a fresh bot failing with the next error."""
    pending = iter(errors)
    return lambda: FailingBot(next(pending), log)


async def test_run_bot_retries_with_growing_delays_then_stops_on_a_rejected_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[str] = []
    delays: list[float] = []

    async def record(delay: float) -> None:
        delays.append(delay)

    errors: list[Exception] = [connection_refused() for _ in range(4)]
    errors.append(discord.LoginFailure("Improper token has been passed."))
    with pytest.raises(StartupFailed) as failure:
        await run_bot(scripted(errors, calls), TOKEN, sleep=record)
    assert delays == [1, 2, 4, 8]
    assert failure.value.exit_code == 2
    assert "TANDEM_DISCORD_TOKEN" in failure.value.line
    assert TOKEN not in failure.value.line
    assert calls == [f"start {TOKEN}", "close"] * 5  # a fresh bot per attempt, each closed
    warnings = [r.getMessage() for r in caplog.records if r.name == "tandem.startup"]
    assert len(warnings) == 4 and all(r.exc_info is None for r in caplog.records)
    assert warnings[2].endswith("retrying in 4 s (attempt 3)")


async def test_run_bot_logs_an_unexpected_error_once_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def no_wait(delay: float) -> None:
        raise AssertionError("an unexpected error must not be retried")

    with pytest.raises(StartupFailed) as failure:
        await run_bot(scripted([KeyError("bug")], []), TOKEN, sleep=no_wait)
    assert failure.value.exit_code == 1
    [record] = [r for r in caplog.records if r.name == "tandem.startup"]
    assert record.exc_info is not None and isinstance(record.exc_info[1], KeyError)


async def test_run_bot_stops_cleanly_when_cancelled_while_waiting() -> None:
    calls: list[str] = []
    waiting = asyncio.Event()

    async def wait_for_real(delay: float) -> None:
        waiting.set()
        await asyncio.sleep(delay)

    make_bot = scripted([connection_refused()], calls)
    task = asyncio.create_task(run_bot(make_bot, TOKEN, sleep=wait_for_real))
    await waiting.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert calls == [f"start {TOKEN}", "close"]


async def test_check_on_postgres_names_the_server_never_the_password(
    tmp_path: Path, postgres: str
) -> None:
    with_password = postgres.replace("postgresql://postgres@", "postgresql://postgres:s3cret-pw@")
    result = run_cli("--check", env={"TANDEM_DATABASE_URL": with_password}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "settings and database OK (PostgreSQL 127.0.0.1:5432/" in result.stderr
    assert "s3cret-pw" not in result.stdout + result.stderr
    assert not (tmp_path / "data").exists()  # no SQLite file on the side


def test_a_misspelt_setting_is_named_with_the_nearest_known_one(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TANDEM_MEMBER_INTENT=true\n# TANDEM_NOT_READ=1\n")
    result = run_cli(
        "--check",
        env={
            "TANDEM_DATABSE_URL": "postgresql://x@127.0.0.1/db",
            "TANDEM_DATABASE_PATH": "t.db",
            "TANDEM_TEST_DATABASE_URL": "postgresql://tests@127.0.0.1/t",
        },
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "unknown setting" in line]
    assert [line.split(": ", 1)[1] for line in warnings] == [
        "unknown setting TANDEM_DATABSE_URL is ignored; did you mean TANDEM_DATABASE_URL?",
        "unknown setting TANDEM_MEMBER_INTENT is ignored; did you mean TANDEM_MEMBERS_INTENT?",
    ]


def test_an_unknown_log_level_lists_the_valid_ones(tmp_path: Path) -> None:
    result = run_cli("--check", env={"TANDEM_LOG_LEVEL": "verbose"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "tandem: invalid settings: TANDEM_LOG_LEVEL: unknown log level 'verbose';"
        " use one of DEBUG, INFO, WARNING, ERROR, CRITICAL"
    )


def test_a_new_database_is_announced_with_its_whole_path(tmp_path: Path) -> None:
    first = run_cli("--check", env={"TANDEM_DATABASE_PATH": "data/t.db"}, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert f"no database at {tmp_path / 'data' / 't.db'} yet: creating a new, empty one" in (
        first.stderr
    )
    again = run_cli("--check", env={"TANDEM_DATABASE_PATH": "data/t.db"}, cwd=tmp_path)
    assert "creating a new" not in again.stderr


def test_voice_libraries_tandem_never_needs_are_not_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = True  # a fresh process
    with caplog.at_level(logging.WARNING, logger="discord.client"):
        create_bot(Settings(_env_file=None, database_path=tmp_path / "t.db", discord_token=None))
    assert not [r for r in caplog.records if "voice will NOT be supported" in r.getMessage()]


def test_version_names_the_release(tmp_path: Path) -> None:
    result = run_cli("--version", env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"Tandem \d+\.\d+\.\d+\n", result.stdout)
    assert f"## {result.stdout.split()[1]}" in (ROOT / "CHANGELOG.md").read_text()


def test_one_area_of_the_log_is_turned_down_or_up(tmp_path: Path) -> None:
    quiet = run_cli("--check", env={"TANDEM_LOG_LEVELS": "tandem.check=WARNING"}, cwd=tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    assert "settings and database OK" not in quiet.stderr
    assert "tandem.store: applied migrations" in quiet.stderr  # other areas unchanged
    loud = run_cli(
        "--check",
        env={"TANDEM_LOG_LEVEL": "WARNING", "TANDEM_LOG_LEVELS": " tandem.check = info "},
        cwd=tmp_path,
    )
    assert "settings and database OK" in loud.stderr and "applied migrations" not in loud.stderr


@pytest.mark.parametrize(
    ("levels", "problem"),
    [
        ("tandem.outbox=LOUD", "unknown log level 'LOUD'; use one of DEBUG, INFO, WARNING,"),
        ("tandem.outbox", "'tandem.outbox' is not area=LEVEL, e.g. tandem.outbox=DEBUG"),
    ],
)
def test_a_wrong_area_level_is_one_line(tmp_path: Path, levels: str, problem: str) -> None:
    result = run_cli("--check", env={"TANDEM_LOG_LEVELS": levels}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("tandem: invalid settings: TANDEM_LOG_LEVELS: " + problem)
    assert result.stderr.strip().count("\n") == 0


def test_every_setting_is_documented_and_the_example_names_only_known_ones() -> None:
    operators = (ROOT / "docs" / "operators.md").read_text()
    assert [name for name in Settings.names() if f"`{name}`" not in operators] == []
    assert unknown_names({}, ROOT / ".env.example") == []
