"""Mentorships (`/partner request ... as:mentor`): who does what, and the monthly question.

A mentorship is asymmetric. Only the mentee checks in and sets goals, milestones and
pledges; the mentor sees the check-ins, confirms the milestones, and is never nudged,
counted as quiet or left with a one-sided note. A mentor takes no planned break (nothing
of theirs runs to pause) and does not propose settling the pool (it holds the mentee's
pledges: the mentee proposes, the mentor confirms). Every four weeks after pairing (days 28,
56, ...) the thread reminds the mentee to ask the mentor the seed's question, "What can
I do for you?": a fixed rhythm from the pairing, like the reviews, so each asking has a
permanent occasion and after downtime only the latest is asked.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.errors import UserError
from bot.i18n import N_, _
from bot.models import Partnership, Role

QUESTION_EVERY = timedelta(weeks=4)

MENTORS_DO_NOT_CHECK_IN = N_(
    "As the mentor in this mentorship you don't check in: only your mentee answers the "
    "weekly questions, and you see their answers in your thread. Nothing was changed."
)
MENTORS_SET_NO_GOALS = N_(
    "As the mentor in this mentorship you don't set goals, milestones or pledges: your "
    "mentee does, and you confirm their milestones in your thread. Nothing was changed."
)
MENTORS_TAKE_NO_BREAKS = N_(
    "As the mentor in this mentorship you don't check in, so there is nothing to pause: "
    "you are never reminded, nudged or counted as quiet. Nothing was changed."
)
MENTORS_DO_NOT_PROPOSE_SETTLING = N_(
    "As the mentor in this mentorship you don't propose settling the pool: it holds your "
    "mentee's missed pledges, so your mentee proposes with `/pool settle` and you confirm "
    "in your thread. Nothing was changed."
)


def latest_question(created_at: datetime, now: datetime) -> datetime | None:
    """The latest monthly question due by now, if any: after downtime only the latest."""
    asked = (now - created_at) // QUESTION_EVERY
    return created_at + asked * QUESTION_EVERY if asked >= 1 else None


def next_question(created_at: datetime, now: datetime) -> datetime:
    """The first monthly question after now."""
    return created_at + (max((now - created_at) // QUESTION_EVERY, 0) + 1) * QUESTION_EVERY


# Each rule below is enforced once, by the store method that makes the change
# (`CheckinStore.record`, `MilestoneStore.add_goal` / `add_milestone`, `PauseStore.start`,
# `LedgerStore.propose_settlement`); the check-in form also asks `refuse_checkin` before
# it opens, so a mentor is not shown questions they cannot answer.


def refuse_checkin(partnership: Partnership, user_id: int) -> None:
    """Only a member who checks in (everyone but a mentor) answers the check-in questions."""
    if not partnership.checks_in(user_id):
        raise UserError(_(MENTORS_DO_NOT_CHECK_IN))


def refuse_goals(role: Role) -> None:
    """A mentor sets no goals, milestones or pledges in their mentorship (`role` is theirs there)."""
    if role is Role.MENTOR:
        raise UserError(_(MENTORS_SET_NO_GOALS))


def refuse_pause(partnership: Partnership, user_id: int) -> None:
    """A break stops one's check-in reminders and quiet clock: a mentor has neither."""
    if not partnership.checks_in(user_id):
        raise UserError(_(MENTORS_TAKE_NO_BREAKS))


def refuse_settlement_proposal(partnership: Partnership, user_id: int) -> None:
    """The pool is the mentee's missed pledges: the mentee proposes settling, the mentor confirms.

    Settling still takes both, as in any pair: the proposal and the partner's **Confirm**.
    """
    if partnership.role_of(user_id) is Role.MENTOR:
        raise UserError(_(MENTORS_DO_NOT_PROPOSE_SETTLING))
