"""Check-in answers, schedule and cadence proposals, and the answers to the trial and the reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.cadence import (
    Rhythm,
    anchored,
    answer_week,
    moved_trial,
    retimed,
    rhythm_of,
    trial_due,
    upcoming,
)
from bot.errors import UserError
from bot.health import DayCount
from bot.i18n import _
from bot.mentors import refuse_checkin
from bot.models import (
    Cadence,
    CheckinVia,
    NoticeKind,
    PartnerRequest,
    Partnership,
    RequestKind,
    RequestStatus,
    ReviewAnswer,
    Stored,
)
from bot.schedule import WeeklyTime
from bot.store.database import Connection, Database, Reads, Row, from_timestamp, to_timestamp
from bot.store.health import count_day
from bot.store.outbox import queue
from bot.store.requests import ask
from bot.store.streaks import current_streak, record_streak


@dataclass(frozen=True)
class Answers:
    completed: str
    next_goal: str
    blockers: str


@dataclass(frozen=True)
class Proposal:
    id: int
    partnership_id: int
    proposer_id: int
    weekly: WeeklyTime
    status: RequestStatus


@dataclass(frozen=True)
class CadenceProposal:
    id: int
    partnership_id: int
    proposer_id: int
    cadence: Cadence
    status: RequestStatus


async def _hold_pair(conn: Connection, partnership_id: int, now: datetime) -> Row | None:
    """Lock the pair's row for this transaction and read its schedule as it is now.

    One guarded write first (the alarm rings at once, so the reminders job re-plans):
    on PostgreSQL it waits for a change of time or cadence committing meanwhile and then
    returns the row as that change left it, so what is written next is computed from
    the pair's current time and cadence; SQLite's transactions already take turns.
    """
    return await conn.fetch_one(
        "UPDATE partnerships SET alarm_at = ? WHERE id = ? AND ended_at IS NULL"
        " RETURNING timezone, weekday, minute, cadence, cadence_anchor, created_at, trial_at,"
        " next_checkin_at",
        (to_timestamp(now), partnership_id),
    )


def _rhythm(row: Row) -> Rhythm:
    weekly = WeeklyTime(weekday=row["weekday"], minute=row["minute"], zone=row["timezone"])
    anchor = row["cadence_anchor"]
    return Rhythm(
        weekly, Cadence(row["cadence"]), None if anchor is None else date.fromisoformat(anchor)
    )


async def adopt_schedule(
    conn: Connection, request: PartnerRequest, accept: bool, now: datetime
) -> tuple[int, ...]:
    """The answer's change: an accepted time replaces the pair's; the reminders job re-plans from it.

    Every two weeks, the first check-in at the new time replaces the pair's next one at
    the old time (`bot.cadence.retimed`): never in the last check-in's period, never a
    period late.
    """
    if not accept:
        return ()
    rows = await conn.fetch_all(
        "SELECT timezone, weekday, minute FROM schedule_proposals WHERE id = ?", (request.id,)
    )
    row = next(iter(rows))
    weekly = WeeklyTime(weekday=row["weekday"], minute=row["minute"], zone=row["timezone"])
    pair = await _hold_pair(conn, request.partnership_id, now)
    if pair is None:
        return ()
    stored = None if pair["next_checkin_at"] is None else from_timestamp(pair["next_checkin_at"])
    new = retimed(_rhythm(pair), weekly, now, stored)
    await conn.execute(
        "UPDATE partnerships SET timezone = ?, weekday = ?, minute = ?, next_checkin_at = ?,"
        " cadence_anchor = ? WHERE id = ?",
        (
            weekly.zone,
            weekly.weekday,
            weekly.minute,
            to_timestamp(new.first),
            None if new.rhythm.anchor is None else new.rhythm.anchor.isoformat(),
            request.partnership_id,
        ),
    )
    return ()


async def adopt_cadence(
    conn: Connection, request: PartnerRequest, accept: bool, now: datetime
) -> tuple[int, ...]:
    """The answer's change: the confirmed cadence, counted from the pair's next check-in.

    That check-in comes as it would have (`bot.cadence.anchored`); a trial question still
    ahead moves to two periods of the new cadence (`bot.cadence.moved_trial`).
    """
    if not accept:
        return ()
    proposed = Cadence(
        await conn.fetch_value("SELECT cadence FROM cadence_proposals WHERE id = ?", (request.id,))
    )
    pair = await _hold_pair(conn, request.partnership_id, now)
    if pair is None or pair["cadence"] == proposed:
        return ()
    current, created_at = _rhythm(pair), from_timestamp(pair["created_at"])
    rhythm = anchored(current.weekly, proposed, now)
    stored_trial = None if pair["trial_at"] is None else from_timestamp(pair["trial_at"])
    due = trial_due(created_at, current.cadence, stored_trial)
    await conn.execute(
        "UPDATE partnerships SET cadence = ?, cadence_anchor = ?, trial_at = ?,"
        " next_checkin_at = ? WHERE id = ?",
        (
            proposed,
            None if rhythm.anchor is None else rhythm.anchor.isoformat(),
            to_timestamp(moved_trial(created_at, due, proposed, now)),
            to_timestamp(rhythm.next_after(now)),
            request.partnership_id,
        ),
    )
    return ()


async def _answer_week(
    conn: Connection, partnership_id: int, rhythm: Rhythm, pair: Row | None, now: datetime
) -> datetime:
    """The check-in an answer given `now` belongs to: between the last one posted and the next."""
    if pair is None or pair["next_checkin_at"] is None:
        return rhythm.week_of(now)
    last = await conn.fetch_value(
        "SELECT MAX(episode) FROM outbox WHERE partnership_id = ? AND kind = ? AND episode <= ?",
        (partnership_id, NoticeKind.CHECKIN, to_timestamp(now)),
    )
    return answer_week(
        rhythm,
        now,
        None if last is None else from_timestamp(last),
        from_timestamp(pair["next_checkin_at"]),
    )


@dataclass(frozen=True)
class Filed:
    """Where a check-in was filed, and whether the member had already checked in that week."""

    week: datetime
    replaced: bool


async def file_checkin(
    conn: Connection,
    partnership: Partnership,
    user_id: int,
    week: datetime | None,
    now: datetime,
    answers: Answers | None = None,
    via: CheckinVia = CheckinVia.FORM,
) -> Filed:
    """Count a member's check-in for a week, in the caller's transaction, and their streak.

    `week` None files it under the check-in a check-in made `now` belongs to. The form's
    `answers` replace earlier ones; a call or a voice message (`answers` None) keeps
    any answers already given, a call marking the week as talked through.
    """
    # A check-in ends a quiet spell: let the reminders job re-plan this pair.
    pair = await _hold_pair(conn, partnership.id, now)
    rhythm = rhythm_of(partnership) if pair is None else _rhythm(pair)
    if week is None:
        week = await _answer_week(conn, partnership.id, rhythm, pair, now)
    rows = await conn.fetch_all(
        "SELECT 1 FROM checkins WHERE partnership_id = ? AND user_id = ? AND week_at = ?",
        (partnership.id, user_id, to_timestamp(week)),
    )
    given = answers or Answers("", "", "")
    await conn.execute(
        "INSERT INTO checkins (partnership_id, guild_id, user_id, week_at, completed, next_goal,"
        " blockers, created_at, cadence, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        f" ON CONFLICT (partnership_id, user_id, week_at) DO {_REFILED[via]}",
        (
            partnership.id,
            partnership.guild_id,
            user_id,
            to_timestamp(week),
            given.completed,
            given.next_goal,
            given.blockers,
            to_timestamp(now),
            rhythm.cadence_at(week),
            via,
        ),
    )
    if not rows:  # a first check-in that week, counted in its week for moderators
        await count_day(conn, partnership.guild_id, week, DayCount.CHECKINS_MADE)
    await record_streak(conn, partnership.guild_id, user_id, now)
    return Filed(week, bool(rows))


# What a check-in does to one already filed that week: the form's answers replace the
# earlier ones; a call marks the week as talked through; a voice message adds nothing.
_REFILED = {
    CheckinVia.FORM: "UPDATE SET completed = excluded.completed, next_goal = excluded.next_goal,"
    " blockers = excluded.blockers, created_at = excluded.created_at, cadence = excluded.cadence",
    CheckinVia.CALL: "UPDATE SET via = excluded.via",
    CheckinVia.VOICE_MESSAGE: "NOTHING",
}


class CheckinStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        partnership: Partnership,
        user_id: int,
        week: datetime | None,
        answers: Answers,
        now: datetime,
    ) -> Stored[bool]:
        """Store this week's answers and queue them for the thread; True when they replace some.

        `week` None files them under the check-in an answer given `now` belongs to, from
        the pair's schedule as it is in this transaction (`bot.cadence.answer_week`): a
        check-in posted or due, never a moment a change of time left unscheduled. A
        second answer the same week refreshes the same outbox row, so the thread's
        message is edited in place, never doubled. A mentor is refused (`bot.mentors`).
        The check-in keeps the cadence of its week: weekly before the pair's on-weeks began.
        """
        refuse_checkin(partnership, user_id)
        async with self._db.transaction() as conn:
            filed = await file_checkin(conn, partnership, user_id, week, now, answers)
            notice = await queue(
                conn,
                partnership.guild_id,
                NoticeKind.ANSWERS,
                now,
                partnership_id=partnership.id,
                episode=to_timestamp(filed.week),
                member_id=user_id,
                refresh=True,
            )
        return Stored(filed.replaced, (notice,))

    async def voice_message(
        self, partnership: Partnership, user_id: int, now: datetime
    ) -> Stored[bool]:
        """A voice message a member posted in the pair's thread is their check-in, like the
        form: filed under the same week, its audio never kept. True (and nothing said)
        when they had already checked in that week."""
        refuse_checkin(partnership, user_id)
        async with self._db.transaction() as conn:
            filed = await file_checkin(
                conn, partnership, user_id, None, now, via=CheckinVia.VOICE_MESSAGE
            )
            if filed.replaced:
                return Stored(True, repeated=True)
            notice = await queue(
                conn,
                partnership.guild_id,
                NoticeKind.VOICE_MESSAGE,
                now,
                partnership_id=partnership.id,
                episode=to_timestamp(filed.week),
                member_id=user_id,
            )
        return Stored(False, (notice,))

    async def answers(self, partnership_id: int, user_id: int, week: datetime) -> Answers | None:
        row = await self._db.fetch_one(
            "SELECT completed, next_goal, blockers FROM checkins"
            " WHERE partnership_id = ? AND user_id = ? AND week_at = ?",
            (partnership_id, user_id, to_timestamp(week)),
        )
        if row is None:
            return None
        return Answers(row["completed"], row["next_goal"], row["blockers"])

    async def next_checkin(self, partnership: Partnership, now: datetime) -> datetime:
        """The pair's next check-in, as its reminders will post it (`bot.cadence.upcoming`)."""
        planned = await self._db.fetch_value(
            "SELECT next_checkin_at FROM partnerships WHERE id = ?", (partnership.id,)
        )
        stored = None if planned is None else from_timestamp(planned)
        return upcoming(rhythm_of(partnership), stored, now)

    async def streak(self, guild_id: int, user_id: int, now: datetime) -> int:
        """A member's check-in weeks in a row, planned pauses neither counting nor breaking it."""
        return await current_streak(self._db, guild_id, user_id, now)

    async def propose(
        self,
        partnership: Partnership,
        proposer: int,
        weekly: WeeklyTime,
        now: datetime,
        review: int | None = None,
    ) -> Stored[int]:
        """Ask the partner to confirm a new weekly time (see `bot.store.requests.ask`).

        Proposed from a review's form (`review` its episode), it is also that member's
        answer to the review, stored with it.
        """
        if weekly == partnership.weekly:
            raise UserError(
                _("**{time}** is already your weekly check-in time.", time=weekly.label())
            )
        async with self._db.transaction() as conn:
            asked = await ask(
                conn,
                RequestKind.SCHEDULE,
                guild_id=partnership.guild_id,
                partnership_id=partnership.id,
                competing="r.partnership_id = :pair",
                same="r.proposer_id = :asker AND r.timezone = :zone AND r.weekday = :weekday"
                " AND r.minute = :minute",
                insert="INSERT INTO schedule_proposals (partnership_id, proposer_id, timezone,"
                " weekday, minute, created_at) VALUES (:pair, :asker, :zone, :weekday, :minute, :now)",
                params={
                    "pair": partnership.id,
                    "asker": proposer,
                    "zone": weekly.zone,
                    "weekday": weekly.weekday,
                    "minute": weekly.minute,
                },
                now=now,
            )
            if review is None:
                return asked
            answered = await _record(
                conn,
                NoticeKind.REVIEW,
                partnership,
                proposer,
                review,
                ReviewAnswer.CHANGE_TIME,
                now,
            )
        return Stored(
            asked.value, asked.notices + answered.notices, asked.repeated and answered.repeated
        )

    async def propose_cadence(
        self, partnership: Partnership, proposer: int, cadence: Cadence, now: datetime
    ) -> Stored[int]:
        """Ask the partner to confirm another cadence (see `bot.store.requests.ask`)."""
        if cadence == partnership.cadence:
            raise UserError(_("You already check in **{cadence}**.", cadence=cadence.label()))
        async with self._db.transaction() as conn:
            return await ask(
                conn,
                RequestKind.CADENCE,
                guild_id=partnership.guild_id,
                partnership_id=partnership.id,
                competing="r.partnership_id = :pair",
                same="r.proposer_id = :asker AND r.cadence = :cadence",
                insert="INSERT INTO cadence_proposals (partnership_id, proposer_id, cadence,"
                " created_at) VALUES (:pair, :asker, :cadence, :now)",
                params={"pair": partnership.id, "asker": proposer, "cadence": cadence},
                now=now,
            )

    async def cadence_proposal(self, proposal_id: int) -> CadenceProposal | None:
        row = await self._db.fetch_one(
            "SELECT id, partnership_id, proposer_id, cadence, status"
            " FROM cadence_proposals WHERE id = ?",
            (proposal_id,),
        )
        if row is None:
            return None
        return CadenceProposal(
            id=row["id"],
            partnership_id=row["partnership_id"],
            proposer_id=row["proposer_id"],
            cadence=Cadence(row["cadence"]),
            status=RequestStatus(row["status"]),
        )

    async def proposal(self, proposal_id: int) -> Proposal | None:
        row = await self._db.fetch_one(
            "SELECT id, partnership_id, proposer_id, timezone, weekday, minute, status"
            " FROM schedule_proposals WHERE id = ?",
            (proposal_id,),
        )
        if row is None:
            return None
        return Proposal(
            id=row["id"],
            partnership_id=row["partnership_id"],
            proposer_id=row["proposer_id"],
            weekly=WeeklyTime(weekday=row["weekday"], minute=row["minute"], zone=row["timezone"]),
            status=RequestStatus(row["status"]),
        )

    async def question_answers(
        self, question: NoticeKind, partnership_id: int, episode: int
    ) -> dict[int, str]:
        """Each partner's answer to the day-14 question (`TRIAL`) or to one `REVIEW`."""
        return await _answers(self._db, _QUESTIONS[question], partnership_id, episode)

    async def answer_question(
        self,
        kind: NoticeKind,
        partnership: Partnership,
        user_id: int,
        episode: int,
        answer: str,
        now: datetime,
    ) -> Stored[dict[int, str]]:
        """Record a member's answer to the day-14 question (`TRIAL`) or a `REVIEW` (see `_record`)."""
        async with self._db.transaction() as conn:
            return await _record(conn, kind, partnership, user_id, episode, answer, now)


