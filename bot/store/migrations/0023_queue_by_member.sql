-- A member's places in a server's queues (`/partner status`, `/partner leave_queue`,
-- departures, privacy): with the course in the index too, SQLite reads the index alone
-- instead of every place in the server's queues through the primary key (issue 24).
DROP INDEX queue_by_member;
CREATE INDEX queue_by_member ON queue_entries (guild_id, user_id, course_key);
