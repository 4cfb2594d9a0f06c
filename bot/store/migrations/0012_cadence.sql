-- How often a pair checks in (`bot.cadence`): every week (the default, so every existing
-- pair stays as it was) or every two weeks. Every two weeks, `cadence_anchor` is a local
-- date (YYYY-MM-DD in the pair's zone) that begins a week with a check-in; the weeks with
-- one are those 0, 2, 4, ... weeks from it. `trial_at` is when the two-week question is
-- due once a cadence change moved it (unix seconds); NULL: two check-in periods in.
ALTER TABLE partnerships ADD COLUMN cadence TEXT NOT NULL DEFAULT 'weekly'
    CHECK (cadence IN ('weekly', 'every_two_weeks'));
ALTER TABLE partnerships ADD COLUMN cadence_anchor TEXT;
ALTER TABLE partnerships ADD COLUMN trial_at INTEGER;

-- The cadence each check-in was given under: how long a period it counts for in a streak.
ALTER TABLE checkins ADD COLUMN cadence TEXT NOT NULL DEFAULT 'weekly'
    CHECK (cadence IN ('weekly', 'every_two_weeks'));

-- A partner's proposal of another cadence, confirmed or declined by the other partner
-- (`bot.store.requests`).
CREATE TABLE cadence_proposals (
    id INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id),
    proposer_id INTEGER NOT NULL,
    cadence TEXT NOT NULL CHECK (cadence IN ('weekly', 'every_two_weeks')),
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'accepted', 'declined', 'void')),
    created_at INTEGER NOT NULL
);

CREATE INDEX cadence_proposals_by_pair ON cadence_proposals (partnership_id, status);
