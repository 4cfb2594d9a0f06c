-- A message being delivered is claimed: by whom (one process's delivery) and until when.
-- Another process takes it over only once the claim has lapsed, so two processes never
-- post the same message, and one that died mid-delivery is finished by the other.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until BIGINT;
