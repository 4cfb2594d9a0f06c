"""Plain records that the store returns and the cogs render."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Generic, TypeVar

from bot.i18n import N_, _
from bot.pauses import Span
from bot.schedule import WeeklyTime

T = TypeVar("T")

# The label of pledges until a moderator names another with `/setup currency:`.
# Stored as is; shown in the reader's language (`bot.ledger.currency_label`).
DEFAULT_CURRENCY = N_("points")
# Stands for a member whose data was erased (`/privacy delete`) or who is unknown.
FORMER_MEMBER = 0


class OutboxStatus(StrEnum):
    PENDING = "pending"
    ATTEMPTED = "attempted"  # a send began; its outcome is looked up before trying again
    SENT = "sent"
    VOID = "void"  # nothing to say any more
    FAILED = "failed"  # given up on after a week; shown to moderators


class NoticeKind(StrEnum):
    """What an outbox row says; each kind has one renderer."""

    # Planned by the reminders job (`bot.reminders.plan`).
    HEADS_UP = "heads_up"
    CHECKIN = "checkin"
    NUDGE = "nudge"
    REMATCH_OFFER = "rematch_offer"
    ONE_SIDED = "one_sided"
    TRIAL = "trial"
    MISSED = "missed"
    # Queued by commands and buttons with the change they announce.
    WELCOME = "welcome"
    FAREWELL = "farewell"
    INVITATION = "invitation"
    ANSWERS = "answers"
    SCHEDULE_PROPOSAL = "schedule_proposal"
    CADENCE_PROPOSAL = "cadence_proposal"
    MILESTONE_ADDED = "milestone_added"
    MILESTONE_REQUEST = "milestone_request"
    SETTLE_PROPOSAL = "settle_proposal"
    CELEBRATION = "celebration"
    RECAP = "recap"  # the weekly recap picture in the leaderboard channel
    REVIEW = "review"
    MENTOR_QUESTION = "mentor_question"  # monthly: the mentee asks "What can I do for you?"
    PAUSE_STARTED = "pause_started"
    PAUSE_ENDED = "pause_ended"
    # Voice check-ins (`bot.calls`): a room opened, a call that counted, a voice message.
    ROOM_OPENED = "room_opened"
    CALL_COUNTED = "call_counted"
    VOICE_MESSAGE = "voice_message"


class RequestStatus(StrEnum):
    """A request the partner answers: a milestone done or moved, a new time, a settlement."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"  # the partner's "Not yet"
    VOID = "void"  # replaced by a newer request, or withdrawn (the pair ended, a member left)


class MilestoneAsk(StrEnum):
    """What a milestone request asks the partner."""

    DONE = "done"
    RESCHEDULE = "reschedule"


class TrialAnswer(StrEnum):
    """An answer to the two-week question."""

    KEEP = "keep"
    SWITCH = "switch"


class ReviewAnswer(StrEnum):
    """An answer to the review every eight weeks after the trial."""

    KEEP = "keep"
    CHANGE_TIME = "change_time"
    SWITCH = "switch"


class EntryKind(StrEnum):
    """Why a ledger entry exists."""

    MISS = "miss"  # a pledge charged when its milestone was missed
    SETTLE = "settle"  # the pool settled to zero with the partner's consent


class Period(StrEnum):
    """What a leaderboard counts: the last 7 days, the last 30 days, or ever."""

    WEEK = "week"
    MONTH = "month"
    ALL = "all"


class Cadence(StrEnum):
    """How often a pair checks in at its weekly time (`bot.cadence`)."""

    WEEKLY = "weekly"
    EVERY_TWO_WEEKS = "every_two_weeks"  # every second week, from an anchored on-week

    def label(self) -> str:
        """How often, in the reader's language: `then every week`, `check in every two weeks`."""
        if self is Cadence.WEEKLY:
            # Translators: how often a pair checks in, inside a sentence ("then every week").
            return _("every week")
        # Translators: how often a pair checks in, inside a sentence ("then every two weeks").
        return _("every two weeks")


class RequestKind(StrEnum):
    """What a partner is asked to confirm; each kind keeps its details in its own table."""

    SCHEDULE = "schedule"  # a new weekly check-in time
    CADENCE = "cadence"  # check-ins every week, or every two weeks
    MILESTONE = "milestone"  # a milestone done, or moved to a new due date
    SETTLE = "settle"  # the pool settled to zero


@dataclass(frozen=True)
class PartnerRequest:
    """What every request shares: whose pair it is, who asked, and where it stands."""

    kind: RequestKind
    id: int
    partnership_id: int
    asker_id: int
    status: RequestStatus


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    VOID = "void"


