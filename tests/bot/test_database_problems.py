"""A database that will not open is one line naming the place, the setting and the fix.

The errors here are the drivers' own, raised by real SQLite files and a real PostgreSQL
server wherever one can be made to fail on purpose; the command line and the bot's start
(which print these lines) are tested in test_startup.py.
"""

from __future__ import annotations

import errno
import os
import socket
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode
from uuid import uuid4

import asyncpg
import pytest

from bot.store import DatabaseUnavailable, open_database
from bot.store.problems import PATH_SETTING, URL_SETTING, masked, postgres_problem, sqlite_problem
from tests.bot.conftest import PostgresServer

NOW = datetime(2026, 1, 1, tzinfo=UTC)
URL = "postgresql://tandem:hunter2-pw@db.example:6543/tandem"


def real_sqlite_error(path: Path, *statements: str, uri: bool = False) -> sqlite3.Error:
    """The error SQLite itself raises running `statements` on `path`."""
    connection = sqlite3.connect(str(path), uri=uri, timeout=0)
    try:
        for statement in statements:
            connection.execute(statement)
    except sqlite3.Error as error:
        return error
    finally:
        connection.close()
    raise AssertionError(f"{statements} ran without an error")


def sqlite_line(error: Exception, path: Path) -> str:
    problem = sqlite_problem(error, path, PATH_SETTING)
    assert problem is not None and problem.outage is None
    assert "\n" not in problem.line and str(path.absolute()) in problem.line
    return problem.line


# --- SQLite ---------------------------------------------------------------------------------


def test_a_full_disk_says_so(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    full = real_sqlite_error(
        path,
        "PRAGMA max_page_count = 2",
        "CREATE TABLE a (x)",
        "CREATE TABLE b (x)",
        "INSERT INTO a VALUES (zeroblob(100000))",
    )
    assert full.sqlite_errorcode == sqlite3.SQLITE_FULL
    for error in (full, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path))):
        line = sqlite_line(error, path)
        assert line.startswith(f"the disk holding the SQLite database at {path} is full (")
        assert "free some space there, or set TANDEM_DATABASE_PATH" in line


