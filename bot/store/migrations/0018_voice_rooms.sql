-- Voice check-ins (issue 22): private voice rooms for a pair, the time each partner
-- spent in them, and how each check-in was made.

-- Voice rooms are on in a server once a moderator names their category; `voice_rooms`
-- caps how many may be open at once. `voice_fault` is the last reason Discord gave for
-- not opening one (a missing permission, the channel limit), shown by `/setup` until a
-- room opens again.
ALTER TABLE guild_settings ADD COLUMN voice_category_id INTEGER;
ALTER TABLE guild_settings ADD COLUMN voice_rooms INTEGER NOT NULL DEFAULT 10;
ALTER TABLE guild_settings ADD COLUMN voice_fault TEXT;

-- One row per room asked for. An 'opening' room waits for its channel (`due_at`: the
-- next attempt), an 'open' one for its closing (`due_at`: when it closes, or sooner to
-- note that partners are still inside: `seen_at`, the last moment Tandem knew who was
-- there); both are the scheduler's work, read through `voice_rooms_due`. A claim keeps
-- two attempts (two processes, or a command and the scheduler) from creating or deleting
-- the same channel at once.
CREATE TABLE voice_rooms (
    id INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id),
    opened_by INTEGER,
    status TEXT NOT NULL DEFAULT 'opening'
        CHECK (status IN ('opening', 'open', 'closed', 'failed')),
    channel_id INTEGER,
    opened_at INTEGER NOT NULL,
    due_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_until INTEGER,
    seen_at INTEGER,
    closed_at INTEGER,
    -- The check-in week a call of at least ten minutes counted for.
    counted_week INTEGER
);
-- Pressing twice, or both partners at once, finds the same room.
CREATE UNIQUE INDEX voice_rooms_one_per_pair ON voice_rooms (partnership_id)
    WHERE status IN ('opening', 'open');
CREATE INDEX voice_rooms_due ON voice_rooms (due_at) WHERE status IN ('opening', 'open');
CREATE INDEX voice_rooms_by_guild ON voice_rooms (guild_id, status);
CREATE INDEX voice_rooms_by_channel ON voice_rooms (channel_id);

-- Who of the pair was in a room, and when: one interval per stay, closed when they
-- leave, so a restart mid-call loses no minutes already spoken. Nothing else is kept.
CREATE TABLE voice_presence (
    room_id INTEGER NOT NULL REFERENCES voice_rooms (id),
    guild_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    joined_at INTEGER NOT NULL,
    left_at INTEGER
);
CREATE INDEX voice_presence_by_room ON voice_presence (room_id);
CREATE INDEX voice_presence_by_member ON voice_presence (guild_id, user_id);

-- How a check-in was made: the form, a call of both partners, or a voice message.
ALTER TABLE checkins ADD COLUMN via TEXT NOT NULL DEFAULT 'form'
    CHECK (via IN ('form', 'call', 'voice_message'));
