-- A pair's messages of one kind, by episode: the check-ins a pair was really asked
-- (`bot/store/checkins.py` files an answer between the last one and the next; the
-- progress card tells an asked week from an off-week) and a pair's posted questions
-- redrawn when it ends, read without scanning every message ever queued.
CREATE INDEX outbox_by_pair ON outbox (partnership_id, kind, episode);