async def _record(
    conn: Connection,
    kind: NoticeKind,
    partnership: Partnership,
    user_id: int,
    episode: int,
    answer: str,
    now: datetime,
) -> Stored[dict[int, str]]:
    """Record a member's answer once; the question in the thread is redrawn to show it.

    `episode` names which asking of the question. Pressing the same answer again
    stores nothing and redraws nothing.
    """
    question = _QUESTIONS[kind]
    params = {"pair": partnership.id, "user": user_id, "episode": episode, "answer": answer}
    changed = (
        await conn.execute(
            f"INSERT INTO {question.table} ({question.key}, answer)"
            f" VALUES ({question.values}, :answer) ON CONFLICT ({question.key})"
            f" DO UPDATE SET answer = excluded.answer"
            f" WHERE {question.table}.answer != excluded.answer",
            params,
        )
        == 1
    )
    answers = await _answers(conn, question, partnership.id, episode)
    if not changed:
        return Stored(answers, repeated=True)
    notice = await queue(
        conn,
        partnership.guild_id,
        question.kind,
        now,
        partnership_id=partnership.id,
        episode=episode,
        refresh=True,
    )
    return Stored(answers, (notice,))


@dataclass(frozen=True)
class _Question:
    """A question both partners answer with buttons: where its answers are kept."""

    kind: NoticeKind
    table: str
    key: str  # the columns naming one answer
    values: str  # their parameters, in the same order
    asked: str  # the answers to one asking


_TRIAL = _Question(
    NoticeKind.TRIAL,
    "trial_answers",
    "partnership_id, user_id",
    ":pair, :user",
    "partnership_id = :pair",
)
_REVIEW = _Question(
    NoticeKind.REVIEW,
    "review_answers",
    "partnership_id, episode, user_id",
    ":pair, :episode, :user",
    "partnership_id = :pair AND episode = :episode",
)
_QUESTIONS = {NoticeKind.TRIAL: _TRIAL, NoticeKind.REVIEW: _REVIEW}


async def _answers(
    reads: Reads, question: _Question, partnership_id: int, episode: int
) -> dict[int, str]:
    rows = await reads.fetch_all(
        f"SELECT user_id, answer FROM {question.table} WHERE {question.asked}",
        {"pair": partnership_id, "episode": episode},
    )
    return {row["user_id"]: str(row["answer"]) for row in rows}
