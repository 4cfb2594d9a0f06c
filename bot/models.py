"""Plain records that the store returns and the cogs render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.schedule import WeeklyTime


@dataclass(frozen=True)
class GuildConfig:
    guild_id: int
    leaderboard_channel_id: int
    partner_channel_id: int
    currency: str
    max_stake: int


@dataclass(frozen=True)
class Partnership:
    id: int
    guild_id: int
    course: str
    members: tuple[int, int]
    weekly: WeeklyTime
    created_at: datetime
    thread_id: int | None
    ended_at: datetime | None = None

    def partner_of(self, user_id: int) -> int:
        first, second = self.members
        return second if user_id == first else first

    def includes(self, user_id: int) -> bool:
        return user_id in self.members


@dataclass(frozen=True)
class Invitation:
    id: int
    guild_id: int
    inviter_id: int
    invitee_id: int
    course: str
    weekly: WeeklyTime
    status: str


@dataclass(frozen=True)
class QueueResult:
    """What queueing did: matched at once, or waiting (a new or an updated entry).

    `queued` is False only when a member could not be queued because their pace is
    unknown (they joined through an invitation) and must use `/partner find`.
    """

    partnership: Partnership | None
    updated: bool
    queued: bool = True


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
    status: str


@dataclass(frozen=True)
class MilestoneRequest:
    id: int
    milestone_id: int
    kind: str
    new_due_date: str | None
    new_deadline: datetime | None
    status: str


@dataclass(frozen=True)
class LedgerEntry:
    member_id: int | None
    milestone_title: str | None
    kind: str
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