class EndCause(StrEnum):
    """Why a partnership ended; the farewell in the thread is worded for each."""

    ENDED = "ended"  # a member used `/partner end`
    SWITCH = "switch"  # a member chose Switch at the two-week question
    REMATCH = "rematch"  # a member took the offer after a quiet or one-sided spell
    LEFT = "left"  # a member left the server
    ERASED = "erased"  # a member deleted their data with `/privacy delete`


class Role(StrEnum):
    """A member's part in their partnership: two peers, or a mentor and their mentee.

    In a mentorship only the mentee checks in and sets goals, milestones and pledges; the
    mentor sees the check-ins, confirms milestones and is never nudged or counted as quiet.
    """

    PEER = "peer"
    MENTOR = "mentor"
    MENTEE = "mentee"


class MilestoneStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    MISSED = "missed"
    VOID = "void"


@dataclass(frozen=True)
class ServerLanguage:
    """A moderator's choice of the server's language (`/setup language`): a shipped
    locale, or None for the server's own language as Discord reports it."""

    locale: str | None


class CheckinVia(StrEnum):
    """How a check-in was made: the three questions' form, a call, or a voice message."""

    FORM = "form"
    CALL = "call"  # both partners talked in their voice room long enough (`bot.calls`)
    VOICE_MESSAGE = "voice_message"  # a Discord voice message posted in the pair's thread


class RoomStatus(StrEnum):
    """A pair's voice room: waiting for its channel, open, or done with."""

    OPENING = "opening"  # asked for; the channel is being (or will again be) created
    OPEN = "open"
    CLOSED = "closed"  # deleted on time, or by a moderator by hand
    FAILED = "failed"  # Discord refused it for good (a missing permission, the channel limit)


class VoiceFault(StrEnum):
    """Why Discord would not open a voice room, kept for `/setup`'s status."""

    MISSING_PERMISSIONS = "missing_permissions"
    CHANNEL_LIMIT = "channel_limit"  # the server has 500 channels, Discord's most
    CATEGORY_GONE = "category_gone"  # the voice category was deleted
    RATE_LIMITED = "rate_limited"  # Discord slowed the creation of channels; rooms wait


# How many voice rooms may be open at once in a server until a moderator says otherwise.
DEFAULT_VOICE_ROOMS = 10


@dataclass(frozen=True)
class VoiceSettings:
    """A server's voice rooms (`/setup voice_category:`): off while there is no category."""

    category_id: int | None = None
    cap: int = DEFAULT_VOICE_ROOMS
    fault: VoiceFault | None = None

    @property
    def on(self) -> bool:
        return self.category_id is not None


@dataclass(frozen=True)
class GuildConfig:
    guild_id: int
    leaderboard_channel_id: int
    partner_channel_id: int
    currency: str
    max_stake: int


class Seats:
    """Who of a pair has which role: `members` and `roles` in the same order.

    Shared by `Partnership` and the reminders' `bot.reminders.PairState`, so each rule of
    a mentorship (`bot.mentors`) is written once.
    """

    members: tuple[int, int]
    roles: tuple[Role, Role]

    def role_of(self, user_id: int) -> Role:
        """The member's role here (a peer when they are not in the pair at all)."""
        for member, role in zip(self.members, self.roles, strict=True):
            if member == user_id:
                return role
        return Role.PEER

    @property
    def mentor(self) -> int | None:
        """The mentor of a mentorship; None for two peers."""
        return self._holding(Role.MENTOR)

    @property
    def mentee(self) -> int | None:
        """The mentee of a mentorship; None for two peers."""
        return self._holding(Role.MENTEE)

    def checks_in(self, user_id: int) -> bool:
        """Whether this member is asked the check-in questions: everyone but a mentor."""
        return self.role_of(user_id) is not Role.MENTOR

    def _holding(self, wanted: Role) -> int | None:
        return next((m for m, r in zip(self.members, self.roles, strict=True) if r is wanted), None)


