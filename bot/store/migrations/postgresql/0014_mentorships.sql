-- Mentorships (`/partner request ... as:mentor`): each member's role in their pair. A pair
-- of peers is symmetric (the default, so every existing pair stays as it was); in a
-- mentorship the mentee checks in and sets goals, the mentor confirms and is never quiet.
ALTER TABLE partnership_members ADD COLUMN role TEXT NOT NULL DEFAULT 'peer'
    CHECK (role IN ('peer', 'mentor', 'mentee'));

-- What an invitation asks the invited member to be: a partner ('peer') or the inviter's
-- mentor ('mentor'; the inviter is then the mentee).
ALTER TABLE invitations ADD COLUMN invitee_role TEXT NOT NULL DEFAULT 'peer'
    CHECK (invitee_role IN ('peer', 'mentor'));
