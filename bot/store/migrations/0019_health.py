"""The moderators' health view (`/setup health:True`): figures read in a few rows, however
large the server.

Python because the pairs already quiet are found as of the moment the migration runs,
with the domain's rule of when a partner counts as quiet. Each engine's migration of
this number creates the same tables in its own dialect (triggers differ) and then calls
`derive`, whose statements both engines accept.

- `health_counts`, one row per server: its active pairs, the pairs with a quiet partner
  and the members waiting in any course. `health_waiting`, one row per course with
  members waiting. Both are states, so triggers keep them (whatever changes a pair or
  the queue, in the same transaction), and a row whose counts all fall to zero goes: the
  tables hold exactly the rows their history gives, on both engines.
- `health_days`, one row per server and UTC day: check-ins due (asked of members at a
  reminder) and made (counted under the day of the check-in they answer), milestones
  confirmed and missed. These are events, counted by the store where they happen
  (`bot/store/health.py`).
- `partnerships.quiet_since`: when the reminders job last found a partner quiet (the
  moment it nudges them, `bot.reminders`); NULL once every partner checks in again.
- `queue_by_wait`: a course's longest-waiting members, read from the front of an index.
"""

from __future__ import annotations

from datetime import datetime

from bot.cadence import period
from bot.health import DAY_SECONDS
from bot.models import Cadence, MilestoneStatus, NoticeKind, Role
from bot.reminders import QUIET_NUDGE_PERIODS
from bot.store.database import Connection, to_timestamp

SCHEMA = """
ALTER TABLE partnerships ADD COLUMN quiet_since INTEGER;
CREATE INDEX queue_by_wait ON queue_entries (guild_id, course_key, queued_at);

CREATE TABLE health_counts (
    guild_id INTEGER PRIMARY KEY,
    active_pairs INTEGER NOT NULL DEFAULT 0,
    quiet_pairs INTEGER NOT NULL DEFAULT 0,
    waiting INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE health_waiting (
    guild_id INTEGER NOT NULL,
    course_key TEXT NOT NULL,
    waiting INTEGER NOT NULL,
    PRIMARY KEY (guild_id, course_key)
);
CREATE INDEX health_waiting_most ON health_waiting (guild_id, waiting);
CREATE TABLE health_days (
    guild_id INTEGER NOT NULL,
    day INTEGER NOT NULL,
    checkins_due INTEGER NOT NULL DEFAULT 0,
    checkins_made INTEGER NOT NULL DEFAULT 0,
    milestones_confirmed INTEGER NOT NULL DEFAULT 0,
    milestones_missed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, day)
);

CREATE TRIGGER health_pair_added AFTER INSERT ON partnerships WHEN NEW.ended_at IS NULL
BEGIN
    INSERT INTO health_counts (guild_id, active_pairs, quiet_pairs)
    VALUES (NEW.guild_id, 1, NEW.quiet_since IS NOT NULL)
    ON CONFLICT (guild_id) DO UPDATE SET active_pairs = health_counts.active_pairs + 1,
        quiet_pairs = health_counts.quiet_pairs + excluded.quiet_pairs;
END;

CREATE TRIGGER health_pair_changed AFTER UPDATE OF ended_at, quiet_since ON partnerships
WHEN (OLD.ended_at IS NULL) != (NEW.ended_at IS NULL)
    OR (OLD.quiet_since IS NULL) != (NEW.quiet_since IS NULL)
BEGIN
    INSERT INTO health_counts (guild_id, active_pairs, quiet_pairs)
    VALUES (NEW.guild_id, (NEW.ended_at IS NULL) - (OLD.ended_at IS NULL),
        (NEW.ended_at IS NULL AND NEW.quiet_since IS NOT NULL)
        - (OLD.ended_at IS NULL AND OLD.quiet_since IS NOT NULL))
    ON CONFLICT (guild_id) DO UPDATE SET
        active_pairs = health_counts.active_pairs + excluded.active_pairs,
        quiet_pairs = health_counts.quiet_pairs + excluded.quiet_pairs;
    DELETE FROM health_counts WHERE guild_id = NEW.guild_id
        AND active_pairs = 0 AND quiet_pairs = 0 AND waiting = 0;
END;

-- The server's row first, then the course's, in every trigger: on PostgreSQL two
-- transactions then always wait for the same row first and never for each other.
CREATE TRIGGER health_queue_joined AFTER INSERT ON queue_entries
BEGIN
    INSERT INTO health_counts (guild_id, waiting) VALUES (NEW.guild_id, 1)
    ON CONFLICT (guild_id) DO UPDATE SET waiting = health_counts.waiting + 1;
    INSERT INTO health_waiting (guild_id, course_key, waiting)
    VALUES (NEW.guild_id, NEW.course_key, 1)
    ON CONFLICT (guild_id, course_key) DO UPDATE SET waiting = health_waiting.waiting + 1;
END;

CREATE TRIGGER health_queue_left AFTER DELETE ON queue_entries
BEGIN
    UPDATE health_counts SET waiting = waiting - 1 WHERE guild_id = OLD.guild_id;
    DELETE FROM health_counts WHERE guild_id = OLD.guild_id
        AND active_pairs = 0 AND quiet_pairs = 0 AND waiting = 0;
    UPDATE health_waiting SET waiting = waiting - 1
        WHERE guild_id = OLD.guild_id AND course_key = OLD.course_key;
    DELETE FROM health_waiting
        WHERE guild_id = OLD.guild_id AND course_key = OLD.course_key AND waiting = 0;
END;
"""


