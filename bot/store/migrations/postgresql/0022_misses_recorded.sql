-- A miss is recorded without rewriting its milestone, as on SQLite
-- (`bot/store/migrations/0022_misses_recorded.sql`).
CREATE TABLE unpledged_misses (
    milestone_id BIGINT PRIMARY KEY REFERENCES milestones (id) ON DELETE CASCADE,
    -- The miss job's run that recorded it: the episode of its thread notice.
    missed_at BIGINT NOT NULL
);

-- How far the miss job has judged the deadlines of each shard (`shard_id` of
-- `shard_count`): every milestone there up to (`deadline_at`, `milestone_id`) is
-- confirmed, void or recorded missed, and none beyond it is recorded, so the job's due
-- scan starts there. A frontier begun under a new shard count starts before everything
-- and looks up the misses another count may have recorded up to `recheck_until`.
CREATE TABLE miss_frontiers (
    shard_count BIGINT NOT NULL,
    shard_id BIGINT NOT NULL,
    deadline_at BIGINT NOT NULL,
    milestone_id BIGINT NOT NULL,
    recheck_until BIGINT NOT NULL,
    PRIMARY KEY (shard_count, shard_id)
);
