"""`/partner` and `/profile`: queueing, invitations, status, ending, and members who leave."""

from __future__ import annotations

from datetime import datetime

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot, checked_settings
from bot.errors import UserError
from bot.i18n import _, ngettext
from bot.languages import locale_name, parse_languages, suggestions
from bot.ledger import format_amount
from bot.log import get
from bot.matching import Seeker, check_pace, clean_course, course_key
from bot.models import Cadence, EndCause, Partnership, Profile, Role
from bot.options import AUTOCOMPLETE_LIMIT
from bot.replies import NO_PINGS
from bot.schedule import WeeklyTime, describe_in_zone
from cogs.common import (
    course_autocomplete,
    guild_id_of,
    in_course,
    partnered_course_autocomplete,
    queued_course_autocomplete,
    resolve_partnership,
)
from cogs.common.guide import how_it_works
from cogs.common.languages import pair_language
from cogs.common.matchmaker import find_partner, paired_text
from cogs.common.options import Clock, Weekday, Zone
from cogs.common.text import mention
from cogs.common.threads import partner_channel
from cogs.pairing import messages

log = get("pairing")
MAX_REASON_LENGTH = 300
LEADERBOARD_CHOICES = [
    app_commands.Choice(name="show me on the leaderboard", value="show"),
    app_commands.Choice(name="hide me from the leaderboard", value="hide"),
]
ROLE_CHOICES = [
    app_commands.Choice(name="peer: partners who both check in", value=Role.PEER.value),
    app_commands.Choice(name="mentor: they mentor you; only you check in", value=Role.MENTOR.value),
]
REMINDER_CHOICES = [
    app_commands.Choice(name="a heads-up 24 hours before, and the check-in reminder", value="all"),
    app_commands.Choice(name="only the check-in reminder", value="checkin_only"),
]


def _refuse_unpostable(interaction: discord.Interaction[TandemBot]) -> None:
    """An invitation the bot cannot post would wait for nothing and block asking again."""
    granted = interaction.app_permissions
    can_post = (
        granted.send_messages_in_threads
        if isinstance(interaction.channel, discord.Thread)
        else granted.send_messages
    )
    if not (granted.view_channel and can_post):
        raise UserError(
            _(
                "I can't post in this channel, so your invitation could not be seen here. "
                "Please use `/partner request` in a channel where I can send messages."
            )
        )


