-- What the largest servers read often, kept up to date with each change instead of
-- recounted from history on each read: leaderboard counts and streaks, pool totals, and
-- where in the UTC week each waiting member's check-in falls. Migration 0006 fills them
-- from the history already stored.

-- Confirmed milestones per member: ever, in the last 7 days and in the last 30 days,
-- with the member's check-in streak as the tie-break. A confirmation adds to all three
-- counts (`bot.store.leaderboard`), and leaves the week's and the month's count when its
-- row in `leaderboard_expiry` comes due. The streak holds until `streak_until`, when a
-- week without a check-in has closed; then it is 0.
CREATE TABLE leaderboard (
    guild_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    all_time INTEGER NOT NULL DEFAULT 0 CHECK (all_time >= 0),
    week INTEGER NOT NULL DEFAULT 0 CHECK (week >= 0),
    month INTEGER NOT NULL DEFAULT 0 CHECK (month >= 0),
    streak INTEGER NOT NULL DEFAULT 0 CHECK (streak >= 0),
    streak_until INTEGER NOT NULL DEFAULT 0,
    hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    PRIMARY KEY (guild_id, user_id)
);
-- Each period's ranking is read ten rows at a time, in the order it is shown.
CREATE INDEX leaderboard_all_time
    ON leaderboard (guild_id, all_time DESC, streak DESC, user_id) WHERE all_time > 0 AND hidden = 0;
CREATE INDEX leaderboard_week
    ON leaderboard (guild_id, week DESC, streak DESC, user_id) WHERE week > 0 AND hidden = 0;
CREATE INDEX leaderboard_month
    ON leaderboard (guild_id, month DESC, streak DESC, user_id) WHERE month > 0 AND hidden = 0;
CREATE INDEX leaderboard_streak_ends ON leaderboard (streak_until) WHERE streak > 0;

-- How many ranked members share each (confirmed, streak) score, per period: a member's
-- place is 1 + the members in the buckets above theirs, read from a few dozen rows
-- however many are ranked. Triggers keep it in step with every change to `leaderboard`.
CREATE TABLE leaderboard_places (
    guild_id INTEGER NOT NULL,
    period TEXT NOT NULL CHECK (period IN ('week', 'month', 'all')),
    confirmed INTEGER NOT NULL CHECK (confirmed > 0),
    streak INTEGER NOT NULL,
    members INTEGER NOT NULL CHECK (members >= 0),
    PRIMARY KEY (guild_id, period, confirmed, streak)
);
CREATE TRIGGER leaderboard_places_add AFTER INSERT ON leaderboard WHEN NEW.hidden = 0
BEGIN
    INSERT INTO leaderboard_places (guild_id, period, confirmed, streak, members)
    SELECT NEW.guild_id, period, confirmed, NEW.streak, 1 FROM (
        SELECT 'week' AS period, NEW.week AS confirmed
        UNION ALL SELECT 'month', NEW.month UNION ALL SELECT 'all', NEW.all_time
    ) WHERE confirmed > 0
    ON CONFLICT DO UPDATE SET members = members + 1;
END;
CREATE TRIGGER leaderboard_places_move AFTER UPDATE ON leaderboard
WHEN OLD.hidden IS NOT NEW.hidden OR OLD.streak IS NOT NEW.streak OR OLD.week IS NOT NEW.week
    OR OLD.month IS NOT NEW.month OR OLD.all_time IS NOT NEW.all_time
BEGIN
    UPDATE leaderboard_places SET members = members - 1
    WHERE OLD.hidden = 0 AND guild_id = OLD.guild_id AND streak = OLD.streak
        AND (period, confirmed) IN (VALUES ('week', OLD.week), ('month', OLD.month),
                                           ('all', OLD.all_time));
    DELETE FROM leaderboard_places WHERE guild_id = OLD.guild_id AND members = 0;
    INSERT INTO leaderboard_places (guild_id, period, confirmed, streak, members)
    SELECT NEW.guild_id, period, confirmed, NEW.streak, 1 FROM (
        SELECT 'week' AS period, NEW.week AS confirmed
        UNION ALL SELECT 'month', NEW.month UNION ALL SELECT 'all', NEW.all_time
    ) WHERE confirmed > 0 AND NEW.hidden = 0
    ON CONFLICT DO UPDATE SET members = members + 1;
END;
CREATE TRIGGER leaderboard_places_remove AFTER DELETE ON leaderboard WHEN OLD.hidden = 0
BEGIN
    UPDATE leaderboard_places SET members = members - 1
    WHERE guild_id = OLD.guild_id AND streak = OLD.streak
        AND (period, confirmed) IN (VALUES ('week', OLD.week), ('month', OLD.month),
                                           ('all', OLD.all_time));
    DELETE FROM leaderboard_places WHERE guild_id = OLD.guild_id AND members = 0;
END;

-- When a confirmation stops counting for the week ('week') and the month ('month').
CREATE TABLE leaderboard_expiry (
    milestone_id INTEGER NOT NULL,
    period TEXT NOT NULL CHECK (period IN ('week', 'month')),
    guild_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (milestone_id, period)
);
CREATE INDEX leaderboard_expiry_due ON leaderboard_expiry (at);

-- Each pool's balance and the server's total, changed in the same transaction as the
-- ledger entries they add up (a balance is still the sum of its entries: `/pool view`
-- sums them, and the tests check these totals against that sum). `bot.store.ledger.add_to_totals`
-- adds each transaction's new entries.
CREATE TABLE pool_totals (
    partnership_id INTEGER PRIMARY KEY REFERENCES partnerships (id),
    guild_id INTEGER NOT NULL,
    balance INTEGER NOT NULL
);
CREATE INDEX pool_totals_by_balance ON pool_totals (guild_id, balance DESC, partnership_id);
CREATE TABLE guild_pool_totals (
    guild_id INTEGER PRIMARY KEY,
    balance INTEGER NOT NULL,
    pools INTEGER NOT NULL
);

-- The minute of the UTC week at which a waiting member's check-in falls, as of when
-- they queued: matching reads only the members within a few hours of a newcomer's time.
ALTER TABLE queue_entries ADD COLUMN utc_minute INTEGER NOT NULL DEFAULT 0
    CHECK (utc_minute BETWEEN 0 AND 10079);
CREATE INDEX queue_by_time ON queue_entries (guild_id, course_key, utc_minute);

-- A thread's unsent messages, in order: a command's own message waits behind them, and
-- finding them must not walk every message ever delivered.
CREATE INDEX outbox_unsent_by_channel ON outbox (guild_id, partnership_id, channel_id, id)
    WHERE status IN ('pending', 'attempted');
