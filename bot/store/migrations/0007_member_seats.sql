-- A pair's two members in the order they joined it, kept in a column both engines
-- have (SQLite's rowid told the order until now): seat 0 was added first.
ALTER TABLE partnership_members ADD COLUMN seat INTEGER NOT NULL DEFAULT 0 CHECK (seat IN (0, 1));

UPDATE partnership_members SET seat = (
    SELECT COUNT(*) FROM partnership_members o
    WHERE o.partnership_id = partnership_members.partnership_id
      AND o.rowid < partnership_members.rowid
);

CREATE UNIQUE INDEX one_member_per_seat ON partnership_members (partnership_id, seat);
