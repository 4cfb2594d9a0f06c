"""Invitations: a member asks another to partner; the answer pairs them or not."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.errors import UserError
from bot.i18n import _
from bot.matching import course_key
from bot.models import Invitation, InvitationStatus, NoticeKind, Partnership, Role, Stored
from bot.schedule import WeeklyTime
from bot.store.courses import remember_course
from bot.store.database import Connection, Database, IntegrityError, to_timestamp
from bot.store.outbox import queue, redraw
from bot.store.partnerships import (
    THEY_HAVE_A_PARTNER,
    YOU_HAVE_A_PARTNER,
    PartnershipStore,
    create_partnership,
    refuse_if_partnered,
)
from bot.store.profiles import set_zone

_INVITATION = (
    "SELECT i.id, i.guild_id, i.inviter_id, i.invitee_id, c.name AS course, i.timezone, i.weekday,"
    " i.minute, i.status, i.channel_id, i.invitee_role FROM invitations i JOIN courses c"
    " ON c.guild_id = i.guild_id AND c.course_key = i.course_key"
)


def _invitation(row: Any) -> Invitation:
    return Invitation(
        id=row["id"],
        guild_id=row["guild_id"],
        inviter_id=row["inviter_id"],
        invitee_id=row["invitee_id"],
        course=row["course"],
        weekly=WeeklyTime(weekday=row["weekday"], minute=row["minute"], zone=row["timezone"]),
        status=InvitationStatus(row["status"]),
        channel_id=row["channel_id"],
        invitee_role=Role(row["invitee_role"]),
    )


class InvitationStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def invite(
        self,
        guild_id: int,
        inviter: int,
        invitee: int,
        course: str,
        weekly: WeeklyTime,
        channel_id: int,
        now: datetime,
        invitee_role: Role = Role.PEER,
    ) -> Stored[Invitation]:
        """Store the invitation and queue its message in `channel_id`; one per course at a time.

        `Role.MENTOR` asks the invitee to be the inviter's mentor: accepting makes a
        mentorship whose mentee is the inviter.
        """
        key = course_key(course)
        async with self._db.transaction() as conn:
            await refuse_if_partnered(conn, guild_id, key, inviter, YOU_HAVE_A_PARTNER)
            await refuse_if_partnered(conn, guild_id, key, invitee, THEY_HAVE_A_PARTNER)
            await remember_course(conn, guild_id, key, course)
            await set_zone(conn, guild_id, inviter, weekly.zone, overwrite=False)
            try:
                invitation_id = await conn.fetch_value(
                    "INSERT INTO invitations (guild_id, inviter_id, invitee_id, course_key,"
                    " timezone, weekday, minute, created_at, channel_id, invitee_role)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (
                        guild_id,
                        inviter,
                        invitee,
                        key,
                        weekly.zone,
                        weekly.weekday,
                        weekly.minute,
                        to_timestamp(now),
                        channel_id,
                        invitee_role,
                    ),
                )
            except IntegrityError:
                invited = f"<@{invitee}>"
                raise UserError(
                    _(
                        "You already invited {member} for **{course}**; that invitation is "
                        "still waiting for their answer.",
                        member=invited,
                        course=course,
                    )
                ) from None
            notice = await queue(
                conn,
                guild_id,
                NoticeKind.INVITATION,
                now,
                channel_id=channel_id,
                episode=invitation_id,
            )
        invitation = Invitation(
            invitation_id,
            guild_id,
            inviter,
            invitee,
            course,
            weekly,
            InvitationStatus.PENDING,
            channel_id,
            invitee_role,
        )
        return Stored(invitation, (notice,))

    async def invitation(self, invitation_id: int) -> Invitation | None:
        row = await self._db.fetch_one(f"{_INVITATION} WHERE i.id = ?", (invitation_id,))
        return None if row is None else _invitation(row)

    async def withdraw_invitation(self, invitation_id: int, now: datetime) -> None:
        """Withdraw a pending invitation (one that could never be shown)."""
        async with self._db.transaction() as conn:
            await _answer(conn, invitation_id, InvitationStatus.VOID, now)

    async def decline(self, invitation: Invitation, now: datetime) -> Stored[None]:
        async with self._db.transaction() as conn:
            if not await _answer(conn, invitation.id, InvitationStatus.DECLINED, now):
                raise UserError(_("This invitation has already been answered."))
            notices = await _redraw(conn, [invitation], now)
        return Stored(None, notices)

    async def accept(self, invitation: Invitation, now: datetime) -> Stored[Partnership]:
        """Claim the invitation and create the partnership; a second press finds it answered."""
        key = course_key(invitation.course)
        async with self._db.transaction() as conn:
            if not await _answer(conn, invitation.id, InvitationStatus.ACCEPTED, now):
                raise UserError(_("This invitation has already been answered."))
            await refuse_if_partnered(
                conn, invitation.guild_id, key, invitation.inviter_id, THEY_HAVE_A_PARTNER
            )
            await refuse_if_partnered(
                conn, invitation.guild_id, key, invitation.invitee_id, YOU_HAVE_A_PARTNER
            )
            await set_zone(
                conn,
                invitation.guild_id,
                invitation.invitee_id,
                invitation.weekly.zone,
                overwrite=False,
            )
            members = {invitation.inviter_id: None, invitation.invitee_id: None}
            partnership_id, notices = await create_partnership(
                conn, invitation.guild_id, key, members, invitation.weekly, now, _roles(invitation)
            )
            notices += await _redraw(conn, [invitation], now)
            notices += await withdraw_in_course(conn, invitation.guild_id, key, list(members), now)
        found = await PartnershipStore(self._db).partnership(partnership_id)
        assert found is not None
        return Stored(found, notices)


def _roles(invitation: Invitation) -> dict[int, Role] | None:
    """A mentor invitation makes the inviter the mentee; any other, two peers."""
    if invitation.invitee_role is not Role.MENTOR:
        return None
    return {invitation.inviter_id: Role.MENTEE, invitation.invitee_id: Role.MENTOR}


async def _answer(
    conn: Connection, invitation_id: int, status: InvitationStatus, now: datetime
) -> bool:
    answered = await conn.execute(
        "UPDATE invitations SET status = ?, answered_at = ? WHERE id = ? AND status = 'pending'",
        (status, to_timestamp(now), invitation_id),
    )
    return answered == 1


async def _redraw(
    conn: Connection, invitations: list[Invitation], now: datetime
) -> tuple[int, ...]:
    """Show an answered or withdrawn invitation as such, its buttons gone."""
    return await redraw(conn, NoticeKind.INVITATION, None, [i.id for i in invitations], now)


async def withdraw_in_course(
    conn: Connection, guild_id: int, key: str, members: list[int], now: datetime
) -> tuple[int, ...]:
    """The pending invitations of newly paired members in that course: they have a partner."""
    first, second = members
    return await _withdraw(
        conn,
        "i.guild_id = :guild AND i.course_key = :key AND (i.inviter_id IN (:first, :second)"
        " OR i.invitee_id IN (:first, :second))",
        {"guild": guild_id, "key": key, "first": first, "second": second},
        now,
    )


async def withdraw_all_of(
    conn: Connection, guild_id: int, user_id: int, now: datetime
) -> tuple[int, ...]:
    """Every pending invitation a member sent or received, withdrawn (they are gone)."""
    return await _withdraw(
        conn,
        "i.guild_id = :guild AND (i.inviter_id = :user OR i.invitee_id = :user)",
        {"guild": guild_id, "user": user_id},
        now,
    )


async def _withdraw(
    conn: Connection, where: str, params: dict[str, Any], now: datetime
) -> tuple[int, ...]:
    rows = await conn.fetch_all(f"{_INVITATION} WHERE i.status = 'pending' AND ({where})", params)
    withdrawn = [_invitation(row) for row in rows]
    for invitation in withdrawn:
        await _answer(conn, invitation.id, InvitationStatus.VOID, now)
    return await _redraw(conn, withdrawn, now)
