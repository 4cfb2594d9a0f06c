-- One outbox for every message that goes with a stored change, member preferences that
-- need no time zone, one pending invitation per inviter, invitee and course, and a
-- ledger the database itself keeps append-only.

-- Every message Tandem owes Discord: reminders planned by the loop and the notices of
-- commands and buttons alike. A row is written in the same transaction as the change it
-- announces and rendered from the stored state when it is delivered, so a Discord error
-- delays a message but can never lose, repeat or contradict it. `key` names the occasion
-- for good (kind, pair, episode, member). `revision` grows when the row must be shown
-- again (a check-in edited in place): delivery only marks `sent` the revision it drew.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    guild_id INTEGER NOT NULL,
    partnership_id INTEGER REFERENCES partnerships (id),
    channel_id INTEGER,
    kind TEXT NOT NULL,
    episode INTEGER NOT NULL DEFAULT 0,
    member_id INTEGER NOT NULL DEFAULT 0,
    revision INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'attempted', 'sent', 'void', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    first_attempt_at INTEGER,
    due_at INTEGER NOT NULL,
    message_id INTEGER,
    -- What the latest attempt drew, so a lost reply is recognised in the channel even
    -- if the stored state (and so the drawing) changed since.
    attempt_digest TEXT,
    created_at INTEGER NOT NULL,
    -- A message goes to a pair's thread or to one channel, never both, never neither.
    CHECK ((partnership_id IS NULL) != (channel_id IS NULL))
);
-- Delivery reads only what is due; a failing row waits here with a growing delay.
CREATE INDEX outbox_due ON outbox (due_at) WHERE status IN ('pending', 'attempted');
CREATE INDEX outbox_failed ON outbox (guild_id) WHERE status = 'failed';

INSERT INTO outbox (key, guild_id, partnership_id, kind, episode, member_id, status, attempts,
                    first_attempt_at, due_at, message_id, created_at)
SELECT n.kind || ':' || n.partnership_id || ':' || n.episode || ':' || n.member_id,
       p.guild_id, n.partnership_id, n.kind, n.episode, n.member_id, n.status, n.attempts,
       n.attempted_at, COALESCE(n.attempted_at, 0), n.message_id, COALESCE(n.attempted_at, 0)
FROM notices n JOIN partnerships p ON p.id = n.partnership_id;

-- Check-in answers already posted: a second answer that week edits the same message.
INSERT INTO outbox (key, guild_id, partnership_id, kind, episode, member_id, status, due_at,
                    message_id, created_at)
SELECT 'answers:' || partnership_id || ':' || week_at || ':' || user_id, guild_id,
       partnership_id, 'answers', week_at, user_id, 'sent', created_at, message_id, created_at
FROM checkins WHERE message_id IS NOT NULL;

DROP TABLE notices;

-- A profile may hold preferences before a time zone is known.
CREATE TABLE profiles_new (
    guild_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    timezone TEXT,
    leaderboard_hidden INTEGER NOT NULL DEFAULT 0 CHECK (leaderboard_hidden IN (0, 1)),
    PRIMARY KEY (guild_id, user_id)
);
INSERT INTO profiles_new (guild_id, user_id, timezone)
SELECT guild_id, user_id, timezone FROM profiles;
DROP TABLE profiles;
ALTER TABLE profiles_new RENAME TO profiles;

-- Invitations are posted in the channel where they were made, through the outbox.
ALTER TABLE invitations ADD COLUMN channel_id INTEGER;
UPDATE invitations SET status = 'void'
WHERE status = 'pending' AND id NOT IN (
    SELECT MAX(id) FROM invitations WHERE status = 'pending'
    GROUP BY guild_id, inviter_id, invitee_id, course_key
);
-- Asking again while the first invitation waits would only ping the invitee again.
CREATE UNIQUE INDEX one_pending_invitation
    ON invitations (guild_id, inviter_id, invitee_id, course_key) WHERE status = 'pending';
CREATE INDEX invitations_by_invitee ON invitations (guild_id, invitee_id);
CREATE INDEX invitations_by_inviter ON invitations (guild_id, inviter_id);

