"""`/checkin_cadence`: checking in every week or every two weeks, agreed by both partners.

The pair checks in on Mondays at 18:00 Berlin time (17:00 UTC); the simulation starts on
Thursday 1 January 2026 at 00:00 UTC, when the pair is made. Confirmed then, every two
weeks counts from the next check-in (Monday 5 January): 5 and 19 January, 2 February...
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.app import TandemBot
from bot.errors import UserError
from bot.models import Cadence
from bot.reminders import heads_up_at
from cogs.checkins.messages import QUIET_NUDGE
from cogs.common.text import Stamp, stamp
from tests.helpers import (
    CADENCE_PROPOSED,
    SCHEDULE_PROPOSED,
    Channel,
    Member,
    Server,
    advance_to,
    agree_time,
    check_in,
    confirm,
    exported,
    fresh,
    messages_with,
    pair,
    pinged,
    reply,
)

DUE = "it's check-in time"
TRIAL = "keep going together?"
REVIEW = "is this partnership still helping?"


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment of January 2026 (or later: day 32 is 1 February), in UTC."""
    return datetime(2026, 1, 1, hour, minute, tzinfo=UTC) + timedelta(days=day - 1)


def monday(day: int) -> datetime:
    """The check-in time on a Monday of January (or later), 17:00 UTC."""
    return at(day, 17)


def heads_ups(pair_id: int, *checkins: datetime) -> list[datetime]:
    """The minutes a pair's heads-ups come for these check-ins (`bot.reminders.heads_up_at`)."""
    return [heads_up_at(pair_id, checkin).replace(second=0, microsecond=0) for checkin in checkins]


def times(thread: Any, text: str) -> list[datetime]:
    return [m.created_at.replace(second=0, microsecond=0) for m in messages_with(thread, text)]


async def propose(server: Server, member: Any, cadence: Cadence) -> Any:
    return await member.slash(server.general, "checkin_cadence", every=cadence.value)


async def cadence_of(server: Server, partnership: Any) -> Cadence:
    stored = await server.bot.store.partnerships.partnership(partnership.id)
    assert stored is not None
    return stored.cadence


async def every_two_weeks(server: Server) -> tuple[Any, Any, Any, Any]:
    """A pair that agreed at once to check in every two weeks: (alice, bob, pair, thread)."""
    alice, bob = server.member("alice"), server.member("bob")
    partnership = await pair(server, alice, bob)
    thread = server.thread(partnership.thread_id)
    await propose(server, alice, Cadence.EVERY_TWO_WEEKS)
    [proposal] = messages_with(thread, CADENCE_PROPOSED)
    await bob.click(proposal, label="Confirm")
    assert await cadence_of(server, partnership) is Cadence.EVERY_TWO_WEEKS
    return alice, bob, partnership, thread


