-- Server settings, member profiles, the matching queue, invitations and partnerships.
-- Instants are INTEGER unix seconds in UTC.

CREATE TABLE guild_settings (
    guild_id INTEGER PRIMARY KEY,
    leaderboard_channel_id INTEGER NOT NULL,
    partner_channel_id INTEGER NOT NULL,
    currency TEXT NOT NULL DEFAULT 'points',
    max_stake INTEGER NOT NULL DEFAULT 100 CHECK (max_stake >= 0)
);

CREATE TABLE profiles (
    guild_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    timezone TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

CREATE TABLE courses (
    guild_id INTEGER NOT NULL,
    course_key TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (guild_id, course_key)
);

CREATE TABLE queue_entries (
    guild_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    course_key TEXT NOT NULL,
    pace INTEGER NOT NULL CHECK (pace BETWEEN 1 AND 80),
    timezone TEXT NOT NULL,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    minute INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 1439),
    queued_at INTEGER NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, course_key, user_id)
);

CREATE TABLE partnerships (
    id INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    course_key TEXT NOT NULL,
    thread_id INTEGER,
    timezone TEXT NOT NULL,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    minute INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 1439),
    created_at INTEGER NOT NULL,
    ended_at INTEGER,
    ended_by INTEGER,
    end_reason TEXT
);

CREATE INDEX partnerships_by_thread ON partnerships (thread_id);

CREATE TABLE partnership_members (
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id),
    guild_id INTEGER NOT NULL,
    course_key TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (partnership_id, user_id)
);

-- The database itself refuses a second active partnership in one course.
CREATE UNIQUE INDEX one_active_partnership_per_course
    ON partnership_members (guild_id, course_key, user_id) WHERE active = 1;

CREATE INDEX partnership_members_by_member ON partnership_members (guild_id, user_id, active);

CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    inviter_id INTEGER NOT NULL,
    invitee_id INTEGER NOT NULL,
    course_key TEXT NOT NULL,
    timezone TEXT NOT NULL,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    minute INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 1439),
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'accepted', 'declined', 'void')),
    created_at INTEGER NOT NULL,
    answered_at INTEGER
);
