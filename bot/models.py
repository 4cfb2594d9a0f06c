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
    """What `/partner find` did: matched at once, or queued (new or updated)."""

    partnership: Partnership | None
    updated: bool
