-- Goals, milestones with pledges, the append-only shared-pool ledger.
-- Amounts are INTEGER minor units (1 whole unit = 100).

CREATE TABLE goals (
    id INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id),
    user_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    done_when TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    created_at INTEGER NOT NULL
);
CREATE INDEX goals_by_member ON goals (guild_id, user_id, status);

CREATE TABLE milestones (
    id INTEGER PRIMARY KEY,
    goal_id INTEGER NOT NULL REFERENCES goals (id),
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id),
    guild_id INTEGER NOT NULL,
    owner_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    due_date TEXT NOT NULL,
    deadline_at INTEGER NOT NULL,
    stake INTEGER NOT NULL CHECK (stake >= 0),
    -- void: its partnership ended first, so nobody can confirm it and nothing is charged.
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'missed', 'void')),
    created_at INTEGER NOT NULL,
    confirmed_at INTEGER,
    missed_at INTEGER
);
-- The loop's due query for misses reads only open milestones, by deadline.
CREATE INDEX milestones_due ON milestones (deadline_at) WHERE status = 'open';
-- Without status, so marking a milestone missed does not rewrite this index.
CREATE INDEX milestones_by_owner ON milestones (guild_id, owner_id);
CREATE INDEX milestones_confirmed ON milestones (guild_id, confirmed_at) WHERE status = 'confirmed';

-- A member's request that the partner confirms: "done" or "reschedule".
CREATE TABLE milestone_requests (
    id INTEGER PRIMARY KEY,
    milestone_id INTEGER NOT NULL REFERENCES milestones (id),
    kind TEXT NOT NULL CHECK (kind IN ('done', 'reschedule')),
    new_due_date TEXT,
    new_deadline_at INTEGER,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    created_at INTEGER NOT NULL
);

-- Append-only: rows are inserted, never updated or deleted.
CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id),
    guild_id INTEGER NOT NULL,
    member_id INTEGER,
    milestone_id INTEGER,
    kind TEXT NOT NULL CHECK (kind IN ('miss', 'settle')),
    amount INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    note TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX ledger_by_pool ON ledger_entries (partnership_id, id);
CREATE INDEX ledger_by_guild ON ledger_entries (guild_id, partnership_id);

CREATE TABLE settle_proposals (
    id INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id),
    proposer_id INTEGER NOT NULL,
    note TEXT NOT NULL,
    -- The balance the partner is asked to confirm: settling needs it unchanged.
    amount INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'void')),
    created_at INTEGER NOT NULL
);
