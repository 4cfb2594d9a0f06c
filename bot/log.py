"""One logger tree for all of Tandem, configured in one place.

Every module logs under `tandem.<area>` (`tandem.outbox`, `tandem.pairing`, ...), so an
operator can turn one area up or down, and domain events (a pair made or ended, a
milestone charged, a notice sent or given up on, a pool settled) are logged at INFO
with their ids: the log tells what happened to whom, in order.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Literal, get_args

ROOT = "tandem"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# "text": lines for people; "json": one object per line, for log collectors.
LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[str, ...] = get_args(LogFormat)
# A Discord bot token's shape (base64 user id, timestamp, HMAC): whatever logged one, a
# library or a traceback's local text, the line shows this instead.
_TOKEN = re.compile(r"[\w-]{23,28}\.[\w-]{6,7}\.[\w-]{27,}")
REDACTED = "[token redacted]"


def get(area: str) -> logging.Logger:
    return logging.getLogger(f"{ROOT}.{area}")


def redact(text: str) -> str:
    return _TOKEN.sub(REDACTED, text)


class TextFormatter(logging.Formatter):
    """`FORMAT`, never showing a token."""

    def __init__(self) -> None:
        super().__init__(FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: `time` (ISO 8601, UTC), `level`, `logger`, `message`,
    and `exc_info` (the traceback as text) when there is one. Nothing else of the record
    is written, so no argument a library passed along leaks into the collector."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        if record.exc_info:
            entry["exc_info"] = redact(self.formatException(record.exc_info))
        elif record.stack_info:
            entry["exc_info"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False)


def formatter(shape: LogFormat) -> logging.Formatter:
    return JsonFormatter() if shape == "json" else TextFormatter()


def configure(
    level: str, areas: Mapping[str, str] | None = None, shape: LogFormat = "text"
) -> None:
    """Called once by `python -m bot`; discord.py's own loggers follow the same format.

    `areas` turns single loggers up or down (`{"tandem.outbox": "DEBUG"}`) from `level`;
    `shape` is `TANDEM_LOG_FORMAT`.
    """
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(shape))
    logging.basicConfig(level=level, handlers=[handler])
    for area, area_level in (areas or {}).items():
        logging.getLogger(area).setLevel(area_level)