def test_a_read_only_database_or_disk_says_so(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    sqlite3.connect(path).close()
    read_only = real_sqlite_error(Path(f"file:{path}?mode=ro"), "CREATE TABLE a (x)", uri=True)
    assert read_only.sqlite_errorcode == sqlite3.SQLITE_READONLY
    for error in (read_only, OSError(errno.EROFS, os.strerror(errno.EROFS), str(tmp_path))):
        line = sqlite_line(error, path)
        assert line.startswith(f"cannot write the SQLite database at {path} (")
        assert "set TANDEM_DATABASE_PATH to a writable place" in line


def test_a_database_another_process_holds_names_the_other_process(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    holder = sqlite3.connect(path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        busy = real_sqlite_error(path, "BEGIN IMMEDIATE")
    finally:
        holder.close()
    assert busy.sqlite_errorcode == sqlite3.SQLITE_BUSY
    line = sqlite_line(busy, path)
    assert line.startswith(f"another process holds the SQLite database at {path} (")
    assert "TANDEM_DATABASE_URL for several" in line


async def test_a_file_that_is_not_a_database_is_named_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("a shopping list, not a database\n" * 100)
    with pytest.raises(DatabaseUnavailable) as problem:
        await open_database(path, NOW)
    assert problem.value.line.startswith(f"{path} is not an SQLite database (DatabaseError:")
    assert "set TANDEM_DATABASE_PATH to Tandem's database file" in problem.value.line
    assert path.read_text().startswith("a shopping list")


async def test_a_damaged_database_asks_for_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    db = await open_database(path, NOW)
    await db.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * 3996  # the schema's page, after the file's header
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseUnavailable) as problem:
        await open_database(path, NOW)
    assert problem.value.line.startswith(f"the SQLite database at {path} is damaged (")
    assert "restore it from a backup" in problem.value.line


async def test_a_folder_given_as_the_database_suggests_a_file_in_it(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnavailable) as problem:
        await open_database(tmp_path, NOW)
    assert problem.value.line == (
        f"TANDEM_DATABASE_PATH names a folder, {tmp_path}, not a file:"
        f" name a file in it, e.g. {tmp_path}/tandem.db"
    )


async def test_a_folder_that_cannot_be_made_names_the_setting_and_whole_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatabaseUnavailable) as problem:
        await open_database(Path("a-file/data/t.db"), NOW)
    line = problem.value.line
    assert line.startswith(f"cannot create or open the SQLite database at {tmp_path}/a-file/data")
    assert "NotADirectoryError" in line or "FileExistsError" in line
    assert line.endswith("or set TANDEM_DATABASE_PATH to a file in a writable folder")


def test_an_error_of_our_own_stays_a_bug(tmp_path: Path) -> None:
    no_table = real_sqlite_error(tmp_path / "t.db", "SELECT * FROM nothing_here")
    assert sqlite_problem(no_table, tmp_path / "t.db", PATH_SETTING) is None
    assert sqlite_problem(KeyError("bug"), tmp_path / "t.db", PATH_SETTING) is None
    assert postgres_problem(KeyError("bug"), URL, URL_SETTING) is None
    assert postgres_problem(asyncpg.UndefinedTableError("no"), URL, URL_SETTING) is None


# --- PostgreSQL -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connect call failed ('10.0.0.5', 6543)"),
        socket.gaierror(-2, "Name or service not known"),
        TimeoutError(),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.TooManyConnectionsError("sorry, too many clients already"),
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_an_unreachable_server_is_an_outage_to_wait_out(error: Exception) -> None:
    problem = postgres_problem(error, URL, URL_SETTING)
    assert problem is not None and problem.outage is not None
    assert problem.outage.subject == "the database at db.example:6543"
    assert problem.outage.reason.startswith(type(error).__name__)
    assert problem.line.startswith("the database at db.example:6543 is unreachable (")
    assert problem.line.endswith(
        "start PostgreSQL there, or correct the host and port in"
        " TANDEM_DATABASE_URL (postgresql://tandem:***@db.example:6543/tandem)"
    )


@pytest.mark.parametrize(
    ("error", "fix"),
    [
        (
            asyncpg.InvalidPasswordError('password authentication failed for user "tandem"'),
            "correct the user and password in TANDEM_DATABASE_URL",
        ),
        (
            asyncpg.DiskFullError("could not extend file: No space left on device"),
            "free disk space on it",
        ),
        (
            asyncpg.ReadOnlySQLTransactionError("cannot execute CREATE TABLE in a read-only"),
            "at the primary server rather than a read-only standby",
        ),
    ],
    ids=lambda value: type(value).__name__,
)
def test_what_only_the_operator_can_fix_is_not_retried(error: Exception, fix: str) -> None:
    problem = postgres_problem(error, URL, URL_SETTING)
    assert problem is not None and problem.outage is None
    assert fix in problem.line and "db.example:6543" in problem.line
    assert "hunter2-pw" not in problem.line


def test_the_password_never_shows_even_when_a_message_repeats_it() -> None:
    error = asyncpg.InvalidPasswordError("rejected hunter2-pw for tandem")
    problem = postgres_problem(error, URL, "--to")
    assert problem is not None
    assert "hunter2-pw" not in problem.line
    assert "correct the user and password in --to (postgresql://tandem:***@" in problem.line
    encoded = postgres_problem(
        asyncpg.InvalidPasswordError("rejected p@ss for tandem"),
        "postgresql://tandem:p%40ss@db/tandem",
        URL_SETTING,
    )
    assert encoded is not None and "p@ss" not in encoded.line and "p%40ss" not in encoded.line
    # An outage's reason is logged on each retry: it never repeats the password either.
    outage = postgres_problem(ConnectionRefusedError("refused hunter2-pw"), URL, URL_SETTING)
    assert outage is not None and outage.outage is not None
    assert "hunter2-pw" not in outage.outage.reason and "***" in outage.outage.reason


def test_only_the_password_of_a_url_is_masked() -> None:
    assert masked(URL) == "postgresql://tandem:***@db.example:6543/tandem"
    assert masked("postgresql://tandem@db/t?sslmode=require") == (
        "postgresql://tandem@db/t?sslmode=require"
    )
    assert masked("postgresql://me:p%40ss:w@db/t?search_path=s") == (
        "postgresql://me:***@db/t?search_path=s"
    )


async def test_a_missing_database_says_how_to_create_it(postgres_server: PostgresServer) -> None:
    name = f"tandem_missing_{uuid4().hex[:8]}"
    url = postgres_server.url(database=name)
    with pytest.raises(DatabaseUnavailable) as problem:
        await open_database(url, NOW)
    server = postgres_server
    assert problem.value.outage is None
    assert problem.value.line == (
        f'the database "{name}" does not exist on the PostgreSQL server at {server.place}:'
        f" create it (as a PostgreSQL superuser: createdb -h {server.host} -p {server.port}"
        f" -O {server.user} {name}), or correct its name in TANDEM_DATABASE_URL ({url})"
    )


async def test_a_role_without_create_rights_is_told_what_to_grant(
    postgres_server: PostgresServer,
) -> None:
    role, schema = f"tandem_reader_{uuid4().hex[:8]}", f"test_{uuid4().hex}"
    admin = postgres_server.admin
    await admin.execute(f'CREATE ROLE "{role}" LOGIN')
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    await admin.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
    url = f"{postgres_server.url(user=role)}?{urlencode({'search_path': schema})}"
    try:
        with pytest.raises(DatabaseUnavailable) as problem:
            await open_database(url, NOW)
    finally:
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.execute(f'DROP ROLE "{role}"')
    assert problem.value.line.startswith(
        f'the role "{role}" may not create Tandem\'s tables in the database'
        f' "{postgres_server.database}"'
    )
    assert "InsufficientPrivilegeError: permission denied for schema" in problem.value.line
    assert f"ALTER SCHEMA public OWNER TO {role}" in problem.value.line
