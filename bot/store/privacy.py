"""What Tandem stores about a member: all of it exported, or all of it erased.

Erasure keeps every pool exact: ledger amounts stay, only the member's id (and a
settlement note they wrote) is removed; the database's trigger allows that and no other
change. Rows other members still
need (a pair's history, a milestone that was charged) stay with the member's id
replaced and their words removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.languages import from_stored
from bot.models import FORMER_MEMBER, EndCause, NoticeKind, Stored
from bot.store.database import Connection, Database, from_timestamp
from bot.store.departures import forget_waiting, withdraw_requests_of
from bot.store.leaderboard import forget
from bot.store.misses import missed_at_of, status_of, still_open, take_turn
from bot.store.outbox import redraw
from bot.store.partnerships import end_all

# Each section of an export: its name and the query that reads it (`:guild`, `:user`).
_EXPORT: dict[str, str] = {
    "profile": "SELECT timezone AS time_zone, leaderboard_hidden, heads_up, languages FROM profiles"
    " WHERE guild_id = :guild AND user_id = :user",
    "queue": "SELECT c.name AS course, q.pace AS pace_hours_per_week, q.timezone AS time_zone,"
    " q.weekday AS checkin_weekday, q.minute AS checkin_minute_of_day, q.queued_at,"
    " q.priority, q.languages FROM queue_entries q JOIN courses c"
    " ON c.guild_id = q.guild_id AND c.course_key = q.course_key"
    " WHERE q.guild_id = :guild AND q.user_id = :user ORDER BY q.queued_at",
    "invitations": "SELECT i.id, CASE WHEN i.inviter_id = :user THEN 'sent' ELSE 'received' END"
    " AS direction, CASE WHEN i.inviter_id = :user THEN i.invitee_id ELSE i.inviter_id END"
    " AS other_member_id, c.name AS course, i.timezone AS time_zone,"
    " i.weekday AS checkin_weekday, i.minute AS checkin_minute_of_day, i.status, i.created_at,"
    " i.answered_at FROM invitations i JOIN courses c"
    " ON c.guild_id = i.guild_id AND c.course_key = i.course_key"
    " WHERE i.guild_id = :guild AND (i.inviter_id = :user OR i.invitee_id = :user) ORDER BY i.id",
    "partnerships": "SELECT p.id, c.name AS course, (SELECT o.user_id FROM partnership_members o"
    "  WHERE o.partnership_id = p.id AND o.user_id != :user AND o.user_id > 0) AS partner_id,"
    " p.timezone AS time_zone, p.weekday AS checkin_weekday, p.minute AS checkin_minute_of_day,"
    " p.cadence AS checkin_cadence, m.pace AS pace_hours_per_week, m.role, p.created_at, p.ended_at, p.end_cause,"
    " p.ended_by = :user AS ended_by_you,"
    " CASE WHEN p.ended_by = :user THEN p.end_reason END AS your_end_reason"
    " FROM partnership_members m JOIN partnerships p ON p.id = m.partnership_id"
    " JOIN courses c ON c.guild_id = p.guild_id AND c.course_key = p.course_key"
    " WHERE m.guild_id = :guild AND m.user_id = :user ORDER BY p.id",
    "checkins": "SELECT partnership_id, week_at AS week, via, completed, next_goal, blockers,"
    " created_at AS submitted_at FROM checkins WHERE guild_id = :guild AND user_id = :user"
    " ORDER BY week_at",
    # Who was in a pair's voice room and when, nothing else: one entry per call.
    "calls": "SELECT r.partnership_id, MIN(s.joined_at) AS started_at, MAX(s.left_at) AS ended_at,"
    " CAST(SUM(COALESCE(s.left_at, s.joined_at) - s.joined_at) AS BIGINT) / 60 AS minutes"
    " FROM voice_presence s JOIN voice_rooms r ON r.id = s.room_id"
    " WHERE s.guild_id = :guild AND s.user_id = :user"
    " GROUP BY r.id, r.partnership_id ORDER BY MIN(s.joined_at)",
    "trial_answers": "SELECT t.partnership_id, t.answer FROM trial_answers t"
    " JOIN partnerships p ON p.id = t.partnership_id"
    " WHERE p.guild_id = :guild AND t.user_id = :user ORDER BY t.partnership_id",
    "review_answers": "SELECT r.partnership_id, r.episode AS asked_at, r.answer"
    " FROM review_answers r JOIN partnerships p ON p.id = r.partnership_id"
    " WHERE p.guild_id = :guild AND r.user_id = :user ORDER BY r.partnership_id, r.episode",
    "schedule_proposals": "SELECT s.id, s.partnership_id, s.timezone AS time_zone,"
    " s.weekday AS checkin_weekday, s.minute AS checkin_minute_of_day, s.status, s.created_at"
    " FROM schedule_proposals s JOIN partnerships p ON p.id = s.partnership_id"
    " WHERE p.guild_id = :guild AND s.proposer_id = :user ORDER BY s.id",
    "cadence_proposals": "SELECT s.id, s.partnership_id, s.cadence, s.status, s.created_at"
    " FROM cadence_proposals s JOIN partnerships p ON p.id = s.partnership_id"
    " WHERE p.guild_id = :guild AND s.proposer_id = :user ORDER BY s.id",
    "goals": "SELECT id, partnership_id, text, done_when, status, created_at FROM goals"
    " WHERE guild_id = :guild AND user_id = :user ORDER BY id",
    "milestones": "SELECT id, goal_id, partnership_id, title, due_date, deadline_at AS deadline,"
    f" stake AS pledge_minor_units, {status_of('m')} AS status, created_at, confirmed_at,"
    f" {missed_at_of('m')} AS missed_at FROM milestones m"
    " WHERE guild_id = :guild AND owner_id = :user ORDER BY id",
    "settlement_proposals": "SELECT s.id, s.partnership_id, s.note,"
    " s.amount AS amount_minor_units, s.status, s.created_at FROM settle_proposals s"
    " JOIN partnerships p ON p.id = s.partnership_id"
    " WHERE p.guild_id = :guild AND s.proposer_id = :user ORDER BY s.id",
    "pauses": "SELECT partnership_id, weeks, starts_at AS started_at, ends_at AS ended_at"
    " FROM pauses WHERE guild_id = :guild AND user_id = :user ORDER BY starts_at",
    "ledger_entries": "SELECT id, partnership_id, kind, amount AS amount_minor_units,"
    " milestone_id, note, created_at FROM ledger_entries"
    " WHERE guild_id = :guild AND member_id = :user ORDER BY id",
}
# Columns holding unix seconds, shown as ISO 8601 in UTC.
_INSTANTS = frozenset(
    {
        "queued_at",
        "created_at",
        "answered_at",
        "ended_at",
        "started_at",
        "asked_at",
        "week",
        "submitted_at",
        "deadline",
        "confirmed_at",
        "missed_at",
    }
)
_FLAGS = frozenset({"leaderboard_hidden", "heads_up", "priority", "ended_by_you"})
# Columns holding the ISO 639-1 codes of stated languages, shown as a list.
_LANGUAGES = frozenset({"languages"})


@dataclass(frozen=True)
class Erased:
    """The check-in messages of the erased member, to be removed from their threads."""

    answer_messages: tuple[tuple[int, int], ...]  # (partnership id, message id)


def _value(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in _INSTANTS:
        return from_timestamp(int(value)).isoformat()
    if column in _FLAGS:
        return bool(value)
    if column in _LANGUAGES:
        return list(from_stored(value))
    return value


def _record(row: Any) -> dict[str, Any]:
    return {column: _value(column, row[column]) for column in row.keys()}  # noqa: SIM118


class PrivacyStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def export(self, guild_id: int, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every row about the member, by section; empty sections when nothing is stored."""
        params = {"guild": guild_id, "user": user_id}
        exported: dict[str, list[dict[str, Any]]] = {}
        for section, sql in _EXPORT.items():
            rows = await self._db.fetch_all(sql, params)
            exported[section] = [_record(row) for row in rows]
        return exported

    async def erase(self, guild_id: int, user_id: int, now: datetime) -> Stored[Erased]:
        """Delete the member's data in one transaction, ending their partnerships kindly.

        Their Discord language goes too, kept once for all servers (the caller forgets it
        in `LanguageStore`'s memory as well); their next interaction stores it anew."""
        params = {"guild": guild_id, "user": user_id, "former": FORMER_MEMBER}
        async with self._db.transaction() as conn:
            await take_turn(conn)  # no miss batch reads their milestones meanwhile
            notices = list(await forget_waiting(conn, guild_id, user_id, now))
            notices += await withdraw_requests_of(conn, guild_id, user_id, now)
            notices += await end_all(conn, guild_id, user_id, EndCause.ERASED, now)
            messages = await conn.fetch_all(
                "SELECT partnership_id, message_id FROM outbox WHERE guild_id = :guild"
                " AND member_id = :user AND kind = 'answers' AND message_id IS NOT NULL",
                params,
            )
            cheered = await conn.fetch_all(
                "SELECT id FROM milestones WHERE guild_id = :guild AND owner_id = :user"
                " AND status = 'confirmed'",
                params,
            )
            for statement in _ERASE:
                await conn.execute(statement, params)
            await _replace_in_pairs(conn, params)
            await forget(conn, guild_id, user_id)
            # Public cheers of their milestones no longer name them.
            notices += await redraw(
                conn, NoticeKind.CELEBRATION, None, [row["id"] for row in cheered], now
            )
        answers = tuple((row["partnership_id"], row["message_id"]) for row in messages)
        return Stored(Erased(answers), tuple(notices))


