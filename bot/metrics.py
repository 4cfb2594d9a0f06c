"""What operators watch: Prometheus metrics, and the health and readiness endpoints.

With `TANDEM_METRICS_PORT` set, `MetricsServer` serves on `TANDEM_METRICS_HOST`:
`/healthz` (the event loop answers), `/readyz` (connected to Discord and the database
answers; 503 with the reason otherwise) and `/metrics` (Prometheus' text format). Each
bot keeps its metrics in its own registry, so several bots in one process (the tests)
never share a count. The counts that live in the database are read when scraped, at
most every few seconds however often that is.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from bot.log import get
from bot.scheduler import Job, Scheduler
from bot.store.monitoring import Counts, MonitoringStore

log = get("metrics")

# Discord wants an answer (or a deferral) within 3 s: the buckets straddle it.
INTERACTION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0)
# Work runs when due, but ticks are at least TANDEM_REMINDER_INTERVAL_SECONDS apart: up to
# that late by design, more when ticks are slow or the loop is blocked.
LAG_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0)
TRANSACTION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
# The database's counts are read at most this often, however often /metrics is asked.
COUNTS_KEPT_SECONDS = 5.0
# /readyz waits this long for the database's answer.
DATABASE_PATIENCE_SECONDS = 2.0


class Outcome(StrEnum):
    """How Tandem answered an interaction."""

    OK = "ok"
    # Bad input or a rule: the member was told why (`UserError`, a failed check).
    REFUSED = "refused"
    # Our fault: logged, and the member got an apology.
    ERROR = "error"


class Metrics:
    """Everything `/metrics` shows, in this bot's own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.interactions = Counter(
            "tandem_interactions",
            "Slash commands, buttons and forms answered, by name and outcome.",
            ("command", "outcome"),
            registry=registry,
        )
        self.interaction_seconds = Histogram(
            "tandem_interaction_seconds",
            "Time from receiving an interaction to having answered it.",
            ("command",),
            buckets=INTERACTION_BUCKETS,
            registry=registry,
        )
        self.scheduler_lag = Histogram(
            "tandem_scheduler_lag_seconds",
            "How long after its due time a scheduled job ran its work.",
            ("job",),
            buckets=LAG_BUCKETS,
            registry=registry,
        )
        self.reminder_lateness = Histogram(
            "tandem_reminder_lateness_seconds",
            "From a check-in's time to its reminder's post (at a peak: the send budget's pace).",
            buckets=LAG_BUCKETS,
            registry=registry,
        )
        self.outbox_failures = Counter(
            "tandem_outbox_failures",
            "Failed attempts to post or edit a queued message (each is retried later).",
            registry=registry,
        )
        self.db_transaction_seconds = Histogram(
            "tandem_db_transaction_seconds",
            "Database transactions, from asking for one to its commit or rollback.",
            buckets=TRANSACTION_BUCKETS,
            registry=registry,
        )
        self.outbox_backlog = Gauge(
            "tandem_outbox_backlog",
            "Unsent messages whose time has come, in this process's servers.",
            registry=registry,
        )
        self.active_partnerships = Gauge(
            "tandem_active_partnerships",
            "Partnerships that have not ended, in this process's servers.",
            registry=registry,
        )
        self.members_waiting = Gauge(
            "tandem_members_waiting",
            "Members waiting for a partner (once per course), in this process's servers.",
            registry=registry,
        )
        self.shards_connected = Gauge(
            "tandem_shards_connected",
            "This process's shards connected to Discord's gateway.",
            registry=registry,
        )

    def answered(self, command: str, outcome: Outcome, seconds: float) -> None:
        self.interactions.labels(command, outcome.value).inc()
        self.interaction_seconds.labels(command).observe(seconds)

    def show(self, counts: Counts) -> None:
        self.active_partnerships.set(counts.active_partnerships)
        self.members_waiting.set(counts.members_waiting)
        self.outbox_backlog.set(counts.outbox_backlog)


