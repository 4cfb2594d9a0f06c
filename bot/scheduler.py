"""Timed work in one place: each feature registers its job, one loop runs what is due.

A job is two coroutines: `run(now)` does whatever is due at `now` (idempotently: a
crash and a rerun must do it once), and `next_due()` says, from an index, when the job
next has something to do. Between ticks the scheduler touches the database only when
something changed (the store's write revision moved) or a job's time has come, so an
idle loop costs nothing however many pairs exist. Another process sharing the database
(PostgreSQL, other shards) writes only its own servers' work, which this one never
does; still, two processes overlap for a moment when one replaces another, so a
scheduler that shares its database looks at least every `longest_sleep` seconds.

The loop (`cogs.scheduler`) does not wake to find nothing to do: it ticks at
`next_tick`, the earliest job's time, or as soon as the store commits, but never
sooner than one spacing (`TANDEM_REMINDER_INTERVAL_SECONDS`) after the tick before, so
a busy store costs at most one tick a spacing. Work therefore runs when it is due, or
one spacing after the previous tick, whichever is later: never later than a tick every
spacing would run it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.log import get

log = get("scheduler")


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[datetime], Awaitable[object]]
    # Unix time of the job's next work; None when it has none.
    next_due: Callable[[], Awaitable[int | None]]


class Scheduler:
    def __init__(self, revision: Callable[[], int], *, longest_sleep: int | None = None) -> None:
        self._revision = revision
        self._longest_sleep = longest_sleep
        self._jobs: list[Job] = []
        self._seen_revision = -1
        self._wakeup: int | None = None

    def register(self, job: Job) -> None:
        """Jobs run in the order they were registered, every tick that has work.

        A job registered again (its extension reloaded) replaces the earlier one.
        """
        self._jobs = [known for known in self._jobs if known.name != job.name] + [job]
        self._seen_revision = -1

    def _asleep(self, now: datetime) -> bool:
        """Nothing can be due before the cached wake-up unless the store changed since."""
        if self._seen_revision != self._revision():
            return False
        return self._wakeup is None or now.timestamp() < self._wakeup

    def next_tick(self, ticked: datetime, spacing: float) -> datetime | None:
        """When a tick next has something to look at, the last one having run at `ticked`:
        at once if the store changed since, else at the wake-up, but never sooner than
        `spacing` seconds after `ticked`; None while nothing is due and nothing changes."""
        if self._seen_revision != self._revision():
            look = ticked
        elif self._wakeup is None:
            return None
        else:
            look = datetime.fromtimestamp(self._wakeup, UTC)
        return max(look, ticked + timedelta(seconds=spacing))

    async def tick(self, now: datetime) -> None:
        if self._asleep(now):
            return
        for job in self._jobs:
            try:
                await job.run(now)
            except Exception:
                # One job's trouble must not hold up the others; its work stays due.
                log.exception("scheduled job %s failed; retrying next tick", job.name)
        # Read before the wake-up is computed: a change meanwhile wakes the next tick.
        seen = self._revision()
        dues = [due for job in self._jobs if (due := await job.next_due()) is not None]
        if self._longest_sleep is not None:
            dues.append(int(now.timestamp()) + self._longest_sleep)
        self._seen_revision, self._wakeup = seen, min(dues, default=None)
