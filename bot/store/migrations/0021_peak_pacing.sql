-- The peak (thousands of reminders due in one minute): the outbox delivers what is
-- due in priority order (`bot.pacing.Priority`: reminders, then other thread
-- messages, then channel posts), read from this index rather than sorted. The send
-- budget's table is PostgreSQL's, where processes share it; it is made here too so the
-- version names one schema, but one SQLite process keeps its window in memory.
CREATE INDEX outbox_due_in_order ON outbox (
    (CASE WHEN kind = 'checkin' THEN 0 WHEN partnership_id IS NOT NULL THEN 1 ELSE 2 END),
    due_at,
    id
) WHERE status IN ('pending', 'attempted');

CREATE TABLE send_budget (
    name TEXT PRIMARY KEY,
    -- The latest requests' starts, oldest first, as comma-separated unix seconds.
    starts TEXT NOT NULL
);