class MeasuredScheduler(Scheduler):
    """The scheduler, observing how late each job ran work it had said was due.

    A job's `next_due` is remembered; when the job next runs at or after that moment,
    the difference is `tandem_scheduler_lag_seconds{job}`. Runs before it (the store
    changed) are not lateness, and are not observed.
    """

    def __init__(self, lag: Histogram, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lag = lag

    def register(self, job: Job) -> None:
        super().register(_late(job, self._lag.labels(job.name)))


def _late(job: Job, lag: Histogram) -> Job:
    due: int | None = None

    async def next_due() -> int | None:
        nonlocal due
        due = await job.next_due()
        return due

    async def run(now: datetime) -> object:
        nonlocal due
        if due is not None and due <= now.timestamp():
            lag.observe(now.timestamp() - due)
            due = None  # observed once, whatever this run achieves
        return await job.run(now)

    return Job(job.name, run, next_due)


@dataclass(frozen=True)
class Probes:
    """What the endpoints read from the running bot, as plain functions."""

    # Why the bot is not (or no longer) connected to Discord; None when it is.
    not_connected: Callable[[], str | None]
    shards_connected: Callable[[], int]
    store: MonitoringStore
    now: Callable[[], datetime]


class MetricsUnavailable(RuntimeError):
    """The port could not be opened: an operator's fix, never worth retrying."""

    def __init__(self, host: str, port: int, error: OSError) -> None:
        super().__init__(
            f"cannot serve metrics on {host}:{port} ({error.strerror or error}): choose a free"
            " TANDEM_METRICS_PORT, or unset it to serve none"
        )


class MetricsServer:
    """`/healthz`, `/readyz` and `/metrics` over HTTP, on aiohttp (discord.py's own)."""

    def __init__(self, metrics: Metrics, probes: Probes) -> None:
        self._metrics = metrics
        self._probes = probes
        self._runner: web.AppRunner | None = None
        self._counting = asyncio.Lock()
        self._counted_at = -math.inf

    async def start(self, host: str, port: int) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._scrape)
        # No access log: a scrape every few seconds would drown everything else.
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as error:
            await runner.cleanup()
            raise MetricsUnavailable(host, port, error) from None
        self._runner = runner
        log.info("serving /healthz, /readyz and /metrics on http://%s:%d", host, port)

    async def stop(self) -> None:
        """Idempotent: a bot closes once, but a failed start closes it too."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _healthz(self, _request: web.Request) -> web.Response:
        """Answering at all shows the event loop runs."""
        return web.Response(text="ok\n")

    async def _readyz(self, _request: web.Request) -> web.Response:
        problem = self._probes.not_connected() or await self._database_problem()
        if problem is not None:
            return web.Response(status=503, text=f"{problem}\n")
        return web.Response(text="ready\n")

    async def _database_problem(self) -> str | None:
        """Why the database did not answer `SELECT 1` in time; the error's type only, since
        its text may name the server."""
        try:
            await asyncio.wait_for(self._probes.store.answers(), DATABASE_PATIENCE_SECONDS)
        except TimeoutError:
            return f"the database did not answer within {DATABASE_PATIENCE_SECONDS:g} s"
        except Exception as error:
            return f"the database did not answer ({type(error).__name__})"
        return None

    async def _scrape(self, _request: web.Request) -> web.Response:
        await self._refresh()
        return web.Response(
            body=generate_latest(self._metrics.registry),
            headers={"Content-Type": CONTENT_TYPE_LATEST},
        )

    async def _refresh(self) -> None:
        """Shards now; the database's counts when the kept ones are a few seconds old.

        Concurrent scrapes wait for one read; a failed read keeps the last values (and
        `/readyz` says why), and is not tried again for as long.
        """
        self._metrics.shards_connected.set(self._probes.shards_connected())
        async with self._counting:
            if time.monotonic() - self._counted_at < COUNTS_KEPT_SECONDS:
                return
            self._counted_at = time.monotonic()
            try:
                counts = await asyncio.wait_for(
                    self._probes.store.counts(self._probes.now()), DATABASE_PATIENCE_SECONDS
                )
            except Exception as error:
                # The type only: a driver's message may name the database's server.
                log.warning("could not read the counts for /metrics (%s)", type(error).__name__)
                return
            self._metrics.show(counts)
