-- Weekly check-ins, the reminder loop's alarms and its outbox of notices.

-- The scheduled check-in instant the pair is working towards, and when the reminder
-- loop must next look at the pair (NULL once ended). The loop's due query reads only
-- the index below, so its cost follows what is due, not how many pairs exist.
ALTER TABLE partnerships ADD COLUMN next_checkin_at INTEGER;
ALTER TABLE partnerships ADD COLUMN alarm_at INTEGER;
CREATE INDEX partnerships_by_alarm ON partnerships (alarm_at) WHERE alarm_at IS NOT NULL;

-- Pace from the queue, so a member can be requeued without being asked again.
ALTER TABLE partnership_members ADD COLUMN pace INTEGER;

CREATE TABLE checkins (
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id),
    guild_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    week_at INTEGER NOT NULL,
    completed TEXT NOT NULL,
    next_goal TEXT NOT NULL,
    blockers TEXT NOT NULL DEFAULT '',
    message_id INTEGER,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (partnership_id, user_id, week_at)
);
CREATE INDEX checkins_by_member ON checkins (guild_id, user_id, week_at);

-- Everything the loop posts, keyed so that planning twice can never post twice.
CREATE TABLE notices (
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id),
    kind TEXT NOT NULL,
    episode INTEGER NOT NULL,
    member_id INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'attempted', 'sent', 'void')),
    attempts INTEGER NOT NULL DEFAULT 0,
    attempted_at INTEGER,
    message_id INTEGER,
    PRIMARY KEY (partnership_id, kind, episode, member_id)
);
CREATE INDEX notices_unsent ON notices (status) WHERE status IN ('pending', 'attempted');

CREATE TABLE schedule_proposals (
    id INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id),
    proposer_id INTEGER NOT NULL,
    timezone TEXT NOT NULL,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    minute INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 1439),
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'void')),
    created_at INTEGER NOT NULL
);

CREATE TABLE trial_answers (
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id),
    user_id INTEGER NOT NULL,
    answer TEXT NOT NULL CHECK (answer IN ('keep', 'switch')),
    PRIMARY KEY (partnership_id, user_id)
);

-- A member who left a quiet or one-sided partnership goes first next time.
CREATE TABLE priority_grants (
    guild_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    course_key TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id, course_key)
);