# In order: what only the member needs goes, what others need loses the member's id.
_ERASE = (
    "DELETE FROM outbox WHERE guild_id = :guild AND member_id = :user",
    "DELETE FROM checkins WHERE guild_id = :guild AND user_id = :user",
    "DELETE FROM voice_presence WHERE guild_id = :guild AND user_id = :user",
    "UPDATE voice_rooms SET opened_by = NULL WHERE guild_id = :guild AND opened_by = :user",
    "DELETE FROM pauses WHERE guild_id = :guild AND user_id = :user",
    "DELETE FROM invitations WHERE guild_id = :guild AND (inviter_id = :user OR invitee_id = :user)",
    "DELETE FROM profiles WHERE guild_id = :guild AND user_id = :user",
    "DELETE FROM priority_grants WHERE guild_id = :guild AND user_id = :user",
    "DELETE FROM member_locales WHERE user_id = :user",
    "DELETE FROM trial_answers WHERE user_id = :user"
    " AND partnership_id IN (SELECT id FROM partnerships WHERE guild_id = :guild)",
    "DELETE FROM review_answers WHERE user_id = :user"
    " AND partnership_id IN (SELECT id FROM partnerships WHERE guild_id = :guild)",
    "DELETE FROM schedule_proposals WHERE proposer_id = :user"
    " AND partnership_id IN (SELECT id FROM partnerships WHERE guild_id = :guild)",
    "DELETE FROM cadence_proposals WHERE proposer_id = :user"
    " AND partnership_id IN (SELECT id FROM partnerships WHERE guild_id = :guild)",
    "DELETE FROM settle_proposals WHERE proposer_id = :user"
    " AND partnership_id IN (SELECT id FROM partnerships WHERE guild_id = :guild)",
    "DELETE FROM milestone_requests WHERE milestone_id IN"
    " (SELECT id FROM milestones WHERE guild_id = :guild AND owner_id = :user)",
    # A milestone a pool entry points at, or one still judged at its deadline, stays nameless;
    # one missed without a pledge goes with its record (`unpledged_misses`, on cascade).
    "DELETE FROM milestones WHERE guild_id = :guild AND owner_id = :user"
    f" AND NOT {still_open('milestones')}"
    " AND id NOT IN (SELECT milestone_id FROM ledger_entries"
    "  WHERE guild_id = :guild AND milestone_id IS NOT NULL)",
    "UPDATE milestones SET title = '', owner_id = :former"
    " WHERE guild_id = :guild AND owner_id = :user",
    "DELETE FROM goals WHERE guild_id = :guild AND user_id = :user"
    " AND id NOT IN (SELECT goal_id FROM milestones WHERE guild_id = :guild)",
    "UPDATE goals SET text = '', done_when = '', user_id = :former, status = 'closed'"
    " WHERE guild_id = :guild AND user_id = :user",
    "UPDATE partnerships SET ended_by = NULL, end_reason = NULL"
    " WHERE guild_id = :guild AND ended_by = :user",
    # The one change the ledger allows: amounts stay, the member's id and words go.
    "UPDATE ledger_entries SET member_id = NULL,"
    " note = CASE WHEN kind = 'settle' THEN NULL ELSE note END"
    " WHERE guild_id = :guild AND member_id = :user",
)


async def _replace_in_pairs(conn: Connection, params: dict[str, int]) -> None:
    """A pair keeps two members: the erased one becomes -1 or -2 (their place in the pair)."""
    await conn.execute(
        "UPDATE partnership_members SET user_id = -(seat + 1)"
        " WHERE guild_id = :guild AND user_id = :user",
        params,
    )
