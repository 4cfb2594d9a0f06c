"""One logger tree for all of Tandem, configured in one place.

Every module logs under `tandem.<area>` (`tandem.outbox`, `tandem.pairing`, ...), so an
operator can turn one area up or down, and domain events (a pair made or ended, a
milestone charged, a notice sent or given up on, a pool settled) are logged at INFO
with their ids: the log tells what happened to whom, in order.
"""

from __future__ import annotations

import logging

ROOT = "tandem"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def get(area: str) -> logging.Logger:
    return logging.getLogger(f"{ROOT}.{area}")


def configure(level: str) -> None:
    """Called once by `python -m bot`; discord.py's own loggers follow the same format."""
    logging.basicConfig(level=level, format=FORMAT)
