"""Verbs and readings the behavioural tests share.

SimCord's clock starts on Thursday 2026-01-01 00:00 UTC.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit, urlunsplit
from uuid import uuid4

import asyncpg
import discord
import pytest
import simcord
import simcord.interactions
from babel import Locale

from bot.app import TandemBot
from bot.store import Store
from bot.store.postgres import PostgresConnection
from bot.store.sqlite import SQLiteConnection, SQLiteDatabase

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
# Where SimCord's clock starts: Thursday 2026-01-01 00:00 UTC.
SIMCORD_START = datetime(2026, 1, 1, tzinfo=UTC)
Member = simcord.MemberActor
Channel = simcord.ChannelHandle
Result = simcord.InteractionResult
MONDAY = 0
HOUR = 3600
DAY = 24 * HOUR
WEEK = 7 * DAY
# Set (scripts/test sets it on its second pass) to run the suite on PostgreSQL.
TEST_DATABASE_URL = os.environ.get("TANDEM_TEST_DATABASE_URL", "")
on_sqlite = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's own behaviour")
# How the English proposals in a thread begin: what the tests look for.
SCHEDULE_PROPOSED = "proposes a new check-in time"
CADENCE_PROPOSED = "proposes checking in"
ANSWERS = {"completed": "Chapter 3 exercises", "next_goal": "Finish chapter 4", "blockers": ""}


@dataclass
class Server:
    """A study server in SimCord with Tandem's channels and a moderator."""

    env: simcord.Env
    guild: simcord.GuildHandle
    general: Channel
    partners: Channel
    leaderboard: Channel
    moderator: Member

    @property
    def bot(self) -> TandemBot:
        bot: TandemBot = self.env.bot
        return bot

    def member(self, name: str) -> Member:
        return self.guild.add_member(self.env.create_user(name))

    def thread(self, thread_id: int) -> Channel:
        return next(t for t in self.partners.threads if t.id == thread_id)

    def errors(self) -> list[BaseException]:
        """Errors the bot reported to members; reading them marks them as expected.

        Each is unwrapped from discord.py's wrappers (a command's, an option's).
        """
        return [
            getattr(error, "original", None) or error.__cause__ or error
            for error in self.env.errors
        ]


def study_server(
    env: simcord.Env, name: str, shard: int | None = None, locale: str | None = None
) -> Server:
    """A server with Tandem's channels and a moderator (on `shard`, for sharded bots);
    `locale` is the server's preferred locale as Discord reports it (default `en-US`)."""
    guild = env.create_guild(name, shard_id=shard, preferred_locale=locale)
    if locale is not None:
        _GUILD_LOCALES[guild.id] = locale
    mods = guild.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
    moderator = "mod" if shard is None else f"mod of {name}"
    return Server(
        env=env,
        guild=guild,
        general=guild.create_text_channel("general"),
        partners=guild.create_text_channel("partners"),
        leaderboard=guild.create_text_channel("leaderboard"),
        moderator=guild.add_member(env.create_user(moderator), roles=[mods]),
    )


# SimCord sends every interaction as `en-US` (its payload's `locale` and `guild_locale`).
# A member whose Discord is in another language is set with `speaks(member, "es-ES")`:
# from then on each interaction they send (command, button, form) carries that `locale`,
# and `guild_locale` is their server's preferred locale (`study_server(..., locale=)`).
# The payload builder is wrapped once, here, and only changes those two fields.
_SPOKEN: dict[int, str] = {}
_GUILD_LOCALES: dict[int, str] = {}


def speaks(member: Member, locale: str) -> Member:
    """Make `member`'s Discord client use `locale` (a Discord locale such as `pt-BR`)."""
    _SPOKEN[member.id] = locale
    return member


def forget_locales() -> None:
    """Every member and server back on `en-US` (run before each test by `conftest.py`)."""
    _SPOKEN.clear()
    _GUILD_LOCALES.clear()


