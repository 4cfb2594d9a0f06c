"""Start-up problems read as one line: rejected token, unreachable Discord, intent, scope,
a database that will not open; and where `.env` and the database are found."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit
from uuid import uuid4

import aiohttp
import discord
import pytest
from aiohttp.client_reqrep import ConnectionKey

from bot.app import TandemBot, create_bot
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
from tests.bot.conftest import PostgresServer
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


def cli(
    checkout: Path, *args: str, env: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m bot` run from the test's own checkout (its `.env`, its `data/`), started
    from another folder (by default the one holding the checkout)."""
    return run_cli(*args, env={"PYTHONPATH": str(checkout), **env}, cwd=cwd or checkout.parent)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# --- the command line -------------------------------------------------------------------


def test_check_needs_no_token_and_creates_the_database(checkout: Path) -> None:
    result = cli(checkout, "--check", env={"TANDEM_DATABASE_PATH": "db/t.db"})
    assert result.returncode == 0, result.stderr
    assert (checkout / "db" / "t.db").exists()  # in the project, not where it started
    assert not (checkout.parent / "db").exists()
    assert "settings and database OK" in result.stderr


def test_running_without_a_token_is_still_one_line(checkout: Path) -> None:
    result = cli(checkout, env={})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "TANDEM_DISCORD_TOKEN" in result.stderr


@pytest.mark.parametrize("proxy", ["127.0.0.1:3128", "socks5://127.0.0.1:1080", "http://"])
def test_an_invalid_proxy_is_one_clear_line(checkout: Path, proxy: str) -> None:
    result = cli(checkout, "--check", env={"TANDEM_PROXY": proxy})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "TANDEM_PROXY" in result.stderr and "http://" in result.stderr
    assert "Traceback" not in result.stderr


