-- A server's check-ins by when they were made: the weekly recap counts those of its week
-- (`bot/store/recaps.py`) without reading every check-in the server ever had.
CREATE INDEX checkins_by_time ON checkins (guild_id, created_at);
