-- Each member chooses whether the 24-hour heads-up before a check-in reaches them (the
-- check-in reminder itself always does): 1 yes, the default; 0 no.
ALTER TABLE profiles ADD COLUMN heads_up INTEGER NOT NULL DEFAULT 1 CHECK (heads_up IN (0, 1));
