"""Configuration read from the environment and `.env`, prefixed `TANDEM_`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.log import LOG_FORMATS, LogFormat
from bot.shards import Shards

PREFIX = "TANDEM_"
# Read by the tests and the benchmarks, not by the bot: never warned about.
TOOL_NAMES = frozenset({"TANDEM_TEST_DATABASE_URL", "TANDEM_BENCH_DATABASE_URL"})
# The levels `TANDEM_LOG_LEVEL` accepts, from the most to the least said.
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def project_folder() -> Path:
    """Where `.env` and relative database paths are read from: the checkout holding
    pyproject.toml, so a bot started from another folder (a service manager's `/`) finds
    them; installed as a package, with no checkout around it, the working folder."""
    checkout = Path(__file__).absolute().parents[1]
    return checkout if (checkout / "pyproject.toml").is_file() else Path.cwd()


PROJECT = project_folder()
ENV_FILE = PROJECT / ".env"


class Settings(BaseSettings):
    """Everything an operator can set; the token is optional here so tests need none."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX,
        env_file=ENV_FILE,
        env_file_encoding="utf-8",
        extra="ignore",
        env_ignore_empty=True,
    )

    discord_token: SecretStr | None = None
    # Relative to the project folder (`PROJECT`), not to wherever Tandem is started from.
    database_path: Path = Field(default=Path("data/tandem.db"), validate_default=True)
    # Unset: the SQLite file at `database_path`. A postgresql:// URL selects PostgreSQL;
    # secret because it may carry a password.
    database_url: SecretStr | None = None
    log_level: str = "INFO"
    # Per-area levels over `log_level`: "tandem.outbox=DEBUG,discord=WARNING".
    log_levels: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)
    # "json": one JSON object per line, for log collectors.
    log_format: LogFormat = "text"
    # Serve /healthz, /readyz and /metrics (Prometheus) on this port; unset: no server.
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_host: str = "127.0.0.1"
    reminder_interval_seconds: int = Field(default=60, ge=1, le=3600)
    # At most this many requests to Discord begin in any second, shared by every process
    # of the bot (`bot.pacing`): under Discord's ~50 a second. 0 turns pacing off.
    send_rate: int = Field(default=45, ge=0, le=1000)
    dev_guild_id: int | None = None
    # Subscribe to the privileged Server Members intent so Tandem notices at once when a
    # member leaves the server; needs "Server Members Intent" switched on in the portal.
    members_intent: bool = False
    # HTTP(S) proxy for Discord's REST API, for hosts whose egress goes through a proxy.
    proxy: str | None = None
    # Sharding: how many shards the bot has in all, and which of them this process runs
    # (e.g. "0,1"). Unset: one process runs every shard Discord recommends.
    shard_count: int | None = Field(default=None, ge=1, le=10_000)
    shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = None

    @field_validator("proxy")
    @classmethod
    def _proxy_url(cls, value: str | None) -> str | None:
        """Catch a typo here rather than as a puzzling connection error at start-up."""
        if value is None:
            return None
        value = value.strip()
        if not value.lower().startswith(("http://", "https://")) or not urlsplit(value).hostname:
            raise ValueError("must be an http:// or https:// URL, e.g. http://proxy.example:3128")
        return value

    @field_validator("database_path")
    @classmethod
    def _in_project(cls, value: Path) -> Path:
        """Anchor a relative path to the project, as `.env` is: the same file from anywhere."""
        return PROJECT / value.expanduser()

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        """Only PostgreSQL is reached by URL; the message never repeats the URL itself."""
        if value is None:
            return None
        url = value.get_secret_value().strip()
        if not url.startswith(("postgresql://", "postgres://")) or not urlsplit(url).path.strip(
            "/"
        ):
            raise ValueError("must be a postgresql://user@host:port/database URL")
        return SecretStr(url)

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_list(cls, value: object) -> object:
        """`TANDEM_SHARD_IDS=0,1` as an operator writes it."""
        if isinstance(value, str):
            return tuple(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        """Shard ids need a count; SQLite's one file cannot serve several processes."""
        if self.shard_ids is None:
            return self
        if self.shard_count is None:
            raise ValueError("TANDEM_SHARD_IDS needs TANDEM_SHARD_COUNT")
        if not self.shard_ids or any(not 0 <= s < self.shard_count for s in self.shard_ids):
            raise ValueError(
                f"TANDEM_SHARD_IDS must be between 0 and {self.shard_count - 1}"
                " (TANDEM_SHARD_COUNT - 1)"
            )
        if self.database_url is None and set(self.shard_ids) != set(range(self.shard_count)):
            raise ValueError(
                "TANDEM_SHARD_IDS runs only some of TANDEM_SHARD_COUNT's shards, so other"
                " processes would share the SQLite file at TANDEM_DATABASE_PATH; set"
                " TANDEM_DATABASE_URL to a PostgreSQL database, or unset TANDEM_SHARD_IDS"
            )
        return self

    @property
    def shards(self) -> Shards:
        """The shards whose servers this process's timed work serves."""
        count = self.shard_count or 1
        return Shards(count, self.shard_ids or tuple(range(count)))

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"unknown log level {value!r}; use one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("log_format", mode="before")
    @classmethod
    def _known_format(cls, value: object) -> object:
        """One clear line rather than pydantic's literal_error for a typo."""
        if not isinstance(value, str):
            return value
        shape = value.strip().lower()
        if shape not in LOG_FORMATS:
            raise ValueError(f"unknown log format {value!r}; use one of {', '.join(LOG_FORMATS)}")
        return shape

    @field_validator("log_levels", mode="before")
    @classmethod
    def _area_levels(cls, value: object) -> object:
        """`TANDEM_LOG_LEVELS=tandem.outbox=DEBUG,discord=WARNING`, each level checked."""
        if not isinstance(value, str):
            return value
        levels = {}
        for part in filter(None, (piece.strip() for piece in value.split(","))):
            area, _, level = part.partition("=")
            if not area.strip() or not level.strip():
                raise ValueError(f"{part!r} is not area=LEVEL, e.g. tandem.outbox=DEBUG")
            levels[area.strip()] = cls._known_level(level)
        return levels

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Every setting as an operator writes it: `TANDEM_DATABASE_URL`."""
        return tuple(PREFIX + field.upper() for field in cls.model_fields)

    @property
    def database(self) -> Path | str:
        """Where the store lives: the PostgreSQL URL if one is set, else the SQLite file."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return self.database_path

    @property
    def database_name(self) -> str:
        """The database for logs: the engine and place, never a password."""
        if self.database_url is None:
            return f"SQLite {self.database_path}"
        parts = urlsplit(self.database_url.get_secret_value())
        return f"PostgreSQL {parts.hostname}:{parts.port or 5432}{parts.path}"

    def require_token(self) -> SecretStr:
        """Fail with one clear line, because a traceback hides the fix from operators."""
        token = self.discord_token
        if token is None or not token.get_secret_value().strip():
            raise MissingTokenError
        return token


def unknown_names(environ: Mapping[str, str], env_file: Path) -> list[str]:
    """A warning for each `TANDEM_*` name Tandem does not know, in the environment or in
    `env_file`, with the nearest known name: a typo would otherwise be ignored silently
    (`TANDEM_DATABSE_URL` running on SQLite)."""
    known = (*Settings.names(), *TOOL_NAMES)
    written = sorted({name for name in (*environ, *_names_in(env_file)) if name.startswith(PREFIX)})
    return [_unknown(name, Settings.names()) for name in written if name not in known]


def _names_in(env_file: Path) -> Iterable[str]:
    if not env_file.is_file():
        return ()
    lines = env_file.read_text(encoding="utf-8").splitlines()
    return (
        line.removeprefix("export ").split("=", 1)[0].strip()
        for line in lines
        if "=" in line and not line.lstrip().startswith("#")
    )


def _unknown(name: str, known: tuple[str, ...]) -> str:
    nearest = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {nearest[0]}?" if nearest else ""
    return f"unknown setting {name} is ignored{hint}"


class MissingTokenError(RuntimeError):
    """The bot cannot log in without a token."""

    def __init__(self) -> None:
        super().__init__(
            "TANDEM_DISCORD_TOKEN is not set: put your bot token in .env "
            "(see .env.example) or in the environment."
        )