@dataclass(frozen=True)
class Partnership(Seats):
    id: int
    guild_id: int
    course: str
    members: tuple[int, int]
    weekly: WeeklyTime
    created_at: datetime
    thread_id: int | None
    ended_at: datetime | None = None
    ended_by: int | None = None
    end_cause: EndCause | None = None
    end_reason: str | None = None
    # How often the pair checks in; every two weeks counts from the on-week starting on
    # `cadence_anchor` (a local date in the pair's zone, see `bot.cadence.Rhythm`).
    cadence: Cadence = Cadence.WEEKLY
    cadence_anchor: date | None = None
    # When the two-week question is due once a cadence change moved it; None: after two
    # check-ins of the cadence (`bot.cadence.trial_due`).
    trial_at: datetime | None = None
    # Each member's role, in the order of `members`: two peers unless a mentorship.
    roles: tuple[Role, Role] = (Role.PEER, Role.PEER)

    def partner_of(self, user_id: int) -> int:
        first, second = self.members
        return second if user_id == first else first

    def includes(self, user_id: int) -> bool:
        return user_id in self.members


@dataclass(frozen=True)
class Pause:
    """A member's planned break in one partnership (`bot.pauses`)."""

    id: int
    partnership_id: int
    member_id: int
    weeks: int
    span: Span  # as it runs: its end is the planned one, or earlier once ended early
    planned_end: datetime


@dataclass(frozen=True)
class Invitation:
    id: int
    guild_id: int
    inviter_id: int
    invitee_id: int
    course: str
    weekly: WeeklyTime
    status: InvitationStatus
    channel_id: int | None = None
    # `Role.MENTOR` when the inviter asks the invitee to be their mentor.
    invitee_role: Role = Role.PEER


@dataclass(frozen=True)
class Profile:
    """A member's own settings in one server; none of them is required."""

    zone: str | None = None
    leaderboard_hidden: bool = False
    # The 24-hour heads-up before each check-in; the check-in reminder always comes.
    heads_up: bool = True
    # Up to three ISO 639-1 codes of the languages the member studies in (`bot.languages`).
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stored(Generic[T]):
    """What a change stored, and the outbox rows queued with it to announce it."""

    value: T
    notices: tuple[int, ...] = ()
    # The same request arrived again (a retried command): nothing new was stored.
    repeated: bool = False


@dataclass(frozen=True)
class Requeued:
    """What ending a pair with priority did for the member who asked.

    `queued` is False when their pace is unknown (they joined through an invitation):
    they keep priority for their next `/partner find`.
    """

    ended: bool
    queued: bool


@dataclass(frozen=True)
class Badges:
    """What the leaderboard, the weekly recap and a cheer show beside members: each
    one's roles other than peer in their active pairs (a member absent is a peer
    everywhere), and those with an active pair checking in every two weeks (their streak
    counts check-ins, not weeks)."""

    roles: Mapping[int, frozenset[Role]]
    fortnightly: frozenset[int]


@dataclass(frozen=True)
class Joined:
    """A member's place in a course's queue, as `/partner find` stored it: the course's
    name as first written in the server, whether the member was already waiting (their
    place kept), and the languages they stated (their profile's)."""

    course: str
    updated: bool
    languages: frozenset[str]


@dataclass(frozen=True)
class Goal:
    id: int
    partnership_id: int
    user_id: int
    text: str
    done_when: str


@dataclass(frozen=True)
class Milestone:
    id: int
    goal_id: int
    partnership_id: int
    guild_id: int
    owner_id: int
    title: str
    due_date: str
    deadline: datetime
    stake: int
    status: MilestoneStatus


@dataclass(frozen=True)
class MilestoneRequest:
    id: int
    milestone_id: int
    kind: MilestoneAsk
    new_due_date: str | None
    new_deadline: datetime | None
    status: RequestStatus


@dataclass(frozen=True)
class SettleProposal:
    id: int
    partnership_id: int
    proposer_id: int
    note: str
    amount: int
    status: RequestStatus


@dataclass(frozen=True)
class LedgerEntry:
    member_id: int | None
    milestone_title: str | None
    kind: EntryKind
    amount: int
    note: str | None
    created_at: datetime


@dataclass(frozen=True)
class PoolSummary:
    partnership_id: int
    course: str
    members: tuple[int, int]
    balance: int
    active: bool


@dataclass(frozen=True)
class PoolPage:
    """One page of a server's pools and the server's totals, for the moderators' overview."""

    pools: list[PoolSummary]
    page: int
    pages: int
    pool_count: int
    total: int
    # Whether pools come before the first shown and after the last: what the overview's
    # buttons offer, told by the rows themselves when the counts lag behind them.
    earlier: bool
    later: bool


@dataclass(frozen=True)
class PoolSeek:
    """Where a page of the overview starts: the pools after (or before) one already shown.

    The overview's order is balance, largest first, then pool id; a page read from the
    last shown pool's place costs the same however deep it is, unlike an offset.
    """

    balance: int
    partnership_id: int
    after: bool
