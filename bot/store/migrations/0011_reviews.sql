-- Each partner's answer to a review ("Is this partnership still helping?"), asked every
-- eight weeks after the two-week trial; `episode` is the review's unix time.
CREATE TABLE review_answers (
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id),
    user_id INTEGER NOT NULL,
    episode INTEGER NOT NULL,
    answer TEXT NOT NULL CHECK (answer IN ('keep', 'change_time', 'switch')),
    PRIMARY KEY (partnership_id, episode, user_id)
);
