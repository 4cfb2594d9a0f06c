"""The moderators' health view, as on SQLite (`bot/store/migrations/0019_health.py`): the
same tables, kept by PostgreSQL's triggers, and the same derivation from history."""

from __future__ import annotations

from datetime import datetime
from importlib import import_module

from bot.store.database import Connection

_SHARED = import_module("bot.store.migrations.0019_health")

SCHEMA = """
ALTER TABLE partnerships ADD COLUMN quiet_since BIGINT;
CREATE INDEX queue_by_wait ON queue_entries (guild_id, course_key, queued_at);

CREATE TABLE health_counts (
    guild_id BIGINT PRIMARY KEY,
    active_pairs BIGINT NOT NULL DEFAULT 0,
    quiet_pairs BIGINT NOT NULL DEFAULT 0,
    waiting BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE health_waiting (
    guild_id BIGINT NOT NULL,
    course_key TEXT NOT NULL,
    waiting BIGINT NOT NULL,
    PRIMARY KEY (guild_id, course_key)
);
CREATE INDEX health_waiting_most ON health_waiting (guild_id, waiting);
CREATE TABLE health_days (
    guild_id BIGINT NOT NULL,
    day BIGINT NOT NULL,
    checkins_due BIGINT NOT NULL DEFAULT 0,
    checkins_made BIGINT NOT NULL DEFAULT 0,
    milestones_confirmed BIGINT NOT NULL DEFAULT 0,
    milestones_missed BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, day)
);

-- A pair counts as active until it ends, and as quiet while it is active and marked so.
CREATE FUNCTION health_pairs_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    more_active BIGINT := CASE WHEN NEW.ended_at IS NULL THEN 1 ELSE 0 END;
    more_quiet BIGINT := CASE WHEN NEW.ended_at IS NULL AND NEW.quiet_since IS NOT NULL
        THEN 1 ELSE 0 END;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        more_active := more_active - CASE WHEN OLD.ended_at IS NULL THEN 1 ELSE 0 END;
        more_quiet := more_quiet - CASE WHEN OLD.ended_at IS NULL
            AND OLD.quiet_since IS NOT NULL THEN 1 ELSE 0 END;
    END IF;
    INSERT INTO health_counts AS h (guild_id, active_pairs, quiet_pairs)
    VALUES (NEW.guild_id, more_active, more_quiet)
    ON CONFLICT (guild_id) DO UPDATE SET active_pairs = h.active_pairs + excluded.active_pairs,
        quiet_pairs = h.quiet_pairs + excluded.quiet_pairs;
    DELETE FROM health_counts WHERE guild_id = NEW.guild_id
        AND active_pairs = 0 AND quiet_pairs = 0 AND waiting = 0;
    RETURN NULL;
END;
$$;

CREATE TRIGGER health_pair_added AFTER INSERT ON partnerships
    FOR EACH ROW WHEN (NEW.ended_at IS NULL) EXECUTE FUNCTION health_pairs_keep();

CREATE TRIGGER health_pair_changed AFTER UPDATE OF ended_at, quiet_since ON partnerships
    FOR EACH ROW WHEN ((OLD.ended_at IS NULL) IS DISTINCT FROM (NEW.ended_at IS NULL)
        OR (OLD.quiet_since IS NULL) IS DISTINCT FROM (NEW.quiet_since IS NULL))
    EXECUTE FUNCTION health_pairs_keep();

-- The server's row first, then the course's, in every trigger: two transactions then
-- always wait for the same row first and never for each other.
CREATE FUNCTION health_queue_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO health_counts AS h (guild_id, waiting) VALUES (NEW.guild_id, 1)
        ON CONFLICT (guild_id) DO UPDATE SET waiting = h.waiting + 1;
        INSERT INTO health_waiting AS w (guild_id, course_key, waiting)
        VALUES (NEW.guild_id, NEW.course_key, 1)
        ON CONFLICT (guild_id, course_key) DO UPDATE SET waiting = w.waiting + 1;
    ELSE
        UPDATE health_counts SET waiting = waiting - 1 WHERE guild_id = OLD.guild_id;
        DELETE FROM health_counts WHERE guild_id = OLD.guild_id
            AND active_pairs = 0 AND quiet_pairs = 0 AND waiting = 0;
        UPDATE health_waiting SET waiting = waiting - 1
            WHERE guild_id = OLD.guild_id AND course_key = OLD.course_key;
        DELETE FROM health_waiting
            WHERE guild_id = OLD.guild_id AND course_key = OLD.course_key AND waiting = 0;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER health_queue_joined AFTER INSERT ON queue_entries
    FOR EACH ROW EXECUTE FUNCTION health_queue_keep();

CREATE TRIGGER health_queue_left AFTER DELETE ON queue_entries
    FOR EACH ROW EXECUTE FUNCTION health_queue_keep();
"""


async def migrate(conn: Connection, now: datetime) -> None:
    await conn.execute_script(SCHEMA)
    await _SHARED.mark_quiet(conn, now)
    await _SHARED.derive(conn)
