-- A miss is recorded without rewriting its milestone (issue 24; `bot/store/misses.py`):
-- the miss job appends the pledge's ledger entry, keyed by the milestone and its
-- deadline, or, for a milestone with nothing pledged, a row here. The milestone keeps
-- status 'open'; misses recorded before this migration keep status 'missed'.
CREATE TABLE unpledged_misses (
    milestone_id INTEGER PRIMARY KEY REFERENCES milestones (id) ON DELETE CASCADE,
    -- The miss job's run that recorded it: the episode of its thread notice.
    missed_at INTEGER NOT NULL
);

-- How far the miss job has judged the deadlines of each shard (`shard_id` of
-- `shard_count`): every milestone there up to (`deadline_at`, `milestone_id`) is
-- confirmed, void or recorded missed, and none beyond it is recorded, so the job's due
-- scan starts there. A frontier begun under a new shard count starts before everything
-- and looks up the misses another count may have recorded up to `recheck_until`.
CREATE TABLE miss_frontiers (
    shard_count INTEGER NOT NULL,
    shard_id INTEGER NOT NULL,
    deadline_at INTEGER NOT NULL,
    milestone_id INTEGER NOT NULL,
    recheck_until INTEGER NOT NULL,
    PRIMARY KEY (shard_count, shard_id)
);