async def migrate(conn: Connection, now: datetime) -> None:
    await conn.execute_script(SCHEMA)
    await mark_quiet(conn, now)
    await derive(conn)


async def mark_quiet(conn: Connection, now: datetime) -> None:
    """Pairs with a partner quiet for as long as the reminders job waits before its nudge.

    Planned breaks stop that clock, and the rule that reads them is the reminders job's:
    the pairs marked here are due for its look at once, so it keeps each mark that
    holds and lifts one a break had paused.
    """
    longest = " ".join(
        f"WHEN '{cadence}' THEN {int((QUIET_NUDGE_PERIODS * period(cadence)).total_seconds())}"
        for cadence in Cadence
    )
    await conn.execute(
        "UPDATE partnerships SET quiet_since = :now, alarm_at = :now WHERE ended_at IS NULL"
        " AND EXISTS (SELECT 1 FROM partnership_members m"
        "  WHERE m.partnership_id = partnerships.id AND m.role != :mentor"
        "  AND COALESCE((SELECT MAX(c.created_at) FROM checkins c"
        "   WHERE c.partnership_id = m.partnership_id AND c.user_id = m.user_id),"
        "   partnerships.created_at)"
        f"  <= :now - CASE partnerships.cadence {longest} END)",
        {"now": to_timestamp(now), "mentor": Role.MENTOR},
    )


# Each server's events by UTC day, from the history they left: a check-in reminder asks
# every partner but a mentor and one on a planned break then; a check-in counts under
# the day of the check-in it answers.
_DAYS = (
    "INSERT INTO health_days (guild_id, day, checkins_due, checkins_made,"
    " milestones_confirmed, milestones_missed)"
    " SELECT guild_id, day, SUM(due), SUM(made), SUM(confirmed), SUM(missed) FROM ("
    f"  SELECT o.guild_id, o.episode - o.episode % {DAY_SECONDS} AS day, COUNT(*) AS due,"
    "   0 AS made, 0 AS confirmed, 0 AS missed"
    "  FROM outbox o JOIN partnership_members m ON m.partnership_id = o.partnership_id"
    "  WHERE o.kind = :checkin AND m.role != :mentor AND NOT EXISTS (SELECT 1 FROM pauses z"
    "   WHERE z.partnership_id = o.partnership_id AND z.user_id = m.user_id"
    "   AND z.starts_at <= o.episode AND o.episode < z.ends_at)"
    f"  GROUP BY o.guild_id, o.episode - o.episode % {DAY_SECONDS}"
    f"  UNION ALL SELECT guild_id, week_at - week_at % {DAY_SECONDS}, 0, COUNT(*), 0, 0"
    f"  FROM checkins GROUP BY guild_id, week_at - week_at % {DAY_SECONDS}"
    f"  UNION ALL SELECT guild_id, confirmed_at - confirmed_at % {DAY_SECONDS}, 0, 0, COUNT(*), 0"
    "  FROM milestones WHERE status = :confirmed"
    f"  GROUP BY guild_id, confirmed_at - confirmed_at % {DAY_SECONDS}"
    f"  UNION ALL SELECT guild_id, missed_at - missed_at % {DAY_SECONDS}, 0, 0, 0, COUNT(*)"
    "  FROM milestones WHERE status = :missed"
    f"  GROUP BY guild_id, missed_at - missed_at % {DAY_SECONDS}"
    " ) AS events GROUP BY guild_id, day"
)
_COUNTS = (
    "INSERT INTO health_counts (guild_id, active_pairs, quiet_pairs, waiting)"
    " SELECT guild_id, SUM(active), SUM(quiet), SUM(waiting) FROM ("
    "  SELECT guild_id, COUNT(*) AS active, COUNT(quiet_since) AS quiet, 0 AS waiting"
    "  FROM partnerships WHERE ended_at IS NULL GROUP BY guild_id"
    "  UNION ALL SELECT guild_id, 0, 0, COUNT(*) FROM queue_entries GROUP BY guild_id"
    " ) AS counts GROUP BY guild_id"
)
_WAITING = (
    "INSERT INTO health_waiting (guild_id, course_key, waiting)"
    " SELECT guild_id, course_key, COUNT(*) FROM queue_entries GROUP BY guild_id, course_key"
)


async def derive(conn: Connection) -> None:
    """Every health figure anew from the history stored: what the triggers and the store
    keep change by change, in a few set-based passes (seconds at 100,000 pairs)."""
    for table in ("health_counts", "health_waiting", "health_days"):
        await conn.execute(f"DELETE FROM {table}")
    await conn.execute(_COUNTS)
    await conn.execute(_WAITING)
    await conn.execute(
        _DAYS,
        {
            "checkin": NoticeKind.CHECKIN,
            "mentor": Role.MENTOR,
            "confirmed": MilestoneStatus.CONFIRMED,
            "missed": MilestoneStatus.MISSED,
        },
    )
