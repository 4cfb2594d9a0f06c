"""`python -m bot` runs Tandem; `--check` validates settings and database; `copy-database`
moves the SQLite database to PostgreSQL."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from importlib import metadata
from pathlib import Path

import discord
from pydantic import SecretStr, ValidationError

from bot.app import create_bot
from bot.log import configure, get
from bot.settings import MissingTokenError, Settings, unknown_names
from bot.startup import StartupFailed, serve
from bot.store import Store, open_database
from bot.store.copy import CopyRefused, copy_database


async def _check(settings: Settings) -> None:
    store = await Store.open(settings.database, discord.utils.utcnow())
    try:
        version = await store.db.schema_version()
    finally:
        await store.close()
    get("check").info(
        "settings and database OK (%s, schema version %d)", settings.database_name, version
    )


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


async def _copy_database(settings: Settings, url: str) -> int:
    """The SQLite file at TANDEM_DATABASE_PATH into the empty PostgreSQL database at `url`."""
    if not settings.database_path.is_file():
        print(f"tandem: no SQLite database at {settings.database_path}", file=sys.stderr)
        return 2
    now = discord.utils.utcnow()
    source = await open_database(settings.database_path, now)
    try:
        target = await open_database(url, now)
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
    return parser


def _copy_target(settings: Settings, to: str | None) -> str | None:
    """Where copy-database writes: `--to`, else TANDEM_DATABASE_URL (from the environment
    or .env, so a password need not be typed where the shell's history keeps it)."""
    if to is not None:
        return str(Settings(database_url=SecretStr(to)).database)
    if settings.database_url is not None:
        return settings.database_url.get_secret_value()
    return None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
        configure(settings.log_level, settings.log_levels)
        for warning in unknown_names(os.environ, Path(".env")):
            get("settings").warning(warning)
        target = None if args.command is None else _copy_target(settings, args.to)
    except ValidationError as error:
        print(f"tandem: invalid settings: {_one_line(error)}", file=sys.stderr)
        return 2
    if args.command is not None:
        if target is None:
            print("tandem: copy-database needs --to or TANDEM_DATABASE_URL", file=sys.stderr)
            return 2
        return asyncio.run(_copy_database(settings, target))
    if args.check:
        asyncio.run(_check(settings))
        return 0
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
