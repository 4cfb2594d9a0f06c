"""One logger tree for all of Tandem, configured in one place.

Every module logs under `tandem.<area>` (`tandem.outbox`, `tandem.pairing`, ...), so an
operator can turn one area up or down, and domain events (a pair made or ended, a
milestone charged, a notice sent or given up on, a pool settled) are logged at INFO
with their ids: the log tells what happened to whom, in order.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

ROOT = "tandem"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def get(area: str) -> logging.Logger:
    return logging.getLogger(f"{ROOT}.{area}")


def configure(level: str, areas: Mapping[str, str] | None = None) -> None:
    """Called once by `python -m bot`; discord.py's own loggers follow the same format.

    `areas` turns single loggers up or down (`{"tandem.outbox": "DEBUG"}`) from `level`.
    """
    logging.basicConfig(level=level, format=FORMAT)
    for area, area_level in (areas or {}).items():
        logging.getLogger(area).setLevel(area_level)
