"""`/partner` and `/profile`: queueing, invitations, status and ending."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot
from bot.checkins import streak
from bot.errors import UserError
from bot.ledger import format_amount
from bot.matching import Seeker, check_pace, clean_course, course_key
from bot.models import Partnership
from bot.replies import NO_PINGS
from bot.schedule import WeeklyTime, describe_in_zone, parse_minute, parse_weekday, parse_zone
from cogs.common import (
    WEEKDAY_CHOICES,
    course_autocomplete,
    guild_id_of,
    in_course,
    resolve_partnership,
    tandem,
    zone_autocomplete,
)
from cogs.pairing.messages import ended_text, invitation_text
from cogs.pairing.threads import close_thread, open_thread, partner_channel
from cogs.pairing.views import invitation_view

MAX_REASON_LENGTH = 300


def weekly_from_options(checkin_day: int, checkin_time: str, timezone: str) -> WeeklyTime:
    return WeeklyTime(
        weekday=parse_weekday(checkin_day),
        minute=parse_minute(checkin_time),
        zone=parse_zone(timezone),
    )


async def queued_course_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    names = await tandem(interaction).store.pairing.queued_courses(
        interaction.guild_id, interaction.user.id
    )
    typed = current.casefold()
    return [app_commands.Choice(name=n, value=n) for n in names if typed in n.casefold()][:25]


async def partnered_course_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    mine = await tandem(interaction).store.pairing.active_partnerships(
        interaction.guild_id, interaction.user.id
    )
    typed = current.casefold()
    return [
        app_commands.Choice(name=p.course, value=p.course)
        for p in mine
        if typed in p.course.casefold()
    ][:25]


@app_commands.guild_only()
class PairingCog(
    commands.GroupCog,
    group_name="partner",
    group_description="Find and manage your accountability partner",
):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(
        name="find", description="Join the queue and get matched with a partner of similar pace"
    )
    @app_commands.describe(
        course="The course you are studying",
        pace="Hours per week you study (1-80)",
        timezone="Your time zone, e.g. Europe/Berlin",
        checkin_day="Day of your weekly check-in",
        checkin_time="Time of your weekly check-in, 24-hour HH:MM in your time zone",
    )
    @app_commands.choices(checkin_day=WEEKDAY_CHOICES)
    @app_commands.autocomplete(course=course_autocomplete, timezone=zone_autocomplete)
    async def find(
        self,
        interaction: discord.Interaction[TandemBot],
        course: str,
        pace: int,
        timezone: str,
        checkin_day: int,
        checkin_time: str,
    ) -> None:
        name = clean_course(course)
        now = discord.utils.utcnow()
        seeker = Seeker(
            user_id=interaction.user.id,
            pace=check_pace(pace),
            weekly=weekly_from_options(checkin_day, checkin_time, timezone),
            queued_at=now,
        )
        await partner_channel(self.bot, guild_id_of(interaction))  # before anything is stored
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.bot.store.pairing.queue_and_match(
            guild_id_of(interaction), name, course_key(name), seeker, now
        )
        if result.partnership is None:
            verb = "updated your place" if result.updated else "added you to the queue"
            await interaction.followup.send(
                f"I {verb} for **{name}**. As soon as a member with a similar pace and check-in time "
                "joins, I'll open a private thread for the two of you.",
                ephemeral=True,
                allowed_mentions=NO_PINGS,
            )
            return
        partnership = result.partnership
        thread = await open_thread(self.bot, partnership)
        await interaction.followup.send(
            f"You're paired with <@{partnership.partner_of(interaction.user.id)}> for **{name}**! "
            f"Say hello in {thread.mention}.",
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(name="request", description="Invite a member you know to be your partner")
    @app_commands.describe(
        member="Who you would like as your partner",
        course="The course you study together",
        checkin_day="Day of your weekly check-in",
        checkin_time="Time of your weekly check-in, 24-hour HH:MM",
        timezone="Time zone of that check-in time, e.g. Europe/Berlin",
    )
    @app_commands.choices(checkin_day=WEEKDAY_CHOICES)
    @app_commands.autocomplete(course=course_autocomplete, timezone=zone_autocomplete)
    async def request(
        self,
        interaction: discord.Interaction[TandemBot],
        member: discord.Member,
        course: str,
        checkin_day: int,
        checkin_time: str,
        timezone: str,
    ) -> None:
        if member.bot:
            raise UserError("Bots can't be accountability partners. Invite a fellow learner!")
        if member.id == interaction.user.id:
            raise UserError(
                "You can't be your own partner. Invite someone else, or use `/partner find`."
            )
        name = clean_course(course)
        weekly = weekly_from_options(checkin_day, checkin_time, timezone)
        invitation = await self.bot.store.pairing.invite(
            guild_id_of(interaction),
            interaction.user.id,
            member.id,
            name,
            course_key(name),
            weekly,
            discord.utils.utcnow(),
        )
        await interaction.response.send_message(
            invitation_text(invitation),
            view=invitation_view(invitation.id),
            allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=[member]),
        )

    @app_commands.command(name="status", description="Your partner, thread and check-in schedule")
    @app_commands.autocomplete(course=partnered_course_autocomplete)
    async def status(
        self, interaction: discord.Interaction[TandemBot], course: str | None = None
    ) -> None:
        guild_id = guild_id_of(interaction)
        store = self.bot.store.pairing
        mine = await store.active_partnerships(guild_id, interaction.user.id)
        mine = in_course(mine, course)
        zone = await store.zone_of(guild_id, interaction.user.id)
        lines = [await self._describe(p, interaction.user.id, zone) for p in mine]
        if mine:
            weeks = streak(
                await self.bot.store.checkins.weeks(guild_id, interaction.user.id),
                discord.utils.utcnow(),
            )
            lines.append(
                f"🔥 Your streak: **{weeks} week{'' if weeks == 1 else 's'}** of check-ins in a row"
            )
        queued = await store.queued_courses(guild_id, interaction.user.id)
        if queued:
            lines.append("⏳ Waiting for a partner in: " + ", ".join(f"**{c}**" for c in queued))
        if not lines:
            lines.append("You don't have a partner yet. Use `/partner find` or `/partner request`.")
        await interaction.response.send_message(
            "\n\n".join(lines), ephemeral=True, allowed_mentions=NO_PINGS
        )

    async def _describe(self, partnership: Partnership, user_id: int, zone: str | None) -> str:
        instant = partnership.weekly.next_after(discord.utils.utcnow())
        thread = f"<#{partnership.thread_id}>" if partnership.thread_id else "(no thread yet)"
        config = await self.bot.store.guilds.get(partnership.guild_id)
        balance = await self.bot.store.ledger.balance(partnership.id)
        currency = config.currency if config else "points"
        return (
            f"**{partnership.course}**: partner <@{partnership.partner_of(user_id)}>, thread {thread}\n"
            f"Weekly check-in: {partnership.weekly.label()}; next: "
            f"{describe_in_zone(instant, zone or partnership.weekly.zone)}\n"
            f"Shared pool: {format_amount(balance, currency)}"
        )

    @app_commands.command(name="end", description="End your partnership kindly; no blame")
    @app_commands.describe(
        reason="Optional: a short note for your partner",
        course="Which partnership, if you have several",
    )
    @app_commands.autocomplete(course=partnered_course_autocomplete)
    async def end(
        self,
        interaction: discord.Interaction[TandemBot],
        reason: str | None = None,
        course: str | None = None,
    ) -> None:
        note = (reason or "").strip() or None
        if note is not None and len(note) > MAX_REASON_LENGTH:
            raise UserError(f"Keep the reason under {MAX_REASON_LENGTH} characters.")
        partnership = await resolve_partnership(interaction, course)
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not await self.bot.store.pairing.end(
            partnership.id, interaction.user.id, note, discord.utils.utcnow()
        ):
            raise UserError("This partnership has already ended.")
        await close_thread(
            self.bot, partnership, ended_text(partnership, interaction.user.id, note)
        )
        await interaction.followup.send(
            f"Your partnership for **{partnership.course}** has ended. Thank you for showing up. "
            "Use `/partner find` whenever you want a new partner.",
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(name="leave_queue", description="Stop waiting for a partner")
    @app_commands.describe(course="Only this course (default: every course you are queued for)")
    @app_commands.autocomplete(course=queued_course_autocomplete)
    async def leave_queue(
        self, interaction: discord.Interaction[TandemBot], course: str | None = None
    ) -> None:
        key = None if course is None else course_key(course)
        left = await self.bot.store.pairing.leave_queue(
            guild_id_of(interaction), interaction.user.id, key
        )
        if not left:
            raise UserError(
                "You are not waiting for a partner" + (f" in **{course}**." if course else ".")
            )
        await interaction.response.send_message(
            "You left the queue for " + ", ".join(f"**{c}**" for c in left) + ".",
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )


class ProfileCog(commands.Cog):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="profile", description="Set your time zone; every time is shown in it"
    )
    @app_commands.describe(timezone="Your IANA time zone, e.g. Asia/Kolkata")
    @app_commands.autocomplete(timezone=zone_autocomplete)
    @app_commands.guild_only()
    async def profile(self, interaction: discord.Interaction[TandemBot], timezone: str) -> None:
        zone = parse_zone(timezone)
        await self.bot.store.pairing.set_zone(guild_id_of(interaction), interaction.user.id, zone)
        now = discord.utils.utcnow()
        await interaction.response.send_message(
            f"Your time zone is now **{zone}**. It is {describe_in_zone(now, zone)} for you right now.",
            ephemeral=True,
        )