-- A member's queue entries across courses: leaving, erasure and `/partner status`.
CREATE INDEX queue_by_member ON queue_entries (guild_id, user_id);

-- The ledger is append-only. The single change the database allows is erasing a member's
-- words and id (a privacy deletion): amounts, keys and everything else stay as written.
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE ON ledger_entries
WHEN NEW.member_id IS NOT NULL
    OR (NEW.note IS NOT NULL AND NEW.note IS NOT OLD.note)
    OR NEW.id IS NOT OLD.id
    OR NEW.partnership_id IS NOT OLD.partnership_id
    OR NEW.guild_id IS NOT OLD.guild_id
    OR NEW.milestone_id IS NOT OLD.milestone_id
    OR NEW.kind IS NOT OLD.kind
    OR NEW.amount IS NOT OLD.amount
    OR NEW.idempotency_key IS NOT OLD.idempotency_key
    OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are append-only');
END;

CREATE TRIGGER ledger_entries_never_deleted BEFORE DELETE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are append-only');
END;

-- Why a partnership ended, so the farewell in its thread can say it kindly.
ALTER TABLE partnerships ADD COLUMN end_cause TEXT
    CHECK (end_cause IN ('ended', 'switch', 'rematch', 'left', 'erased'));

-- Requests a partner answers share one set of states (`bot.models.RequestStatus`):
-- `declined` is the partner's "Not yet", `void` a request replaced or withdrawn.
CREATE TABLE milestone_requests_new (
    id INTEGER PRIMARY KEY,
    milestone_id INTEGER NOT NULL REFERENCES milestones (id),
    kind TEXT NOT NULL CHECK (kind IN ('done', 'reschedule')),
    new_due_date TEXT,
    new_deadline_at INTEGER,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'accepted', 'declined', 'void')),
    created_at INTEGER NOT NULL
);
INSERT INTO milestone_requests_new
SELECT id, milestone_id, kind, new_due_date, new_deadline_at,
       CASE status WHEN 'rejected' THEN 'declined' ELSE status END, created_at
FROM milestone_requests;
DROP TABLE milestone_requests;
ALTER TABLE milestone_requests_new RENAME TO milestone_requests;
CREATE INDEX milestone_requests_by_milestone ON milestone_requests (milestone_id, status);

-- Course names are now compared after Unicode normalisation (`tandem_course_key`, the
-- Python `bot.matching.course_key`): re-key what was stored. Where two old spellings
-- meet in one key, the first row keeps the course and the other keeps its old key.
UPDATE OR IGNORE courses SET course_key = tandem_course_key(course_key);
UPDATE OR IGNORE queue_entries SET course_key = tandem_course_key(course_key);
UPDATE OR IGNORE partnerships SET course_key = tandem_course_key(course_key);
UPDATE OR IGNORE partnership_members SET course_key = tandem_course_key(course_key);
UPDATE OR IGNORE invitations SET course_key = tandem_course_key(course_key);
UPDATE OR IGNORE priority_grants SET course_key = tandem_course_key(course_key);

CREATE TABLE schedule_proposals_new (
    id INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id),
    proposer_id INTEGER NOT NULL,
    timezone TEXT NOT NULL,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    minute INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 1439),
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'accepted', 'declined', 'void')),
    created_at INTEGER NOT NULL
);
INSERT INTO schedule_proposals_new SELECT * FROM schedule_proposals;
DROP TABLE schedule_proposals;
ALTER TABLE schedule_proposals_new RENAME TO schedule_proposals;
CREATE INDEX schedule_proposals_by_pair ON schedule_proposals (partnership_id, status);

CREATE TABLE settle_proposals_new (
    id INTEGER PRIMARY KEY,
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id),
    proposer_id INTEGER NOT NULL,
    note TEXT NOT NULL,
    -- The balance the partner is asked to confirm: settling needs it unchanged.
    amount INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'accepted', 'declined', 'void')),
    created_at INTEGER NOT NULL
);
INSERT INTO settle_proposals_new SELECT * FROM settle_proposals;
DROP TABLE settle_proposals;
ALTER TABLE settle_proposals_new RENAME TO settle_proposals;
CREATE INDEX settle_proposals_by_pair ON settle_proposals (partnership_id, status);
