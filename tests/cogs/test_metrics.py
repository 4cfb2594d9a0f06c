"""`/healthz`, `/readyz` and `/metrics` with the bot running: what members do shows up.

Each test's bot serves on a free port (`TANDEM_METRICS_PORT`); requests close their
connection, so no idle keep-alive outlives the request SimCord waits for. The counts
read from the database are kept 5 seconds (SimCord's virtual clock), so a test moves
the clock on before it reads them again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import TandemBot
from bot.metrics import COUNTS_KEPT_SECONDS
from bot.settings import Settings
from bot.store.monitoring import MonitoringStore
from tests.helpers import (
    Server,
    advance,
    advance_to,
    check_in,
    find,
    free_port,
    invitation_message,
    pair,
    reply,
    request,
    set_up,
)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings, with a metrics server on a free port."""
    return settings.model_copy(update={"metrics_port": free_port()})


@pytest.fixture
async def make_bot(
    make_bot: Callable[[], TandemBot],
) -> AsyncIterator[Callable[[], TandemBot]]:
    """SimCord never closes its bots: their metrics servers are stopped here."""
    made: list[TandemBot] = []

    def make() -> TandemBot:
        made.append(make_bot())
        return made[-1]

    yield make
    for bot in made:
        if bot.metrics_server is not None:
            await bot.metrics_server.stop()


