"""Starts the bot and turns every start-up problem into one line an operator can act on.

Operators read start-up failures in a terminal or a service log; a 78-line traceback
for "Discord is unreachable" or "the token was reset" hides the one thing to do. So
known problems become one line each: network trouble (Discord's, or an unreachable
PostgreSQL) is retried with growing delays, problems only the operator can fix (token,
intent, invite scope, a database that cannot be opened) stop with exit code 2, and
anything else is our bug and keeps its traceback (exit code 1).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass

import aiohttp
import discord

from bot.log import get
from bot.metrics import MetricsUnavailable
from bot.store.problems import DatabaseUnavailable, one_line

log = get("startup")

FIRST_DELAY_SECONDS = 1
MAX_DELAY_SECONDS = 300
EXIT_OPERATOR_FIX = 2
EXIT_BUG = 1

# Gateway close codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
AUTHENTICATION_FAILED = 4004
OUR_BUG_CLOSE_CODES = frozenset({4010, 4011, 4012, 4013})  # shards, API version, intents

Sleep = Callable[[float], Awaitable[object]]


@dataclass(frozen=True)
class Retry:
    """Discord (or the database: `subject`) could not be reached; trying again later may
    well work."""

    reason: str
    subject: str = "Discord"


@dataclass(frozen=True)
class Stop:
    """Only the operator (exit code 2) or a code fix (exit code 1) can help."""

    exit_code: int
    line: str


class StartupFailed(Exception):
    """Carries the one line and exit status up to `python -m bot`, which prints it."""

    def __init__(self, stop: Stop) -> None:
        super().__init__(stop.line)
        self.exit_code = stop.exit_code
        self.line = stop.line


def rejected_token_line() -> str:
    return (
        "Discord rejected TANDEM_DISCORD_TOKEN: reset it in the Discord developer portal "
        "(Applications > your app > Bot > Reset Token) and put the new token in .env."
    )


def missing_intent_line() -> str:
    """The Server Members intent is the only privileged intent Tandem ever asks for."""
    return (
        'Discord refused the Server Members intent: turn on "Server Members Intent" under '
        "Bot > Privileged Gateway Intents in the Discord developer portal, "
        "or set TANDEM_MEMBERS_INTENT=false."
    )


def missing_permission_line(error: discord.Forbidden) -> str:
    """Usually 50001 Missing Access while syncing slash commands: invited without the scope."""
    return (
        f"Discord refused access while starting ({one_line(error)}): re-invite the bot from "
        "OAuth2 > URL Generator in the Discord developer portal with the scopes bot and "
        "applications.commands (and check that TANDEM_DEV_GUILD_ID, if set, is a server "
        "the bot is in)."
    )


def unexpected_line() -> str:
    return "stopped by an unexpected error while starting (traceback above); please report it."


def unreachable_line(retry: Retry, delay: int, attempt: int) -> str:
    return (
        f"{retry.subject} is unreachable ({retry.reason}); retrying in {delay} s"
        f" (attempt {attempt})"
    )


def retry_delay(attempt: int) -> int:
    """1, 2, 4, ... seconds: quick when the network blips, at most 5 minutes in an outage."""
    return int(min(FIRST_DELAY_SECONDS * 2 ** min(attempt - 1, 16), MAX_DELAY_SECONDS))


def classify(error: Exception) -> Retry | Stop | None:
    """What to do about an exception from one start attempt; None means it is our bug.

    The store is opened while starting (in the bot's `setup_hook`), so a database error
    comes this way too: told apart from Discord's by its type, never filed as Discord.
    """
    line = _operator_fix(error)
    if line is not None:
        return Stop(EXIT_OPERATOR_FIX, line)
    return _out_of_reach(error)


def _operator_fix(error: Exception) -> str | None:
    """The line for problems retrying cannot heal but the operator can: token, intent,
    scope, a database that cannot be opened, a metrics port already taken."""
    if isinstance(error, MetricsUnavailable):
        return str(error)
    if isinstance(error, DatabaseUnavailable):
        return None if error.outage is not None else error.line
    if isinstance(error, discord.LoginFailure) or (
        isinstance(error, discord.ConnectionClosed) and error.code == AUTHENTICATION_FAILED
    ):
        return rejected_token_line()
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return missing_intent_line()
    if isinstance(error, discord.Forbidden):
        return missing_permission_line(error)
    return None


def _out_of_reach(error: Exception) -> Retry | None:
    """Discord or PostgreSQL did not answer, which waiting may heal; None: our bug."""
    if isinstance(error, DatabaseUnavailable):
        return None if error.outage is None else Retry(error.outage.reason, error.outage.subject)
    if isinstance(error, discord.ConnectionClosed):
        return None if error.code in OUR_BUG_CLOSE_CODES else Retry(one_line(error))
    if isinstance(error, discord.HTTPException):
        return Retry(one_line(error)) if error.status >= 500 else None
    if isinstance(error, aiohttp.ClientError | OSError | discord.GatewayNotFound):
        return Retry(one_line(error))  # asyncio.TimeoutError is an OSError since 3.11
    return None


async def _run_once(bot: discord.Client, token: str) -> None:
    """`async with` closes the bot (and so Tandem's store) however the attempt ends."""
    async with bot:
        await bot.start(token)


def _reached_gateway(bot: discord.Client) -> bool:
    """Once a gateway session opened, a later failure is a new outage: delays start over."""
    return getattr(bot, "ws", None) is not None


def _stopping() -> bool:
    """Ctrl-C or SIGTERM cancelled us, though a library turned the cancellation into an
    error (a connection attempt cut short): that is a stop, never an outage to retry."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def run_bot(
    make_bot: Callable[[], discord.Client], token: str, *, sleep: Sleep = asyncio.sleep
) -> None:
    """Run fresh bots until one stops cleanly; raise StartupFailed for what retrying cannot fix.

    A closed discord.py client cannot be started again, so every attempt builds a new one.
    """
    attempt = 0
    while True:
        attempt += 1
        bot = make_bot()
        try:
            await _run_once(bot, token)
        except Exception as error:
            if _stopping():
                raise asyncio.CancelledError from error
            verdict = classify(error)
            if verdict is None:
                log.error("unexpected error while starting Tandem", exc_info=error)
                raise StartupFailed(Stop(EXIT_BUG, unexpected_line())) from None
            if isinstance(verdict, Stop):
                raise StartupFailed(verdict) from None
            if _reached_gateway(bot):
                attempt = 1
            delay = retry_delay(attempt)
            log.warning(unreachable_line(verdict, delay, attempt))
            await sleep(delay)
        else:
            return


async def serve(make_bot: Callable[[], discord.Client], token: str) -> None:
    """run_bot, plus SIGTERM (from a service manager) stopping it like Ctrl-C does."""
    task = asyncio.current_task()
    if task is not None:
        with suppress(NotImplementedError):  # no signal handlers on Windows event loops
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    await run_bot(make_bot, token)
