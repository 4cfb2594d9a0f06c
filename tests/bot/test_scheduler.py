"""Unit tests for bot.scheduler: jobs run when due, the loop sleeps otherwise, and when
it next ticks (`next_tick`): at the work's time, or one interval after a change."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.scheduler import Job, Scheduler

NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)


class Clockwork:
    """A store revision and one job's due time, as the scheduler sees them."""

    def __init__(self, due: int | None) -> None:
        self.revision = 0
        self.due = due
        self.runs: list[datetime] = []
        self.fail = False

    async def run(self, now: datetime) -> None:
        self.runs.append(now)
        if self.fail:
            raise RuntimeError("the job's trouble")

    async def next_due(self) -> int | None:
        return self.due


def scheduler(work: Clockwork, *, longest_sleep: int | None = None) -> Scheduler:
    made = Scheduler(lambda: work.revision, longest_sleep=longest_sleep)
    made.register(Job("work", work.run, work.next_due))
    return made


async def test_it_sleeps_until_the_next_due_time_unless_the_store_changes() -> None:
    work = Clockwork(due=int(NOW.timestamp()) + 600)
    ticking = scheduler(work)
    await ticking.tick(NOW)  # the first tick always looks
    await ticking.tick(NOW.replace(minute=5))
    assert len(work.runs) == 1
    work.revision += 1  # something was stored
    await ticking.tick(NOW.replace(minute=6))
    assert len(work.runs) == 2
    await ticking.tick(NOW.replace(minute=10))  # the job's time has come
    assert len(work.runs) == 3


async def test_a_failing_job_is_retried_next_tick_and_does_not_stop_the_others() -> None:
    broken, other = Clockwork(due=int(NOW.timestamp())), Clockwork(due=None)
    ticking = Scheduler(lambda: 0)
    ticking.register(Job("broken", broken.run, broken.next_due))
    ticking.register(Job("other", other.run, other.next_due))
    broken.fail = True
    await ticking.tick(NOW)
    await ticking.tick(NOW.replace(minute=1))
    assert len(broken.runs) == 2 and len(other.runs) == 2


async def test_a_job_registered_again_replaces_the_first() -> None:
    work = Clockwork(due=None)
    ticking = scheduler(work)
    ticking.register(Job("work", work.run, work.next_due))
    await ticking.tick(NOW)
    assert len(work.runs) == 1


SPACING = 60


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(NOW.timestamp() + seconds, UTC)


async def test_the_loop_next_ticks_when_the_work_is_due_not_every_interval() -> None:
    work = Clockwork(due=int(NOW.timestamp()) + 3 * 3600)
    ticking = scheduler(work)
    await ticking.tick(NOW)
    assert ticking.next_tick(NOW, SPACING) == at(3 * 3600)


async def test_a_change_brings_the_next_tick_to_one_interval_after_the_last() -> None:
    work = Clockwork(due=int(NOW.timestamp()) + 3 * 3600)
    ticking = scheduler(work)
    await ticking.tick(NOW)
    work.revision += 1  # something was stored: work may have come forward
    assert ticking.next_tick(NOW, SPACING) == at(SPACING)


async def test_the_loop_never_ticks_sooner_than_one_interval_after_the_last() -> None:
    soon = Clockwork(due=int(NOW.timestamp()) + 10)
    ticking = scheduler(soon)
    await ticking.tick(NOW)
    assert ticking.next_tick(NOW, SPACING) == at(SPACING)
    stuck = Clockwork(due=int(NOW.timestamp()) - 600)  # a job whose work stays due
    stuck.fail = True
    retrying = scheduler(stuck)
    await retrying.tick(NOW)
    assert retrying.next_tick(NOW, SPACING) == at(SPACING)


async def test_with_nothing_due_the_loop_rests_until_something_changes() -> None:
    work = Clockwork(due=None)
    ticking = scheduler(work)
    assert ticking.next_tick(NOW, SPACING) == at(SPACING)  # never ticked: look
    await ticking.tick(NOW)
    assert ticking.next_tick(NOW, SPACING) is None
    work.revision += 1
    assert ticking.next_tick(NOW, SPACING) == at(SPACING)


async def test_a_shared_database_is_looked_at_every_longest_sleep() -> None:
    work = Clockwork(due=None)
    ticking = scheduler(work, longest_sleep=15 * 60)
    await ticking.tick(NOW)
    assert ticking.next_tick(NOW, SPACING) == at(15 * 60)