def in_private_thread(channel: object) -> bool:
    return (
        isinstance(channel, discord.Thread) and channel.type is discord.ChannelType.private_thread
    )


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
    @app_commands.autocomplete(course=course_autocomplete)
    async def find(
        self,
        interaction: discord.Interaction[TandemBot],
        course: str,
        pace: int,
        timezone: Zone,
        checkin_day: Weekday,
        checkin_time: Clock,
    ) -> None:
        name = clean_course(course)
        key = course_key(name)
        guild_id = guild_id_of(interaction)
        user_id = interaction.user.id
        seeker = Seeker(
            user_id=user_id,
            pace=check_pace(pace),
            weekly=WeeklyTime(weekday=checkin_day, minute=checkin_time, zone=timezone),
            queued_at=discord.utils.utcnow(),
        )
        # Before anything is stored.
        await partner_channel(self.bot, guild_id, checked_settings(interaction))
        await interaction.response.defer(ephemeral=True, thinking=True)
        joined = await self.bot.store.queue.queue(guild_id, name, key, seeker, seeker.queued_at)
        found = await find_partner(self.bot, guild_id, key, user_id)
        delivery = await self.bot.outbox.flush(found.notices)
        if found.value is None:
            former = await self.bot.store.queue.former_partners_waiting(guild_id, key, user_id)
            text = messages.queued(joined.course, joined.updated, former)
            if joined.languages and await self.bot.store.queue.nobody_shares_language(
                guild_id, key, user_id, joined.languages
            ):
                text += "\n" + messages.no_shared_language()
        else:
            text = await paired_text(self.bot, found.value, user_id, delivery)
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)

    @app_commands.command(name="request", description="Invite a member you know to be your partner")
    @app_commands.describe(
        member="Who you would like as your partner",
        course="The course you study together",
        checkin_day="Day of your weekly check-in",
        checkin_time="Time of your weekly check-in, 24-hour HH:MM",
        timezone="Time zone of that check-in time, e.g. Europe/Berlin",
        role="peer (default): you both check in; mentor: they mentor you, only you check in",
    )
    @app_commands.rename(role="as")
    @app_commands.choices(role=ROLE_CHOICES)
    @app_commands.autocomplete(course=course_autocomplete)
    async def request(
        self,
        interaction: discord.Interaction[TandemBot],
        member: discord.Member,
        course: str,
        checkin_day: Weekday,
        checkin_time: Clock,
        timezone: Zone,
        role: str = Role.PEER.value,
    ) -> None:
        if member.bot:
            raise UserError(_("Bots can't be accountability partners. Invite a fellow learner!"))
        if member.id == interaction.user.id:
            raise UserError(
                _("You can't be your own partner. Invite someone else, or use `/partner find`.")
            )
        if role not in (Role.PEER, Role.MENTOR):
            # Translators: `peer` and `mentor` are the choices of the `/partner request` option `as`.
            raise UserError(_("Choose `peer` or `mentor` for `as`."))
        invitee_role = Role(role)
        await self._refuse_private_thread(interaction)
        _refuse_unpostable(interaction)
        name = clean_course(course)
        weekly = WeeklyTime(weekday=checkin_day, minute=checkin_time, zone=timezone)
        channel_id = interaction.channel_id
        assert channel_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        invited = await self.bot.store.invitations.invite(
            guild_id_of(interaction),
            interaction.user.id,
            member.id,
            name,
            weekly,
            channel_id,
            discord.utils.utcnow(),
            invitee_role,
        )
        delivery = await self.bot.outbox.flush(invited.notices)
        where = {"member": mention(member.id), "course": name, "channel": f"<#{channel_id}>"}
        if not delivery.done(invited.notices):
            text = _(
                "Your invitation to {member} is saved, but {problem}. "
                "It will appear in {channel} as soon as it can.",
                problem=delivery.problem,
                **where,
            )
        elif invitee_role is Role.MENTOR:
            text = _(
                "I invited {member} to be your mentor for **{course}** in {channel}; "
                "only they can accept.",
                **where,
            )
        else:
            text = _(
                "I invited {member} to be your partner for **{course}** in {channel}; "
                "only they can accept.",
                **where,
            )
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)

    async def _refuse_private_thread(self, interaction: discord.Interaction[TandemBot]) -> None:
        """An invitation mentions the invitee, and a mention adds them to a private thread."""
        here = interaction.channel_id or 0
        if in_private_thread(interaction.channel) or (
            await self.bot.store.partnerships.partnership_in_thread(here) is not None
        ):
            raise UserError(
                _(
                    "Invitations mention the member you invite, and a mention in a private thread "
                    "would add them to it. Please use `/partner request` in a public channel."
                )
            )

    @app_commands.command(name="status", description="Your partner, thread and check-in schedule")
    @app_commands.describe(course="Only this partnership (default: all of yours)")
    @app_commands.autocomplete(course=partnered_course_autocomplete)
    async def status(
        self, interaction: discord.Interaction[TandemBot], course: str | None = None
    ) -> None:
        guild_id = guild_id_of(interaction)
        user_id = interaction.user.id
        store = self.bot.store
        mine = in_course(await store.partnerships.active_partnerships(guild_id, user_id), course)
        now = discord.utils.utcnow()
        lines = [await self._describe(p, user_id, now) for p in mine]
        mine_checked = [p for p in mine if p.checks_in(user_id)]
        if mine_checked:  # a mentor checks in nowhere: no streak of 0 for them
            weeks = await store.checkins.streak(guild_id, user_id, now)
            weekly = all(p.cadence is Cadence.WEEKLY for p in mine_checked)
            lines.append(messages.streak_line(weeks, weekly))
        for name in await store.queue.queued_courses(guild_id, user_id):
            former = await store.queue.former_partners_waiting(guild_id, course_key(name), user_id)
            lines.append(messages.waiting(name, former))
        guide = "mentors" if any(p.mentor is not None for p in mine) else "partners"
        view = discord.ui.View(timeout=None).add_item(how_it_works(guide))
        await interaction.response.send_message(
            "\n\n".join(lines or [_(messages.NO_PARTNER)]),
            view=view,
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    async def _describe(self, partnership: Partnership, user_id: int, now: datetime) -> str:
        """One pair as its member reads it: the real next check-in, the pool, any break."""
        extras = []
        language = await pair_language(self.bot, partnership)
        extras.append(messages.language_line(locale_name(language)))
        balance = await self.bot.store.ledger.balance(partnership.id)
        if balance:  # an empty pool says nothing
            currency = await self.bot.store.guilds.currency(partnership.guild_id)
            extras.append(messages.pool_line(format_amount(balance, currency)))
        for member in partnership.members:
            pause = await self.bot.store.pauses.current(partnership.id, member, now)
            if pause is not None:
                extras.append(messages.break_line(member == user_id, member, pause.span.end))
        # As the reminders will post it: a new time's first may pass over an on-day.
        next_checkin = await self.bot.store.checkins.next_checkin(partnership, now)
        return messages.status_pair(partnership, user_id, next_checkin, extras)

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
            raise UserError(
                ngettext(
                    "Keep the reason under {count} character.",
                    "Keep the reason under {count} characters.",
                    MAX_REASON_LENGTH,
                )
            )
        partnership = await resolve_partnership(interaction, course)
        await interaction.response.defer(ephemeral=True, thinking=True)
        ended = await self.bot.store.partnerships.end(
            partnership.id, interaction.user.id, EndCause.ENDED, note, discord.utils.utcnow()
        )
        if not ended.value:
            raise UserError(_("This partnership has already ended."))
        log.info("partnership %s ended by member %s", partnership.id, interaction.user.id)
        delivery = await self.bot.outbox.flush(ended.notices)
        text = _(
            "Your partnership for **{course}** has ended. Thank you for showing up. "
            "Use `/partner find` whenever you want a new partner.",
            course=partnership.course,
        )
        if not delivery.done(ended.notices):
            text += " " + _("I'll post the goodbye in your thread as soon as Discord lets me.")
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)

    @app_commands.command(name="leave_queue", description="Stop waiting for a partner")
    @app_commands.describe(course="Only this course (default: every course you are queued for)")
    @app_commands.autocomplete(course=queued_course_autocomplete)
    async def leave_queue(
        self, interaction: discord.Interaction[TandemBot], course: str | None = None
    ) -> None:
        key = None if course is None else course_key(course)
        left = await self.bot.store.queue.leave_queue(
            guild_id_of(interaction), interaction.user.id, key
        )
        if not left:
            raise UserError(
                _("You are not waiting for a partner in **{course}**.", course=course)
                if course
                else _("You are not waiting for a partner.")
            )
        await interaction.response.send_message(
            _("You left the queue for {courses}.", courses=", ".join(f"**{c}**" for c in left)),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        """Only with the members intent: a departure is handled at once, kindly."""
        try:
            left = await self.bot.store.departures.member_left(
                payload.guild_id, payload.user.id, discord.utils.utcnow()
            )
            log.info("member %s left guild %s", payload.user.id, payload.guild_id)
            await self.bot.outbox.flush(left.notices)
        except Exception:
            log.exception(
                "could not handle member %s leaving guild %s", payload.user.id, payload.guild_id
            )


async def languages_autocomplete(
    interaction: discord.Interaction[TandemBot], typed: str
) -> list[app_commands.Choice[str]]:
    """The languages named so far plus those matching the last word, by name."""
    return [
        app_commands.Choice(name=label, value=value)
        for label, value in suggestions(typed, AUTOCOMPLETE_LIMIT)
    ]


class ProfileCog(commands.Cog):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="profile",
        description="Your time zone, whether you appear on the leaderboard, your reminders",
    )
    @app_commands.describe(
        timezone="Your IANA time zone, e.g. Asia/Kolkata; every time is shown in it",
        leaderboard="Show or hide your name on the leaderboard and in celebrations",
        reminders="Whether you also get a heads-up the day before each check-in",
        languages="Up to three languages you study in, e.g. es, pt; partners share one (none: any)",
    )
    @app_commands.choices(leaderboard=LEADERBOARD_CHOICES, reminders=REMINDER_CHOICES)
    @app_commands.autocomplete(languages=languages_autocomplete)
    @app_commands.guild_only()
    async def profile(
        self,
        interaction: discord.Interaction[TandemBot],
        timezone: Zone | None = None,
        leaderboard: str | None = None,
        reminders: str | None = None,
        languages: str | None = None,
    ) -> None:
        guild_id = guild_id_of(interaction)
        user_id = interaction.user.id
        if leaderboard not in (None, "show", "hide"):
            # Translators: `show` and `hide` are the choices of the `/profile` option `leaderboard`.
            raise UserError(_("Choose `show` or `hide` for the leaderboard."))
        if reminders not in (None, "all", "checkin_only"):
            # Translators: `all` and `checkin_only` are the choices of the `/profile` option
            # `reminders`.
            raise UserError(_("Choose `all` or `checkin_only` for your reminders."))
        codes = None if languages is None else parse_languages(languages)
        store = self.bot.store.profiles
        profile = (
            await store.profile(guild_id, user_id)
            if timezone is None and leaderboard is None and reminders is None and codes is None
            else await store.update_profile(
                guild_id,
                user_id,
                zone=timezone,
                hidden=None if leaderboard is None else leaderboard == "hide",
                heads_up=None if reminders is None else reminders == "all",
                languages=codes,
            )
        )
        await interaction.response.send_message(
            describe_profile(profile), ephemeral=True, allowed_mentions=NO_PINGS
        )


def describe_profile(profile: Profile) -> str:
    now = discord.utils.utcnow()
    zone = (
        _(
            "Your time zone is **{zone}**. It is {now} for you right now.",
            zone=profile.zone,
            now=describe_in_zone(now, profile.zone),
        )
        if profile.zone
        else _(
            "You haven't set a time zone: use `/profile timezone:` (times are shown in your "
            "pair's zone until then)."
        )
    )
    board = (
        _(
            "You are **hidden** from the leaderboard; celebrations of your milestones "
            "don't name you."
        )
        if profile.leaderboard_hidden
        else _("You **appear** on the leaderboard and in celebrations.")
    )
    reminders = (
        _("You get a **heads-up** 24 hours before each check-in, and the check-in reminder.")
        if profile.heads_up
        else _("You get **only the check-in reminder**, no heads-up the day before.")
    )
    return f"{zone}\n{board}\n{reminders}\n{messages.languages_line(profile.languages)}"