async def test_confirmed_every_two_weeks_reminds_only_in_the_on_weeks(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    asked = await propose(ready, alice, Cadence.EVERY_TWO_WEEKS)
    assert asked.ephemeral and "checking in **every two weeks**" in reply(asked)
    [proposal] = messages_with(thread, CADENCE_PROPOSED)
    assert pinged(ready, proposal) == {bob.id}
    assert stamp(monday(5)) in proposal.content  # the next one stays
    assert await cadence_of(ready, partnership) is Cadence.WEEKLY  # not before bob agrees

    await bob.click(proposal, label="Confirm")
    answered = fresh(thread, proposal)
    assert "From now on you check in **every two weeks**" in answered.content
    assert not answered.components
    status = await bob.slash(ready.general, "partner status")
    assert f"Next check-in: <t:{int(monday(5).timestamp())}:F>" in reply(status)
    assert "then every two weeks" in reply(status)
    [row] = (await exported(ready, alice))["partnerships"]
    assert row["checkin_cadence"] == "every_two_weeks"

    await advance_to(ready, at(34))  # Tuesday 3 February
    assert times(thread, DUE) == [monday(5), monday(19), monday(33)]
    assert times(thread, "Heads-up") == heads_ups(partnership.id, monday(5), monday(19), monday(33))

    # Back to weekly, confirmed on the Tuesday after an on-week: the off-week's Monday comes.
    await propose(ready, bob, Cadence.WEEKLY)
    back = messages_with(thread, CADENCE_PROPOSED)[-1]
    assert "**every week** instead of **every two weeks**" in back.content
    await alice.click(back, label="Confirm")
    await advance_to(ready, at(48))
    assert times(thread, DUE)[3:] == [monday(40), monday(47)]
    assert not ready.errors()


async def test_not_yet_changes_nothing(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    await propose(ready, alice, Cadence.EVERY_TWO_WEEKS)
    [proposal] = messages_with(thread, CADENCE_PROPOSED)
    await bob.click(proposal, label="Not yet")
    answered = fresh(thread, proposal)
    assert "would rather not check in every two weeks" in answered.content
    assert not answered.components
    assert await cadence_of(ready, partnership) is Cadence.WEEKLY
    await advance_to(ready, at(20))
    assert times(thread, DUE) == [monday(5), monday(12), monday(19)]
    assert times(thread, "Heads-up") == heads_ups(partnership.id, monday(5), monday(12), monday(19))
    assert not ready.errors()


async def test_the_proposer_cannot_confirm_their_own_proposal(ready: Server) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    same = await propose(ready, alice, Cadence.WEEKLY)
    assert same.ephemeral and "You already check in **every week**" in reply(same)
    assert messages_with(thread, CADENCE_PROPOSED) == []
    await propose(ready, alice, Cadence.EVERY_TWO_WEEKS)
    [proposal] = messages_with(thread, CADENCE_PROPOSED)
    own = await alice.click(proposal, label="Confirm")
    assert own.ephemeral and "Your partner has to answer the new rhythm" in reply(own)
    assert await cadence_of(ready, partnership) is Cadence.WEEKLY
    assert fresh(thread, proposal).components  # still waiting for bob
    assert {type(e) for e in ready.errors()} == {UserError}


async def test_the_buttons_work_after_a_restart(
    ready: Server, make_bot: Callable[[], TandemBot]
) -> None:
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    await propose(ready, alice, Cadence.EVERY_TWO_WEEKS)
    [proposal] = messages_with(thread, CADENCE_PROPOSED)
    await ready.env.restart_bot(make_bot())
    await bob.click(proposal, label="Confirm")
    assert await cadence_of(ready, partnership) is Cadence.EVERY_TWO_WEEKS
    assert "From now on you check in **every two weeks**" in fresh(thread, proposal).content
    await advance_to(ready, at(20))
    assert times(thread, DUE) == [monday(5), monday(19)]
    assert not ready.errors()


async def test_a_streak_counts_two_week_periods(ready: Server) -> None:
    alice, _, _, _ = await every_two_weeks(ready)
    for day in (5, 19, 33):
        await advance_to(ready, at(day, 17, 30))
        await check_in(ready, alice)
    status = await alice.slash(ready.general, "partner status")
    assert "Your streak: **3 check-ins** in a row" in reply(status)
    stored = await ready.bot.store.db.fetch_one(
        "SELECT streak, streak_until FROM leaderboard WHERE user_id = ?", (alice.id,)
    )
    assert stored is not None and stored["streak"] == 3
    # The following two-week period stays open until a week after its check-in time.
    ends = monday(33) + timedelta(weeks=3, hours=1)
    assert stored["streak_until"] == int(ends.timestamp())
    await advance_to(ready, ends - timedelta(minutes=5))
    assert "**3 check-ins**" in reply(await alice.slash(ready.general, "partner status"))
    await advance_to(ready, ends + timedelta(minutes=5))  # that period was missed
    assert "**0 check-ins**" in reply(await alice.slash(ready.general, "partner status"))


async def test_the_quiet_nudge_and_the_offer_wait_twice_as_long(ready: Server) -> None:
    alice, bob, _, thread = await every_two_weeks(ready)
    for day in (5, 19):  # alice checks in every time; bob stays quiet
        await advance_to(ready, at(day, 17, 30))
        await check_in(ready, alice)
    await advance_to(ready, at(28, 23))  # 27 days: weekly, bob was nudged on day 15
    assert messages_with(thread, QUIET_NUDGE) == []
    await advance_to(ready, at(29, 1))  # 28 quiet days
    [nudge] = messages_with(thread, QUIET_NUDGE)
    assert nudge.content.startswith(bob.mention) and pinged(ready, nudge) == {bob.id}

    await advance_to(ready, at(33, 17, 30))
    await check_in(ready, alice)
    await advance_to(ready, at(42, 23))
    assert messages_with(thread, "has been quiet for") == []
    await advance_to(ready, at(43, 1))  # 42 quiet days: alice may switch
    [offer] = messages_with(thread, "has been quiet for six weeks")
    assert offer.content.startswith(alice.mention) and pinged(ready, offer) == {alice.id}


async def test_the_trial_question_comes_on_day_28_and_reviews_follow_it(ready: Server) -> None:
    _, _, _, thread = await every_two_weeks(ready)
    await advance_to(ready, at(15, 1))  # day 14 has passed: weekly, it would be here
    assert messages_with(thread, TRIAL) == []
    await advance_to(ready, at(29) - timedelta(minutes=2))
    assert messages_with(thread, TRIAL) == []
    await advance_to(ready, at(29) + timedelta(minutes=2))  # 28 days after pairing
    [question] = messages_with(thread, TRIAL)
    assert question.content.startswith("🌱 Four weeks in!")
    await advance_to(ready, at(29 + 56) - timedelta(minutes=2))
    assert messages_with(thread, REVIEW) == []
    await advance_to(ready, at(29 + 56) + timedelta(minutes=2))  # eight weeks after the trial
    assert len(messages_with(thread, REVIEW)) == 1


async def streak_of(server: Server, member: Any) -> int:
    stored = await server.bot.store.db.fetch_one(
        "SELECT streak FROM leaderboard WHERE user_id = ?", (member.id,)
    )
    assert stored is not None
    return int(stored["streak"])


async def weeks_answered(server: Server, member: Any) -> list[datetime]:
    rows = await server.bot.store.db.fetch_all(
        "SELECT week_at FROM checkins WHERE user_id = ? ORDER BY week_at", (member.id,)
    )
    return [datetime.fromtimestamp(row["week_at"], UTC) for row in rows]


async def test_a_late_answer_for_the_last_weekly_check_in_keeps_the_streak(ready: Server) -> None:
    """Every two weeks confirmed on Tuesday 20 January, after Monday 19's check-in time but
    before alice answered it: her answer on the Wednesday is for the 19th (still a weekly
    week), and her answer on the 26th (the first on-week) is another check-in."""
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    for day in (5, 12):
        await advance_to(ready, at(day, 17, 30))
        await check_in(ready, alice)
    await advance_to(ready, at(20, 9))
    await propose(ready, bob, Cadence.EVERY_TWO_WEEKS)
    await alice.click(messages_with(thread, CADENCE_PROPOSED)[-1], label="Confirm")
    assert await cadence_of(ready, partnership) is Cadence.EVERY_TWO_WEEKS
    await advance_to(ready, at(21, 12))
    await check_in(ready, alice, completed="Late, for the 19th")
    assert await weeks_answered(ready, alice) == [monday(5), monday(12), monday(19)]
    assert await streak_of(ready, alice) == 3
    await advance_to(ready, at(26, 17, 30))
    await check_in(ready, alice)
    assert await weeks_answered(ready, alice) == [monday(5), monday(12), monday(19), monday(26)]
    assert await streak_of(ready, alice) == 4
    assert "**4 check-ins**" in reply(await alice.slash(ready.general, "partner status"))
    await advance_to(ready, at(41))
    assert times(thread, DUE) == [monday(5), monday(12), monday(19), monday(26), monday(40)]
    assert not ready.errors()


async def test_a_new_time_every_two_weeks_replaces_the_next_check_in(ready: Server) -> None:
    """Checked in on Monday 5 January; on Tuesday the pair moves to Fridays. The next
    check-in was Monday 19: it becomes Friday 16 (not Friday 9, in the same period), and
    the on-weeks count from it."""
    alice, bob, partnership, thread = await every_two_weeks(ready)
    await advance_to(ready, at(5, 17, 30))
    await check_in(ready, alice)
    await advance_to(ready, at(6, 10))
    await alice.slash(
        ready.general,
        "checkin_schedule",
        checkin_day=4,
        checkin_time="18:00",
        timezone="Europe/Berlin",
    )
    [proposal] = messages_with(thread, SCHEDULE_PROPOSED)
    assert f"{stamp(at(16, 17))} ({stamp(at(16, 17), Stamp.RELATIVE)}), then every two weeks" in (
        proposal.content
    )
    await bob.click(proposal, label="Confirm")
    stored = await ready.bot.store.partnerships.partnership(partnership.id)
    assert stored is not None and stored.cadence is Cadence.EVERY_TWO_WEEKS
    status = await alice.slash(ready.general, "partner status")
    assert stamp(at(16, 17)) in reply(status)
    await advance_to(ready, at(31))
    assert times(thread, DUE) == [monday(5), at(16, 17), at(30, 17)]
    assert times(thread, "Heads-up") == heads_ups(partnership.id, monday(5), at(16, 17), at(30, 17))
    await advance_to(ready, at(16, 17, 30) + timedelta(weeks=2))
    assert not ready.errors()


async def moved_to_wednesday(server: Server) -> tuple[Member, Member, Channel, int]:
    """A pair every two weeks checks in on Monday 5 January; on Tuesday 6 January at 10:00
    it agrees to move to Wednesdays 10:00 (Berlin). Returns (alice, bob, thread, pair id)."""
    alice, bob, partnership, thread = await every_two_weeks(server)
    await advance_to(server, at(5, 17, 30))
    await check_in(server, alice)
    await advance_to(server, at(6, 10))
    await agree_time(
        server, alice, bob, thread, checkin_day=2, checkin_time="10:00", timezone="Europe/Berlin"
    )
    return alice, bob, thread, partnership.id


async def test_a_new_wednesday_time_every_two_weeks_skips_the_off_week(ready: Server) -> None:
    """Checked in on Monday 5 January; on Tuesday the pair moves to Wednesdays 10:00. The
    next check-in was Monday 19: it becomes Wednesday 21 (not the off-week's 14th), then
    4 February, and the heads-ups come the day before each."""
    _alice, bob, thread, pair_id = await moved_to_wednesday(ready)
    [confirmed] = messages_with(thread, "New check-in time confirmed")
    assert f"the first is {stamp(at(21, 9))}" in confirmed.content
    # The 7th, the last check-in's day at the new time, is not the next one.
    assert stamp(at(21, 9)) in reply(await bob.slash(ready.general, "partner status"))
    await advance_to(ready, at(36))
    assert times(thread, DUE) == [monday(5), at(21, 9), at(35, 9)]
    assert times(thread, "Heads-up") == heads_ups(pair_id, monday(5), at(21, 9), at(35, 9))
    assert not ready.errors()


async def test_a_second_new_time_every_two_weeks_replaces_the_first_ones_check_in(
    ready: Server,
) -> None:
    """Checked in on Monday 5 January; on Tuesday the pair moves to Wednesdays 10:00 (next
    check-in the 21st), then two hours later to Thursdays 10:00: the next is Thursday 22,
    not the 8th, three days after the last one."""
    alice, bob, thread, _pair_id = await moved_to_wednesday(ready)
    await advance_to(ready, at(6, 12))
    await bob.slash(
        ready.general,
        "checkin_schedule",
        checkin_day=3,
        checkin_time="10:00",
        timezone="Europe/Berlin",
    )
    proposal = messages_with(thread, SCHEDULE_PROPOSED)[-1]
    assert f"{stamp(at(22, 9))} ({stamp(at(22, 9), Stamp.RELATIVE)})" in proposal.content
    await alice.click(proposal, label="Confirm")
    assert stamp(at(22, 9)) in reply(await alice.slash(ready.general, "partner status"))
    await advance_to(ready, at(37))
    assert times(thread, DUE) == [monday(5), at(22, 9), at(36, 9)]
    assert not ready.errors()


async def test_the_proposal_back_to_weekly_shows_the_sooner_check_in(ready: Server) -> None:
    """Every two weeks (on 5 and 19 January, 2 February), weekly proposed on Tuesday 20:
    confirmed, the next check-in is Monday 26, an off-week until then."""
    _, bob, _, thread = await every_two_weeks(ready)
    await advance_to(ready, at(20, 9))
    await propose(ready, bob, Cadence.WEEKLY)
    back = messages_with(thread, CADENCE_PROPOSED)[-1]
    assert "stays" not in back.content
    assert f"Next check-in: {stamp(monday(26))}" in back.content


async def test_the_trial_question_keeps_the_age_it_was_asked_at(ready: Server) -> None:
    """Asked on day 14 of a weekly pair; every two weeks confirmed after that does not
    reword it when an answer redraws it."""
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    thread = ready.thread(partnership.thread_id)
    await advance_to(ready, at(15, 1))
    [question] = messages_with(thread, TRIAL)
    assert question.content.startswith("🌱 Two weeks in!")
    await propose(ready, alice, Cadence.EVERY_TWO_WEEKS)
    await bob.click(messages_with(thread, CADENCE_PROPOSED)[-1], label="Confirm")
    assert await cadence_of(ready, partnership) is Cadence.EVERY_TWO_WEEKS
    await alice.click(question, label="Keep")
    redrawn = fresh(thread, question)
    assert "chose **Keep**" in redrawn.content
    assert redrawn.content.startswith("🌱 Two weeks in!")
    assert messages_with(thread, TRIAL) == [question]


def answers_posted(thread: Any) -> list[Any]:
    return [m for m in thread.history() if m.embeds and m.embeds[0].fields]


def completed(message: Any) -> str:
    return str(message.embeds[0].fields[0].value)


async def test_an_answer_fixed_right_after_a_new_time_updates_the_last_check_in(
    ready: Server,
) -> None:
    """Every two weeks, answered on Monday 19 January; on Tuesday the pair moves to
    Thursdays. The new time's on-weeks run through Thursday 15 January, which was never
    scheduled: alice's corrected answer on the 20th updates the 19th's check-in, its
    message is edited, and her streak stays the same."""
    alice, bob, partnership, thread = await every_two_weeks(ready)
    for day in (5, 19):
        await advance_to(ready, at(day, 18))
        await check_in(ready, alice, completed=f"Chapter {day}")
    assert await streak_of(ready, alice) == 2
    [answers] = [m for m in answers_posted(thread) if completed(m) == "Chapter 19"]
    await advance_to(ready, at(20, 9))
    await agree_time(
        ready, alice, bob, thread, checkin_day=3, checkin_time="18:00", timezone="Europe/Berlin"
    )
    stored = await ready.bot.store.partnerships.partnership(partnership.id)
    assert stored is not None and stored.cadence_anchor is not None
    assert stored.cadence_anchor.weekday() == 3 and stored.cadence_anchor < at(20).date()
    await advance_to(ready, at(20, 10))
    fixed = await check_in(ready, alice, completed="Chapter 19, typo fixed")
    assert "updated" in reply(fixed)
    assert await weeks_answered(ready, alice) == [monday(5), monday(19)]
    posted = answers_posted(thread)
    assert len(posted) == 2 and answers.id in {m.id for m in posted}  # edited, not doubled
    assert completed(fresh(thread, answers)) == "Chapter 19, typo fixed"
    assert await streak_of(ready, alice) == 2
    assert "**2 check-ins**" in reply(await alice.slash(ready.general, "partner status"))
    assert not ready.errors()


async def test_a_streak_every_two_weeks_is_told_in_check_ins_not_weeks(ready: Server) -> None:
    """Two check-ins two weeks apart are a streak of 2: the leaderboard and the cheer say
    "2 check-ins", never "2 weeks" (which would halve the four weeks they span)."""
    alice, bob, partnership, _thread = await every_two_weeks(ready)
    for day in (5, 19):
        await advance_to(ready, at(day, 18))
        await check_in(ready, alice, completed=f"Chapter {day}")
    assert await streak_of(ready, alice) == 2
    await confirm(ready, alice, bob, partnership.thread_id, "Chapter 20")
    [cheer] = [m for m in ready.leaderboard.history() if m.embeds]
    assert [(f.name, f.value) for f in cheer.embeds[0].fields] == [
        ("Check-in streak", "2 check-ins")
    ]
    board = reply(await bob.slash(ready.general, "leaderboard", period="all"))
    assert f"{alice.mention}: 1 milestone, 🔥 2 check-ins" in board
    assert not ready.errors()