def _with_locales(build: Any) -> Any:
    def payload(*args: Any, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
        record, built = build(*args, **kwargs)
        built["locale"] = _SPOKEN.get(int(kwargs["user_id"]), "en-US")
        if "guild_locale" in built:
            built["guild_locale"] = _GUILD_LOCALES.get(int(kwargs["guild_id"]), "en-US")
        return record, built

    return payload


simcord.interactions.base_payload = _with_locales(simcord.interactions.base_payload)


async def set_up(server: Server, **options: Any) -> Result:
    """A moderator runs `/setup` naming both channels, and any other `options`."""
    return await server.moderator.slash(
        server.general,
        "setup",
        leaderboard_channel=server.leaderboard,
        partner_channel=server.partners,
        **options,
    )


async def set_up_server(env: simcord.Env, locale: str) -> Server:
    """A study server whose own language in Discord is `locale`, set up by a moderator."""
    server = study_server(env, "Study Hall", locale=locale)
    result = await set_up(server)
    assert result.response is not None and result.response.content
    return server


async def exported(server: Server, member: Member) -> dict[str, Any]:
    """The member's `/privacy export` document, as they would download it."""
    result = await member.slash(server.general, "privacy export")
    assert answer(result).ephemeral
    [attachment] = answer(result).attachments
    assert attachment.filename == "tandem-data.json"
    document: dict[str, Any] = json.loads(await attachment.read())
    return document


def answer(result: Result) -> Any:
    """The message the member saw last, whether answered directly or after deferring."""
    return result.followups[-1] if result.followups else result.response


def reply(result: Result) -> str:
    """The text the member saw, whether answered directly or after deferring."""
    return str(answer(result).content)


# What a reader sees as one token: a mention or a Discord timestamp counts as one character.
_TOKEN = re.compile(r"<(?:@!?|@&|#)\d+>|<t:-?\d+(?::[tTdDfFR])?>")
# Issue 20's rule for a message others read: the outcome and the next step, briefly.
SHORT_LINES = 3
SHORT_CHARACTERS = 240


def visible(text: str) -> str:
    """The text as its length is felt: each mention and timestamp one character."""
    return _TOKEN.sub("•", text)


def assert_short(text: str) -> None:
    """At most three lines and about 240 visible characters (mentions and timestamps as one)."""
    shown = visible(text).strip()
    assert len(shown.splitlines()) <= SHORT_LINES, f"more than {SHORT_LINES} lines: {text!r}"
    assert len(shown) <= SHORT_CHARACTERS, f"{len(shown)} visible characters: {text!r}"


def shown_on_a_phone(drawn: dict[str, Any]) -> dict[str, float]:
    """Each text of a picture and its height in pixels when Discord shows the picture 400 px
    wide, read from the layout its PNG recorded (issue 20: at least 11 px)."""
    layout = drawn["layout"]
    return {text["text"]: text["px"] * 400 / layout["width"] for text in layout["texts"]}


def messages_with(channel: Channel, text: str) -> list[discord.Message]:
    return [m for m in channel.history() if text in m.content]


def pinged(server: Server, message: discord.Message) -> set[int]:
    """Who Discord notified for this message: what the bot's allowed mentions let through."""
    stored = server.env.backend.get_message(message.channel.id, message.id)
    return set(stored.ping_user_ids)


async def advance(server: Server, seconds: float) -> None:
    """Move virtual time a day at a time: each step settles within SimCord's time limit."""
    await advance_to(server, server.env.now() + timedelta(seconds=seconds))


async def advance_to(server: Server, when: datetime) -> None:
    while (left := (when - server.env.now()).total_seconds()) > 0:
        await server.env.advance_time(min(left, DAY))


async def find(server: Server, member: Member, **overrides: Any) -> Any:
    options = {
        "course": "Intro to Python",
        "pace": 10,
        "timezone": "Europe/Berlin",
        "checkin_day": MONDAY,
        "checkin_time": "18:00",
    } | overrides
    return await member.slash(server.general, "partner find", **options)


async def pair(server: Server, first: Member, second: Member, **overrides: Any) -> Any:
    """Queue two compatible members so they are paired; returns their partnership."""
    await find(server, first, **overrides)
    await find(server, second, **overrides)
    [partnership] = await server.bot.store.partnerships.active_partnerships(
        server.guild.id, first.id
    )
    return partnership


async def request(server: Server, inviter: Member, invitee: Member, **overrides: Any) -> Any:
    options = {
        "member": invitee,
        "course": "Intro to Python",
        "checkin_day": 2,
        "checkin_time": "07:30",
        "timezone": "Asia/Kolkata",
    } | overrides
    return await inviter.slash(server.general, "partner request", **options)


def invitation_message(server: Server, invitee: Member) -> discord.Message:
    """The newest invitation to `invitee` posted in #general (the pseudo-locale leaves the
    mention outside its marks: `<@1>⟦, ⟧`)."""
    addressed = (f"{invitee.mention}, ", f"{invitee.mention}⟦, ")
    return [m for m in server.general.history() if any(a in m.content for a in addressed)][-1]


def button_labels(message: Any) -> list[str]:
    """The buttons under a message (posted, or a private reply's raw rows), as their labels."""
    return [
        str(item["label"] if isinstance(item, dict) else item.label)
        for row in message.components
        for item in (row["components"] if isinstance(row, dict) else row.children)
    ]


# The test-only pseudo-locale (`bot.i18n.PSEUDO`): every translated string comes out
# ⟦marked⟧, so a member who `speaks(member, PSEUDO)` sees any forgotten string unmarked.
_MARKED = re.compile(r"⟦[^⟦⟧]*⟧")
# What may stand outside the marks: numbers, spaces, punctuation, emoji and markdown.
_NOT_WORDS = re.compile(r"[\d\W_]+")
# Data rather than wording: time zone names, and the day and month names Babel formats for
# the reader's locale (English ones under the pseudo-locale).
_ZONE = re.compile(r"\b(?:[A-Z][A-Za-z_+-]*(?:/[A-Za-z_+-]+)+|UTC)\b")
_ENGLISH = Locale.parse("en")
_CALENDAR = re.compile(
    r"\b(?:"
    + "|".join(
        sorted(
            {
                name
                for names in (_ENGLISH.days["format"], _ENGLISH.months["format"])
                for width in ("wide", "abbreviated")
                for name in names[width].values()
            },
            key=len,
            reverse=True,
        )
    )
    + r")\b"
)


def unmarked(text: str, *member_written: str) -> str:
    """The letters of `text` that did not pass the translation layer, apart from
    member-written text (course names, answers, names), mentions and timestamps."""
    for written in sorted(member_written, key=len, reverse=True):
        text = text.replace(written, "")
    previous = None
    while previous != text:
        previous, text = text, _MARKED.sub("", text)
    for data in (_TOKEN, _ZONE, _CALENDAR):
        text = data.sub("", text)
    return _NOT_WORDS.sub("", text)


def texts_of(message: Any) -> list[str]:
    """Everything a member reads on a message: its text, embeds and button labels."""
    texts = [str(message.content or "")]
    for embed in getattr(message, "embeds", None) or []:
        texts += [embed.title or "", embed.description or "", embed.footer.text or ""]
        texts += [embed.author.name or ""]
        texts += [f"{field.name} {field.value}" for field in embed.fields]
    return texts + button_labels(message)


def assert_translated(message: Any, *member_written: str) -> None:
    """Every word Tandem wrote on `message` passed the translation layer (pseudo-locale)."""
    for text in texts_of(message):
        assert unmarked(text, *member_written) == "", f"not marked for translation: {text!r}"


def fresh(channel: Channel, message: discord.Message) -> discord.Message:
    """The message as it reads now, after the bot edited it."""
    return next(m for m in channel.history() if m.id == message.id)


async def check_in(server: Server, member: Member, **answers: str) -> Any:
    shown = await member.slash(server.general, "checkin")
    assert shown.modal is not None and shown.modal["title"] == "Weekly check-in"
    return await member.submit_modal(shown, ANSWERS | answers)


async def goal(server: Server, member: Member, text: str = "Finish the Python course") -> int:
    result = await member.slash(
        server.general, "goal set", text=text, done_when="Certificate in hand"
    )
    assert "Goal set" in reply(result), reply(result)
    goals = await server.bot.store.milestones.active_goals(server.guild.id, member.id)
    return int(goals[-1].id)


async def add(server: Server, member: Member, goal_id: int, **overrides: Any) -> Any:
    options = {
        "goal": str(goal_id),
        "title": "Chapter 4",
        "due": "2026-01-03",
        "pledge": 5.0,
    } | overrides
    return await member.slash(server.general, "milestone add", **options)


async def ledger_rows(server: Server) -> list[tuple[Any, ...]]:
    rows = await server.bot.store.db.fetch_all(
        "SELECT kind, amount, milestone_id FROM ledger_entries ORDER BY id"
    )
    return [tuple(row) for row in rows]


async def only_milestone(server: Server, member: Member) -> Any:
    [milestone] = await server.bot.store.milestones.milestones_of(
        server.guild.id, member.id, open_only=True
    )
    return milestone


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m bot` in a fresh process, with only the environment given."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@asynccontextmanager
async def fresh_schema() -> AsyncIterator[str]:
    """A URL whose connections use a new, empty schema, dropped afterwards."""
    schema = f"test_{uuid4().hex}"
    admin = await asyncpg.connect(TEST_DATABASE_URL)
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{TEST_DATABASE_URL}?{urlencode({'search_path': schema})}"
    finally:
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()


# Migrating a new database costs a bot start 0.1 s on SQLite and 0.3 s on PostgreSQL; a
# test that starts the bot begins instead on a copy of one migrated once per session.
# The bot would have migrated a new one first anyway, and migrating an empty database
# gives the same schema at any moment (here SimCord's, as a bot in SimCord would).


async def migrate(location: Path | str) -> None:
    """Migrate the new, empty database at `location` as a bot starting in SimCord would."""
    store = await Store.open(location, SIMCORD_START)
    await store.close()


def free_port() -> int:
    """A port nobody listens on now, for a test's metrics server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def run_aside(work: Coroutine[Any, Any, T]) -> T:
    """Run `work` to its end on a thread and loop of its own: callable with or without a
    running loop (asyncio.run would also unset the loop pytest-asyncio set for a test)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, work).result()


@cache
def sqlite_template() -> Path:
    """An SQLite database migrated once per test process (deleted when it ends)."""
    folder = Path(tempfile.mkdtemp(prefix="tandem-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    run_aside(migrate(folder / "tandem.db"))
    return folder / "tandem.db"


def migrated_sqlite(path: Path) -> Path:
    """A new SQLite database at `path`, migrated: a copy of `sqlite_template()`."""
    shutil.copyfile(sqlite_template(), path)
    return path


def on_database(name: str) -> str:
    """`TEST_DATABASE_URL`, on the database `name` of the same server."""
    return urlunsplit(urlsplit(TEST_DATABASE_URL)._replace(path=f"/{name}"))


async def postgres_template() -> str | None:
    """A new database on the test server, migrated: its name; None when the server does
    not let the tests create databases (each test then migrates a new schema)."""
    name = f"tandem_template_{uuid4().hex}"
    admin = await asyncpg.connect(TEST_DATABASE_URL)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    except asyncpg.InsufficientPrivilegeError:
        return None
    finally:
        await admin.close()
    await migrate(on_database(name))
    return name


async def drop_database(name: str) -> None:
    admin = await asyncpg.connect(TEST_DATABASE_URL)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@asynccontextmanager
async def copied_database(template: str) -> AsyncIterator[str]:
    """A URL to a new database copied from the database `template`, dropped afterwards."""
    name = f"test_{uuid4().hex}"
    admin = await asyncpg.connect(TEST_DATABASE_URL)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await admin.close()
    try:
        yield on_database(name)
    finally:
        await drop_database(name)


async def confirm(
    server: Server,
    owner: Member,
    partner: Member,
    thread_id: int,
    title: str,
    due: str = "2026-03-01",
) -> datetime:
    """The owner adds a milestone and says it is done; the partner confirms it."""
    await add(server, owner, await goal(server, owner, f"Goal for {title}"), title=title, due=due)
    [milestone] = [
        m
        for m in await server.bot.store.milestones.milestones_of(
            server.guild.id, owner.id, open_only=True
        )
        if m.title == title
    ]
    await owner.slash(server.general, "milestone done", milestone=str(milestone.id))
    confirmed = server.env.now()
    await partner.click(messages_with(server.thread(thread_id), "is done!")[-1], label="Confirm")
    return confirmed


async def agree_time(
    server: Server, proposer: Member, partner: Member, thread: Channel, **weekly: Any
) -> None:
    """The proposer asks for a new check-in time (`checkin_day`, `checkin_time`,
    `timezone`) with `/checkin_schedule`; the partner confirms it in the thread."""
    await proposer.slash(server.general, "checkin_schedule", **weekly)
    await partner.click(messages_with(thread, "proposes a new check-in time")[-1], label="Confirm")


# Set while the command tree handles an interaction (`statements_sent`).
_IN_COMMAND: ContextVar[bool] = ContextVar("in_command", default=False)


@contextmanager
def statements_sent(server: Server) -> Iterator[list[str]]:
    """Each statement the commands run inside send to the database, in order: what an
    interaction costs, without the scheduler's own statements (tasks of their own)."""
    sent: list[str] = []
    sqlite = isinstance(server.bot.store.db, SQLiteDatabase)
    connection: type[Any] = SQLiteConnection if sqlite else PostgresConnection
    call = server.bot.tree._call

    async def in_command(*args: Any) -> Any:
        _IN_COMMAND.set(True)
        return await call(*args)

    with pytest.MonkeyPatch.context() as patch:
        for name in ("fetch_all", "execute", "executemany"):
            patch.setattr(connection, name, _noting(getattr(connection, name), sent))
        patch.setattr(server.bot.tree, "_call", in_command)
        yield sent


def _noting(send: Callable[..., Awaitable[Any]], sent: list[str]) -> Callable[..., Awaitable[Any]]:
    async def noted(self: Any, sql: str, *args: Any) -> Any:
        if _IN_COMMAND.get():
            sent.append(sql)
        return await send(self, sql, *args)

    return noted
