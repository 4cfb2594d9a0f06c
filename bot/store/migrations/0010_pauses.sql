-- Planned pauses (`/pause`): a member's announced break of one or two weeks. `ends_at`
-- is when it ends: planned as starts_at + weeks, earlier after `/pause end`.
CREATE TABLE pauses (
    id INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id),
    guild_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    weeks INTEGER NOT NULL CHECK (weeks IN (1, 2)),
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    CHECK (ends_at >= starts_at AND ends_at <= starts_at + weeks * 604800)
);
CREATE INDEX pauses_by_pair ON pauses (partnership_id, user_id, ends_at);
CREATE INDEX pauses_by_member ON pauses (guild_id, user_id, ends_at);