@contextmanager
def ctrl_c_reaches_children() -> Iterator[None]:
    """A shell runs background jobs (`scripts/test` runs both engines so) with Ctrl-C
    ignored, and children inherit that; a handled signal is reset for them instead."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_unreachable_discord_is_retried_one_line_per_attempt_until_stopped(
    tmp_path: Path, checkout: Path, stop_signal: signal.Signals
) -> None:
    """A proxy port nothing listens on makes Discord unreachable without touching the network."""
    stderr_path = tmp_path / "stderr.txt"
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(checkout),
        "TANDEM_DISCORD_TOKEN": TOKEN,
        "TANDEM_PROXY": f"http://127.0.0.1:{free_port()}",
        "TANDEM_DATABASE_PATH": str(tmp_path / "t.db"),
    }
    with stderr_path.open("w") as stderr, ctrl_c_reaches_children():
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
    checkout: Path, postgres: str
) -> None:
    with_password = postgres.replace("postgresql://postgres@", "postgresql://postgres:s3cret-pw@")
    result = cli(checkout, "--check", env={"TANDEM_DATABASE_URL": with_password})
    assert result.returncode == 0, result.stderr
    server = urlsplit(postgres)
    assert f"settings and database OK (PostgreSQL {server.hostname}:{server.port}/" in result.stderr
    assert "s3cret-pw" not in result.stdout + result.stderr
    assert not (checkout / "data").exists()  # no SQLite file on the side


def test_a_misspelt_setting_is_named_with_the_nearest_known_one(checkout: Path) -> None:
    (checkout / ".env").write_text("TANDEM_MEMBER_INTENT=true\n# TANDEM_NOT_READ=1\n")
    result = cli(
        checkout,
        "--check",
        env={
            "TANDEM_DATABSE_URL": "postgresql://x@127.0.0.1/db",
            "TANDEM_DATABASE_PATH": "t.db",
            "TANDEM_TEST_DATABASE_URL": "postgresql://tests@127.0.0.1/t",
        },
    )
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "unknown setting" in line]
    assert [line.split(": ", 1)[1] for line in warnings] == [
        "unknown setting TANDEM_DATABSE_URL is ignored; did you mean TANDEM_DATABASE_URL?",
        "unknown setting TANDEM_MEMBER_INTENT is ignored; did you mean TANDEM_MEMBERS_INTENT?",
    ]


def test_an_unknown_log_level_lists_the_valid_ones(checkout: Path) -> None:
    result = cli(checkout, "--check", env={"TANDEM_LOG_LEVEL": "verbose"})
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "tandem: invalid settings: TANDEM_LOG_LEVEL: unknown log level 'verbose';"
        " use one of DEBUG, INFO, WARNING, ERROR, CRITICAL"
    )


def test_a_new_database_is_announced_with_its_whole_path(checkout: Path) -> None:
    first = cli(checkout, "--check", env={"TANDEM_DATABASE_PATH": "data/t.db"})
    assert first.returncode == 0, first.stderr
    assert f"no database at {checkout / 'data' / 't.db'} yet: creating a new, empty one" in (
        first.stderr
    )
    again = cli(checkout, "--check", env={"TANDEM_DATABASE_PATH": "data/t.db"})
    assert "creating a new" not in again.stderr


def test_voice_libraries_tandem_never_needs_are_not_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = True  # a fresh process
    with caplog.at_level(logging.WARNING, logger="discord.client"):
        create_bot(Settings(_env_file=None, database_path=tmp_path / "t.db", discord_token=None))
    assert not [r for r in caplog.records if "voice will NOT be supported" in r.getMessage()]


def test_version_names_the_release(checkout: Path) -> None:
    result = cli(checkout, "--version", env={})
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"Tandem \d+\.\d+\.\d+\n", result.stdout)
    assert f"## {result.stdout.split()[1]}" in (ROOT / "CHANGELOG.md").read_text()


def test_one_area_of_the_log_is_turned_down_or_up(checkout: Path) -> None:
    quiet = cli(checkout, "--check", env={"TANDEM_LOG_LEVELS": "tandem.check=WARNING"})
    assert quiet.returncode == 0, quiet.stderr
    assert "settings and database OK" not in quiet.stderr
    assert "tandem.store: applied migrations" in quiet.stderr  # other areas unchanged
    loud = cli(
        checkout,
        "--check",
        env={"TANDEM_LOG_LEVEL": "WARNING", "TANDEM_LOG_LEVELS": " tandem.check = info "},
    )
    assert "settings and database OK" in loud.stderr and "applied migrations" not in loud.stderr


@pytest.mark.parametrize(
    ("levels", "problem"),
    [
        ("tandem.outbox=LOUD", "unknown log level 'LOUD'; use one of DEBUG, INFO, WARNING,"),
        ("tandem.outbox", "'tandem.outbox' is not area=LEVEL, e.g. tandem.outbox=DEBUG"),
    ],
)
def test_a_wrong_area_level_is_one_line(checkout: Path, levels: str, problem: str) -> None:
    result = cli(checkout, "--check", env={"TANDEM_LOG_LEVELS": levels})
    assert result.returncode == 2
    assert result.stderr.startswith("tandem: invalid settings: TANDEM_LOG_LEVELS: " + problem)
    assert result.stderr.strip().count("\n") == 0


def test_every_setting_is_documented_and_the_example_names_only_known_ones() -> None:
    operators = (ROOT / "docs" / "operators.md").read_text()
    assert [name for name in Settings.names() if f"`{name}`" not in operators] == []
    assert unknown_names({}, ROOT / ".env.example") == []


# --- where .env and the database are ------------------------------------------------------


def test_env_and_the_database_are_the_projects_wherever_tandem_starts(checkout: Path) -> None:
    (checkout / ".env").write_text(
        "TANDEM_DATABASE_PATH=data/from-env.db\nTANDEM_MEMBER_INTENT=1\n"
    )
    elsewhere = checkout.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".env").write_text("TANDEM_DATABASE_PATH=wrong.db\nTANDEM_NOT_OURS=1\n")
    result = cli(checkout, "--check", env={}, cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert (checkout / "data" / "from-env.db").exists()
    assert list(elsewhere.iterdir()) == [elsewhere / ".env"]
    assert f"settings and database OK (SQLite {checkout}/data/from-env.db" in result.stderr
    assert "unknown setting TANDEM_MEMBER_INTENT" in result.stderr  # the same .env, warned
    assert "TANDEM_NOT_OURS" not in result.stderr


def test_the_default_database_is_in_the_projects_data_folder(checkout: Path) -> None:
    result = cli(checkout, "--check", env={})
    assert result.returncode == 0, result.stderr
    assert f"no database at {checkout}/data/tandem.db yet" in result.stderr
    assert (checkout / "data" / "tandem.db").exists()


def test_installed_without_a_checkout_it_reads_the_folder_it_starts_from(tmp_path: Path) -> None:
    installed, work = tmp_path / "site-packages", tmp_path / "work"
    installed.mkdir()
    work.mkdir()
    for package in ("bot", "cogs"):
        (installed / package).symlink_to(ROOT / package, target_is_directory=True)
    (work / ".env").write_text("TANDEM_DATABASE_PATH=here.db\n")
    result = run_cli("--check", env={"PYTHONPATH": str(installed)}, cwd=work)
    assert result.returncode == 0, result.stderr
    assert (work / "here.db").exists()


# --- a database that will not open ---------------------------------------------------------


def one_problem(result: subprocess.CompletedProcess[str]) -> str:
    """The run's one `tandem: ` line, once it is sure the run stopped with exit status 2
    and printed nothing else but log lines (no traceback)."""
    lines = result.stderr.splitlines()
    problems = [line for line in lines if line.startswith("tandem: ")]
    assert result.returncode == 2 and len(problems) == 1, result.stderr
    assert all(LOG_LINE.match(line) for line in lines if line not in problems), result.stderr
    assert "Discord" not in result.stderr
    return problems[0]


def test_check_with_postgres_down_is_one_line_naming_the_place(checkout: Path) -> None:
    port = free_port()
    url = f"postgresql://tandem:s3cret-pw@127.0.0.1:{port}/tandem"
    result = cli(checkout, "--check", env={"TANDEM_DATABASE_URL": url})
    assert result.stderr.startswith(
        f"tandem: the database at 127.0.0.1:{port} is unreachable (ConnectionRefusedError: "
    )
    assert one_problem(result).endswith(
        "start PostgreSQL there, or correct the host and port in TANDEM_DATABASE_URL"
        f" (postgresql://tandem:***@127.0.0.1:{port}/tandem)"
    )
    assert result.stderr.count("\n") == 1 and "s3cret-pw" not in result.stdout + result.stderr


async def test_check_on_a_missing_database_says_how_to_create_it(
    checkout: Path, postgres_server: PostgresServer
) -> None:
    name = f"tandem_missing_{uuid4().hex[:8]}"
    result = cli(
        checkout, "--check", env={"TANDEM_DATABASE_URL": postgres_server.url(database=name)}
    )
    line = one_problem(result)
    assert line.startswith(f'tandem: the database "{name}" does not exist on the PostgreSQL')
    assert f"createdb -h {postgres_server.host} -p {postgres_server.port}" in line
    assert result.stderr.count("\n") == 1


async def test_check_with_an_unknown_role_never_prints_the_password(
    checkout: Path, postgres_server: PostgresServer
) -> None:
    role = f"tandem_nobody_{uuid4().hex[:8]}"
    url = postgres_server.url(user=role, password="s3cret-pw")
    result = cli(checkout, "--check", env={"TANDEM_DATABASE_URL": url})
    line = one_problem(result)
    assert line.startswith(
        f'tandem: the PostgreSQL server at {postgres_server.place} refused the role "{role}"'
        f' (InvalidAuthorizationSpecificationError: role "{role}" does not exist): correct the'
        f" user and password in TANDEM_DATABASE_URL (postgresql://{role}:***@"
    )
    assert "s3cret-pw" not in result.stdout + result.stderr


def a_folder(checkout: Path) -> tuple[str, str]:
    return str(checkout), f"TANDEM_DATABASE_PATH names a folder, {checkout}, not a file"


def under_a_file(checkout: Path) -> tuple[str, str]:
    """Relative, and so named by its whole path in the project."""
    (checkout / "a-file").write_text("")
    path = checkout / "a-file" / "data" / "t.db"
    return "a-file/data/t.db", f"cannot create or open the SQLite database at {path} ("


def under_a_read_only_folder(checkout: Path) -> tuple[str, str]:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders (see under_a_file and the disk tests)")
    folder = checkout / "read-only"
    folder.mkdir(mode=0o500)
    return str(folder / "t.db"), f"cannot create or open the SQLite database at {folder}/t.db ("


def not_a_database(checkout: Path) -> tuple[str, str]:
    path = checkout / "notes.txt"
    path.write_text("a shopping list\n" * 500)
    return str(path), f"{path} is not an SQLite database (DatabaseError: file is not a database)"


@pytest.mark.parametrize(
    "where",
    [a_folder, under_a_file, under_a_read_only_folder, not_a_database],
    ids=lambda where: where.__name__,
)
def test_check_on_an_sqlite_path_that_cannot_serve_is_one_line(
    checkout: Path, where: Callable[[Path], tuple[str, str]]
) -> None:
    path, problem = where(checkout)
    result = cli(checkout, "--check", env={"TANDEM_DATABASE_PATH": path})
    assert one_problem(result).startswith(f"tandem: {problem}")
    assert "TANDEM_DATABASE_PATH" in result.stderr and result.stderr.count("\n") == 1


def in_own_mount(
    checkout: Path, folder: Path, mount: str, *args: str
) -> subprocess.CompletedProcess[str]:
    """`python -m bot` after mounting `folder` in a user and mount namespace of its own:
    a small or read-only disk for real, without root and without touching the host."""
    if (
        shutil.which("unshare") is None
        or subprocess.run(
            ["unshare", "--map-root-user", "--mount", "true"], capture_output=True, check=False
        ).returncode
    ):
        pytest.skip("needs `unshare` and unprivileged user namespaces (util-linux, Linux)")
    script = mount.format(folder=shlex.quote(str(folder))) + ' && exec "$@"'
    bot = (sys.executable, "-m", "bot", *args)
    return subprocess.run(
        ["unshare", "--map-root-user", "--mount", "sh", "-c", script, "sh", *bot],
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(checkout),
            "TANDEM_DATABASE_PATH": str(folder / "t.db"),
        },
        cwd=checkout.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_on_a_full_disk_is_one_line(checkout: Path) -> None:
    folder = checkout / "small-disk"
    folder.mkdir()
    result = in_own_mount(checkout, folder, "mount -t tmpfs -o size=64k tmpfs {folder}", "--check")
    assert one_problem(result).startswith(
        f"tandem: the disk holding the SQLite database at {folder}/t.db is full ("
    )


def test_check_on_a_read_only_disk_is_one_line(checkout: Path) -> None:
    folder = checkout / "read-only-disk"
    folder.mkdir()
    made = sqlite3.connect(folder / "t.db")
    made.execute("PRAGMA journal_mode=WAL")
    made.close()
    result = in_own_mount(
        checkout,
        folder,
        "mount --bind {folder} {folder} && mount -o remount,bind,ro {folder}",
        "--check",
    )
    assert one_problem(result).startswith(
        f"tandem: cannot write the SQLite database at {folder}/t.db ("
    )


def test_copying_to_postgres_that_is_down_is_one_line_naming_to(checkout: Path) -> None:
    source = checkout / "t.db"
    source.write_bytes(b"")  # an empty file is an empty SQLite database
    port = free_port()
    url = f"postgresql://tandem:s3cret-pw@127.0.0.1:{port}/tandem"
    result = cli(checkout, "copy-database", "--to", url, env={"TANDEM_DATABASE_PATH": str(source)})
    line = one_problem(result)
    assert line.startswith(f"tandem: the database at 127.0.0.1:{port} is unreachable (")
    assert line.endswith(
        f"correct the host and port in --to (postgresql://tandem:***@127.0.0.1:{port}/tandem)"
    )
    assert "s3cret-pw" not in result.stdout + result.stderr


async def test_copying_to_a_missing_database_is_one_line(
    checkout: Path, postgres_server: PostgresServer
) -> None:
    source = checkout / "t.db"
    source.write_bytes(b"")
    url = postgres_server.url(database=f"tandem_missing_{uuid4().hex[:8]}")
    result = cli(checkout, "copy-database", "--to", url, env={"TANDEM_DATABASE_PATH": str(source)})
    line = one_problem(result)
    assert "does not exist on the PostgreSQL server" in line
    assert line.endswith(f"or correct its name in --to ({url})")


def test_copying_from_a_file_that_is_not_a_database_is_one_line(checkout: Path) -> None:
    source = checkout / "notes.txt"
    source.write_text("a shopping list\n" * 500)
    result = cli(
        checkout,
        "copy-database",
        env={
            "TANDEM_DATABASE_PATH": str(source),
            "TANDEM_DATABASE_URL": f"postgresql://tandem@127.0.0.1:{free_port()}/tandem",
        },
    )
    assert one_problem(result).startswith(f"tandem: {source} is not an SQLite database")


# --- the bot's start on a database that will not open ---------------------------------------


class OfflineTandem(TandemBot):
    """Tandem whose Discord login succeeds without the network: starting it reaches its
    `setup_hook`, which opens the store, as it does once Discord let it in."""

    async def login(self, token: str) -> None:
        await self.setup_hook()


class Enough(Exception):
    """Ends a retry loop that would otherwise run until stopped."""


async def test_the_bot_retries_an_unreachable_database_as_the_database(
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = free_port()
    settings = Settings(
        _env_file=None,
        database_url=f"postgresql://tandem:s3cret-pw@127.0.0.1:{port}/tandem",
        discord_token=None,
    )
    delays: list[float] = []

    async def record(delay: float) -> None:
        delays.append(delay)
        if len(delays) == 3:
            raise Enough

    with pytest.raises(Enough):
        await run_bot(lambda: OfflineTandem(settings), TOKEN, sleep=record)
    assert delays == [1, 2, 4]
    warnings = [r.getMessage() for r in caplog.records if r.name == "tandem.startup"]
    assert [re.sub(r"\(ConnectionRefusedError: [^)]*\)\)", "(...)", line) for line in warnings] == [
        f"the database at 127.0.0.1:{port} is unreachable (...); retrying in {delay} s"
        f" (attempt {attempt})"
        for attempt, delay in enumerate(delays, start=1)
    ]
    assert "Discord" not in caplog.text and "s3cret-pw" not in caplog.text


async def test_the_bot_stops_on_a_database_only_the_operator_can_fix(tmp_path: Path) -> None:
    async def no_wait(delay: float) -> None:
        raise AssertionError("what only the operator can fix must not be retried")

    settings = Settings(_env_file=None, database_path=tmp_path, discord_token=None)
    with pytest.raises(StartupFailed) as failure:
        await run_bot(lambda: OfflineTandem(settings), TOKEN, sleep=no_wait)
    assert failure.value.exit_code == 2
    assert failure.value.line.startswith(f"TANDEM_DATABASE_PATH names a folder, {tmp_path}")


async def test_the_bot_stops_on_a_missing_database(postgres_server: PostgresServer) -> None:
    async def no_wait(delay: float) -> None:
        raise AssertionError("a missing database must not be retried")

    url = postgres_server.url(database=f"tandem_missing_{uuid4().hex[:8]}")
    settings = Settings(_env_file=None, database_url=url, discord_token=None)
    with pytest.raises(StartupFailed) as failure:
        await run_bot(lambda: OfflineTandem(settings), TOKEN, sleep=no_wait)
    assert failure.value.exit_code == 2 and "createdb" in failure.value.line