async def get(server: Server, path: str) -> tuple[int, str]:
    port = server.bot.settings.metrics_port
    connector = aiohttp.TCPConnector(force_close=True)
    async with (
        aiohttp.ClientSession(connector=connector) as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text()


async def scraped(server: Server) -> dict[str, float]:
    """Every sample of `/metrics`, as Prometheus reads it: `name{label="value",...}`."""
    status, text = await get(server, "/metrics")
    assert status == 200
    return {
        sample.name
        + "{"
        + ",".join(f'{key}="{value}"' for key, value in sorted(sample.labels.items()))
        + "}": sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def answered(command: str, outcome: str) -> str:
    return f'tandem_interactions_total{{command="{command}",outcome="{outcome}"}}'


async def gauges(server: Server) -> tuple[float, float]:
    """Active partnerships and members waiting, read anew from the database."""
    await advance(server, COUNTS_KEPT_SECONDS)
    metrics = await scraped(server)
    return metrics["tandem_active_partnerships{}"], metrics["tandem_members_waiting{}"]


async def test_a_running_bot_is_alive_ready_and_scraped(ready: Server) -> None:
    assert await get(ready, "/healthz") == (200, "ok\n")
    assert await get(ready, "/readyz") == (200, "ready\n")
    metrics = await scraped(ready)
    assert metrics["tandem_shards_connected{}"] == 1
    assert metrics[answered("setup", "ok")] == 1
    assert metrics['tandem_interaction_seconds_count{command="setup"}'] == 1
    assert metrics["tandem_db_transaction_seconds_count{}"] >= 1


async def test_a_disconnected_shard_is_not_ready_until_it_is_back(ready: Server) -> None:
    shard = ready.bot.get_shard(0)
    assert shard is not None
    await shard.disconnect()
    assert await get(ready, "/readyz") == (503, "disconnected from Discord on shard 0\n")
    assert (await scraped(ready))["tandem_shards_connected{}"] == 0
    await shard.reconnect()
    assert await get(ready, "/readyz") == (200, "ready\n")


async def test_a_closed_database_is_not_ready_and_commands_count_as_errors(
    ready: Server,
) -> None:
    await ready.bot.store.db.close()
    status, reason = await get(ready, "/readyz")
    assert status == 503 and reason.startswith("the database did not answer (")
    alice = ready.member("alice")
    failed = await find(ready, alice)
    assert "Sorry, something went wrong on my side" in reply(failed)
    assert len(ready.errors()) == 1  # logged with its traceback, as our own errors are
    assert (await scraped(ready))[answered("partner find", "error")] == 1


async def test_commands_count_by_name_and_outcome(ready: Server) -> None:
    alice = ready.member("alice")
    await find(ready, alice)
    refused = await find(ready, alice, course="Statistics", timezone="Mars/Olympus_Mons")
    assert refused.ephemeral and "Mars/Olympus_Mons" in reply(refused)
    assert [type(error).__name__ for error in ready.errors()] == ["UserError"]
    metrics = await scraped(ready)
    assert metrics[answered("partner find", "ok")] == 1
    assert metrics[answered("partner find", "refused")] == 1
    assert metrics['tandem_interaction_seconds_count{command="partner find"}'] == 2


async def test_a_command_before_setup_counts_as_refused(server: Server) -> None:
    early = await find(server, server.member("alice"))
    assert "not set up in this server yet" in reply(early)
    await set_up(server)
    metrics = await scraped(server)
    assert metrics[answered("partner find", "refused")] == 1
    assert metrics[answered("setup", "ok")] == 1


async def test_buttons_count_by_kind_and_forms_by_name(ready: Server) -> None:
    alice, bob, mallory = ready.member("alice"), ready.member("bob"), ready.member("mallory")
    await request(ready, alice, bob)
    invitation = invitation_message(ready, bob)
    intruder = await mallory.click(invitation, label="Accept")
    assert intruder.ephemeral
    await bob.click(invitation, label="Accept")
    await check_in(ready, alice)
    metrics = await scraped(ready)
    assert metrics[answered("button invite", "refused")] == 1
    assert metrics[answered("button invite", "ok")] == 1
    assert metrics[answered("checkin", "ok")] == 1  # the command that shows the form
    assert metrics[answered("check-in form", "ok")] == 1
    assert not [name for name in metrics if str(invitation.id) in name]


async def test_gauges_follow_the_queue_and_the_pairs(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    assert await gauges(ready) == (0, 0)
    await find(ready, alice)
    assert await gauges(ready) == (0, 1)
    await find(ready, bob)
    metrics = await scraped(ready)  # within the 5 s the counts are kept: as they were
    assert metrics["tandem_members_waiting{}"] == 1
    assert await gauges(ready) == (1, 0)
    await find(ready, ready.member("carol"), course="Statistics")
    await alice.slash(ready.general, "partner end")
    assert await gauges(ready) == (0, 1)


async def test_failed_deliveries_are_counted_and_wait_in_the_backlog(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    ready.env.inject_error(
        "POST", f"/channels/{partnership.thread_id}/messages", status=503, times=None
    )
    await check_in(ready, alice)
    metrics = await scraped(ready)
    assert metrics["tandem_outbox_failures_total{}"] == 1
    monitoring = MonitoringStore(ready.bot.store.db, ready.bot.settings.shards)
    later = ready.env.now() + timedelta(minutes=1)
    assert (await monitoring.counts(ready.env.now())).outbox_backlog == 0  # retried in a minute
    assert (await monitoring.counts(later)).outbox_backlog == 1


async def test_the_scheduler_lag_is_observed_when_a_reminder_goes_out(ready: Server) -> None:
    await pair(ready, ready.member("alice"), ready.member("bob"))
    # Monday 18:00 in Berlin: the check-in reminder's due time.
    await advance_to(ready, datetime(2026, 1, 5, 17, 5, tzinfo=UTC))
    metrics = await scraped(ready)
    count = metrics['tandem_scheduler_lag_seconds_count{job="reminders"}']
    late = metrics['tandem_scheduler_lag_seconds_sum{job="reminders"}']
    assert count >= 1
    interval = ready.bot.settings.reminder_interval_seconds
    assert 0 <= late / count <= interval
    # The reminder itself: one, posted within the tick's spacing of its check-in time.
    assert metrics["tandem_reminder_lateness_seconds_count{}"] == 1
    assert 0 <= metrics["tandem_reminder_lateness_seconds_sum{}"] <= interval
