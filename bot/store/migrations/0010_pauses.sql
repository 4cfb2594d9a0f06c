-- Planned pauses (`/pause`): a member's announced break of one or two weeks, ending at
-- the same wall-clock time that many weeks later in the pair's zone (`planned_ends_at`,
-- earlier when it joins a break already running in another course), or sooner after
-- `/pause end` or the end of the partnership (`ends_at`).
CREATE TABLE pauses (
    id INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id),
    guild_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    weeks INTEGER NOT NULL CHECK (weeks IN (1, 2)),
    starts_at INTEGER NOT NULL,
    planned_ends_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    -- Slack for the clocks going back meanwhile: a week may last 169 hours (170 in a few zones).
    CHECK (planned_ends_at > starts_at AND planned_ends_at <= starts_at + weeks * 604800 + 7200),
    CHECK (ends_at >= starts_at AND ends_at <= planned_ends_at)
);
CREATE INDEX pauses_by_pair ON pauses (partnership_id, user_id, ends_at);
CREATE INDEX pauses_by_member ON pauses (guild_id, user_id, ends_at);
