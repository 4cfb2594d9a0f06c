"""`python -m bot` runs Tandem; `--check` validates settings and database; `copy-database`
moves the SQLite database to PostgreSQL; `backup` copies the SQLite database while it runs."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Coroutine
from importlib import metadata
from pathlib import Path
from typing import Any

import discord
from pydantic import SecretStr, ValidationError

from bot.app import create_bot
from bot.log import configure, get
from bot.settings import ENV_FILE, MissingTokenError, Settings, unknown_names
from bot.startup import EXIT_OPERATOR_FIX, StartupFailed, serve
from bot.store import DatabaseUnavailable, Store, diagnosed, open_database
from bot.store.backup import BackupFailed, backup_sqlite, default_target, pg_dump_advice
from bot.store.copy import CopyRefused, copy_database


async def _check(settings: Settings) -> int:
    store = await Store.open(settings.database, discord.utils.utcnow())
    try:
        version = await store.db.schema_version()
    finally:
        await store.close()
    get("check").info(
        "settings and database OK (%s, schema version %d)", settings.database_name, version
    )
    return 0


def _on_the_database(command: Coroutine[Any, Any, int]) -> int:
    """Run `--check` or `copy-database`: a database they cannot open or reach is one line
    and exit status 2 at once, since an operator is watching (the bot retries an outage)."""
    try:
        return asyncio.run(command)
    except DatabaseUnavailable as problem:
        print(f"tandem: {problem.line}", file=sys.stderr)
        return EXIT_OPERATOR_FIX


def _one_line(error: ValidationError) -> str:
    """Each problem once, named by its setting (problems of several name them themselves)."""
    return "; ".join(
        (
            "TANDEM_" + "_".join(str(part) for part in issue["loc"]).upper() + ": "
            if issue["loc"]
            else ""
        )
        + issue["msg"].removeprefix("Value error, ")
        for issue in error.errors()
    )


async def _copy_database(settings: Settings, url: str, setting: str) -> int:
    """The SQLite file at TANDEM_DATABASE_PATH into the empty PostgreSQL database at `url`
    (which `setting` gave: `--to` or TANDEM_DATABASE_URL)."""
    with diagnosed(settings.database_path):  # a folder Tandem may not look into
        found = settings.database_path.is_file()
    if not found:
        print(f"tandem: no SQLite database at {settings.database_path}", file=sys.stderr)
        return 2
    now = discord.utils.utcnow()
    source = await open_database(settings.database_path, now)
    try:
        target = await open_database(url, now, setting=setting)
        try:
            report = await copy_database(source, target)
        finally:
            await target.close()
    except CopyRefused as refused:
        print(f"tandem: copy refused, no rows written: {refused}", file=sys.stderr)
        return 2
    finally:
        await source.close()
    copied = sum(report.rows.values())
    print(
        f"copied {copied} rows in {len(report.rows)} tables (schema version"
        f" {report.schema_version}); row counts and {report.pools} pool balances verified"
    )
    return 0


def version() -> str:
    """The installed release (pyproject's `version`; CHANGELOG.md says what each changed)."""
    try:
        return metadata.version("tandem-bot")
    except metadata.PackageNotFoundError:
        return "unknown (not installed: pip install -e .)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--version", action="version", version=f"Tandem {version()}")
    parser.add_argument(
        "--check", action="store_true", help="validate settings and database, then exit"
    )
    commands = parser.add_subparsers(dest="command")
    copy = commands.add_parser(
        "copy-database",
        help="copy the SQLite database into an empty PostgreSQL one and verify it",
    )
    copy.add_argument(
        "--to",
        metavar="postgresql://user@host:port/db",
        help="the target (default: TANDEM_DATABASE_URL, which keeps a password off the command line)",
    )
    backup = commands.add_parser(
        "backup", help="copy the SQLite database, safely while the bot runs, and verify the copy"
    )
    backup.add_argument(
        "--to",
        metavar="PATH",
        help="the new file (default: backups/tandem-<UTC time>.db beside the database)",
    )
    return parser


def _backup(settings: Settings, to: str | None) -> int:
    """One line either way: the verified copy, or why there is none (PostgreSQL: pg_dump)."""
    now = discord.utils.utcnow()
    if settings.database_url is not None:
        print(
            f"tandem: {pg_dump_advice(settings.database_url.get_secret_value(), now)}",
            file=sys.stderr,
        )
        return 2
    target = Path(to) if to is not None else default_target(settings.database_path, now)
    try:
        made = backup_sqlite(settings.database_path, target)
    except BackupFailed as failed:
        print(f"tandem: {failed}", file=sys.stderr)
        return 2
    print(made.summary())
    return 0


def _copy_target(settings: Settings, to: str | None) -> str | None:
    """Where copy-database writes: `--to`, else TANDEM_DATABASE_URL (from the environment
    or .env, so a password need not be typed where the shell's history keeps it)."""
    if to is not None:
        return str(Settings(database_url=SecretStr(to)).database)
    if settings.database_url is not None:
        return settings.database_url.get_secret_value()
    return None


def _copy(settings: Settings, target: str | None, to: str | None) -> int:
    """copy-database into `target` (from `--to` or TANDEM_DATABASE_URL), which it needs."""
    if target is None:
        print("tandem: copy-database needs --to or TANDEM_DATABASE_URL", file=sys.stderr)
        return 2
    setting = "--to" if to is not None else "TANDEM_DATABASE_URL"
    return _on_the_database(_copy_database(settings, target, setting))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
        configure(settings.log_level, settings.log_levels, settings.log_format)
        for warning in unknown_names(os.environ, ENV_FILE):
            get("settings").warning(warning)
        target = _copy_target(settings, args.to) if args.command == "copy-database" else None
    except ValidationError as error:
        print(f"tandem: invalid settings: {_one_line(error)}", file=sys.stderr)
        return 2
    if args.command == "backup":
        return _backup(settings, args.to)
    if args.command is not None:
        return _copy(settings, target, args.to)
    if args.check:
        return _on_the_database(_check(settings))
    try:
        token = settings.require_token()
    except MissingTokenError as error:
        print(f"tandem: {error}", file=sys.stderr)
        return 2
    return _run(settings, token.get_secret_value())


def _run(settings: Settings, token: str) -> int:
    """Start-up problems end as one `tandem: ...` line; Ctrl-C and SIGTERM end cleanly."""
    try:
        asyncio.run(serve(lambda: create_bot(settings), token))
    except StartupFailed as failure:
        print(f"tandem: {failure.line}", file=sys.stderr)
        return failure.exit_code
    except (KeyboardInterrupt, asyncio.CancelledError):
        get("app").info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
