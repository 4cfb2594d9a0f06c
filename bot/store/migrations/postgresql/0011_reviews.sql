-- Each partner's answer to a review ("Is this partnership still helping?"), asked every
-- eight weeks after the two-week trial; `episode` is the review's unix time.
CREATE TABLE review_answers (
    partnership_id BIGINT NOT NULL REFERENCES partnerships (id),
    user_id BIGINT NOT NULL,
    episode BIGINT NOT NULL,
    answer TEXT NOT NULL CHECK (answer IN ('keep', 'change_time', 'switch')),
    PRIMARY KEY (partnership_id, episode, user_id)
);
