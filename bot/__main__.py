"""`python -m bot` runs Tandem; `python -m bot --check` validates settings and database."""

from __future__ import annotations

import argparse
import asyncio
import sys

import discord
from pydantic import ValidationError

from bot.app import create_bot
from bot.log import configure, get
from bot.settings import MissingTokenError, Settings
from bot.startup import StartupFailed, serve
from bot.store import Store


async def _check(settings: Settings) -> None:
    store = await Store.open(settings.database_path, discord.utils.utcnow())
    try:
        version = await store.db.schema_version()
    finally:
        await store.close()
    get("check").info(
        "settings and database OK (%s, schema version %d)", settings.database_path, version
    )


def _one_line(error: ValidationError) -> str:
    return "; ".join(
        "TANDEM_" + "_".join(str(part) for part in issue["loc"]).upper() + f": {issue['msg']}"
        for issue in error.errors()
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="validate settings and database, then exit"
    )
    args = parser.parse_args(argv)
    try:
        settings = Settings()
        configure(settings.log_level)
    except ValidationError as error:
        print(f"tandem: invalid settings: {_one_line(error)}", file=sys.stderr)
        return 2
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
