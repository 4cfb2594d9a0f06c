-- Languages (issue 21).
-- The server's language for its public messages; NULL: the server's own preferred locale
-- as Discord reports it.
ALTER TABLE guild_settings ADD COLUMN language TEXT;

-- Up to three ISO 639-1 codes a member studies in, comma-separated ('' when unstated);
-- the queue keeps a copy so matching reads one row per candidate.
ALTER TABLE profiles ADD COLUMN languages TEXT NOT NULL DEFAULT '';
ALTER TABLE queue_entries ADD COLUMN languages TEXT NOT NULL DEFAULT '';

-- Each member's Discord language as last seen in an interaction: a partner thread speaks
-- the language both partners use.
CREATE TABLE member_locales (
    user_id BIGINT PRIMARY KEY,
    locale TEXT NOT NULL
);
