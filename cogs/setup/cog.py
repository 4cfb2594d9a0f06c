"""`/setup`: a moderator points Tandem at its channels, sets the pledge rules, sees its health."""

from __future__ import annotations

import discord
from babel import Locale, UnknownLocaleError
from discord import app_commands
from discord.ext import commands

from bot import i18n
from bot.app import TandemBot
from bot.errors import UserError
from bot.i18n import _
from bot.languages import locale_name
from bot.models import DEFAULT_CURRENCY, GuildConfig, ServerLanguage, VoiceFault, VoiceSettings
from bot.options import AUTOCOMPLETE_LIMIT
from bot.recaps import RecapChange
from bot.replies import NO_PINGS
from bot.schedule import next_occurrence
from bot.store.guilds import VoiceChange
from bot.store.outbox import Undeliverable
from cogs.common import capped, guild_id_of
from cogs.common.languages import server_language
from cogs.common.options import Clock, Weekday, Zone
from cogs.common.pictures import drawn_in_thread, picture_file
from cogs.common.threads import (
    LEADERBOARD_CHANNEL_NEEDS,
    PARTNER_CHANNEL_NEEDS,
    VOICE_CATEGORY_NEEDS,
    channel_by_id,
    missing_permissions,
)
from cogs.setup import messages
from cogs.setup.health import FILENAME, draw_health

DEFAULT_MAX_PLEDGE = 100
MAX_CURRENCY_LENGTH = 16
MAX_PLEDGE_LIMIT = 1_000_000
# The `/setup language` value that goes back to the language Discord reports for the server.
DISCORD_DEFAULT = "discord"


def permission_problems(
    leaderboard: discord.abc.GuildChannel, partners: discord.abc.GuildChannel
) -> list[str]:
    return [
        messages.permission_problem(channel.mention, missing)
        for channel, needs in (
            (partners, PARTNER_CHANNEL_NEEDS),
            (leaderboard, LEADERBOARD_CHANNEL_NEEDS),
        )
        if (missing := missing_permissions(channel, needs))
    ]


def voice_change(
    category: discord.CategoryChannel | None, cap: int | None, turn_off: bool | None
) -> VoiceChange | None:
    """What the voice options ask for (None: nothing); a category Tandem cannot open rooms
    in is refused before anything is stored, naming what it lacks."""
    if category is not None and turn_off:
        raise UserError(_(messages.VOICE_ON_OR_OFF))
    if category is not None and (missing := missing_permissions(category, VOICE_CATEGORY_NEEDS)):
        raise UserError(
            messages.missing_permissions([messages.permission_problem(category.mention, missing)])
        )
    if category is None and cap is None and not turn_off:
        return None
    return VoiceChange(
        category_id=category.id if category else None, cap=cap, turn_off=bool(turn_off)
    )


def clean_currency(currency: str) -> str:
    cleaned = currency.strip()
    if not 1 <= len(cleaned) <= MAX_CURRENCY_LENGTH or "@" in cleaned or "<" in cleaned:
        raise UserError(messages.bad_currency(MAX_CURRENCY_LENGTH))
    return cleaned


def check_max_pledge(max_pledge: int) -> int:
    if not 0 <= max_pledge <= MAX_PLEDGE_LIMIT:
        raise UserError(messages.bad_max_pledge(MAX_PLEDGE_LIMIT))
    return max_pledge


def name_in_itself(locale: str) -> str:
    """`Español (España)`: a shipped locale named in its own language, as its speakers
    look for it."""
    try:
        name = Locale.parse(locale.replace("-", "_")).get_display_name() or locale
    except (ValueError, UnknownLocaleError):
        return locale
    return name[:1].upper() + name[1:]


def chosen_language(typed: str) -> str | None:
    """The shipped locale a moderator picked (its code or its name, in any case), or None
    for Discord's own server language; a `UserError` for any other value."""
    if typed.strip().casefold() == DISCORD_DEFAULT:
        return None
    wanted = typed.strip().replace("_", "-").casefold()
    for locale in i18n.shipped():
        if wanted in (locale.casefold(), name_in_itself(locale).casefold()):
            return locale
    raise UserError(messages.unknown_language(typed))


async def language_autocomplete(
    interaction: discord.Interaction[TandemBot], current: str
) -> list[app_commands.Choice[str]]:
    """Every shipped language by its own name, and the way back to Discord's."""
    typed = current.strip().casefold()
    offered = [
        *(
            app_commands.Choice(name=name_in_itself(locale), value=locale)
            for locale in i18n.shipped()
        ),
        app_commands.Choice(name=_(messages.DISCORDS_LANGUAGE), value=DISCORD_DEFAULT),
    ]
    return [
        choice
        for choice in offered
        if any(
            typed in name.casefold()
            for name in (choice.name, choice.value, locale_name(choice.value))
        )
    ][:AUTOCOMPLETE_LIMIT]


def undeliverable_lines(failed: list[Undeliverable]) -> list[str]:
    """Messages Tandem gave up on after a week of retries, by pair, for moderators;
    nothing when every message was delivered (all is well needs no line)."""
    if not failed:
        return []
    return [
        messages.undeliverable_heading(len(failed)),
        *capped([messages.undeliverable_item(item) for item in failed]),
    ]


class SetupCog(commands.Cog):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="setup",
        description="Configure Tandem for this server, or see its status (Manage Server)",
    )
    @app_commands.describe(
        leaderboard_channel="Where confirmed milestones are celebrated",
        partner_channel="Under which private partner threads are opened",
        currency="Label of pledged amounts (default: points)",
        max_pledge="Largest pledge per milestone, in whole units (default: 100)",
        recap_day="Day of the weekly recap picture in the leaderboard channel (default: Sunday)",
        recap_time="Time of the weekly recap, HH:MM on a 24-hour clock (default: 18:00)",
        recap_timezone="Time zone of the recap time, e.g. Europe/Berlin (default: UTC)",
        language="Language of public messages (default: the server's language in Discord)",
        voice_category="Category under which private voice rooms for partners are opened",
        voice_rooms="How many voice rooms may be open at once (default: 10)",
        voice_off="Turn voice rooms off",
        health="A picture of how partnerships are doing (use it alone)",
    )
    @app_commands.autocomplete(language=language_autocomplete)
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def setup_command(
        self,
        interaction: discord.Interaction[TandemBot],
        leaderboard_channel: discord.TextChannel | None = None,
        partner_channel: discord.TextChannel | None = None,
        currency: str | None = None,
        max_pledge: int | None = None,
        recap_day: Weekday | None = None,
        recap_time: Clock | None = None,
        recap_timezone: Zone | None = None,
        language: str | None = None,
        voice_category: discord.CategoryChannel | None = None,
        voice_rooms: app_commands.Range[int, 1, 50] | None = None,
        voice_off: bool | None = None,
        health: bool | None = None,
    ) -> None:
        """With options it updates what is named; alone it shows how Tandem is doing;
        `health` (alone) draws how its partnerships are doing."""
        named = (
            leaderboard_channel,
            partner_channel,
            currency,
            max_pledge,
            recap_day,
            recap_time,
            recap_timezone,
            language,
            voice_category,
            voice_rooms,
            voice_off,
        )
        if health and any(option is not None for option in named):
            raise UserError(_(messages.ONLY_HEALTH))
        guild_id = guild_id_of(interaction)
        current = await self.bot.store.guilds.get(guild_id)
        if current is None and (leaderboard_channel is None or partner_channel is None):
            raise UserError(_(messages.BOTH_CHANNELS_FIRST))
        if health:
            await self._show_health(interaction, _kept(current))
            return
        chosen = chosen_language(language) if language is not None else None
        config = GuildConfig(
            guild_id=guild_id,
            leaderboard_channel_id=leaderboard_channel.id
            if leaderboard_channel
            else _kept(current).leaderboard_channel_id,
            partner_channel_id=partner_channel.id
            if partner_channel
            else _kept(current).partner_channel_id,
            currency=clean_currency(currency)
            if currency is not None
            else (current.currency if current else DEFAULT_CURRENCY),
            max_stake=check_max_pledge(max_pledge)
            if max_pledge is not None
            else (current.max_stake if current else DEFAULT_MAX_PLEDGE),
        )
        recap = RecapChange(recap_day, recap_time, recap_timezone)
        voice = voice_change(voice_category, voice_rooms, voice_off)
        changing = (
            bool(recap)
            or voice is not None
            or any(
                v is not None
                for v in (leaderboard_channel, partner_channel, currency, max_pledge, language)
            )
        )
        if changing:
            problems = await self._problems(config)
            if problems:
                raise UserError(messages.missing_permissions(problems))
            await self.bot.store.guilds.save(
                config,
                discord.utils.utcnow(),
                recap,
                None if language is None else ServerLanguage(chosen),
                voice,
            )
        heading = _(
            (messages.UPDATED if current else messages.SET_UP) if changing else messages.STATUS
        )
        await interaction.response.send_message(
            await self._status(heading, config),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    async def _show_health(
        self, interaction: discord.Interaction[TandemBot], config: GuildConfig
    ) -> None:
        """The health picture (`bot.health`) and a few lines naming the worst problem."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = discord.utils.utcnow()
        health = await self.bot.store.health.health(config.guild_id, now)
        missing = await self._missing(config)
        picture = await drawn_in_thread(lambda: draw_health(health, len(missing), now))
        await interaction.followup.send(
            messages.health_summary(health, missing),
            file=picture_file(picture, FILENAME),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    async def _missing(self, config: GuildConfig) -> list[str]:
        """What Tandem lacks now in its channels and its voice rooms' category, a line each."""
        lines = [messages.missing(problem) for problem in await self._problems(config)]
        voice = await self.bot.store.guilds.voice(config.guild_id)
        if voice.category_id is not None:
            lines += await self._voice_now(voice)
        return lines

    async def _problems(self, config: GuildConfig) -> list[str]:
        leaderboard = await channel_by_id(self.bot, config.leaderboard_channel_id)
        partners = await channel_by_id(self.bot, config.partner_channel_id)
        if not isinstance(leaderboard, discord.TextChannel) or not isinstance(
            partners, discord.TextChannel
        ):
            return [_(messages.CHANNEL_GONE)]
        return permission_problems(leaderboard, partners)

    async def _status(self, heading: str, config: GuildConfig) -> str:
        problems = await self._problems(config)
        failed = await self.bot.store.outbox.undeliverable(config.guild_id)
        recap = await self.bot.store.recaps.recap_time(config.guild_id)
        chosen = await self.bot.store.languages.server_language(config.guild_id)
        language = await server_language(self.bot, config.guild_id)
        lines = [
            heading,
            *messages.settings(
                config.leaderboard_channel_id,
                config.partner_channel_id,
                config.max_stake,
                config.currency,
                recap,
                next_occurrence(recap, discord.utils.utcnow()),
                locale_name(language),
                chosen=chosen is not None,
            ),
            *await self._voice_lines(config.guild_id),
            *(messages.missing(problem) for problem in problems),
            *undeliverable_lines(failed),
        ]
        return "\n".join(lines)

    async def _voice_lines(self, guild_id: int) -> list[str]:
        """Voice rooms in one line, then what keeps rooms from opening, if anything."""
        voice = await self.bot.store.guilds.voice(guild_id)
        if voice.category_id is None:
            return [_(messages.VOICE_OFF)]
        opened = await self.bot.store.voice.in_use(guild_id)
        return [
            messages.voice_on(voice.category_id, voice.cap, opened),
            *await self._voice_problems(voice),
        ]

    async def _voice_problems(self, voice: VoiceSettings) -> list[str]:
        """The category's state now, then the last fault Discord gave, each said once."""
        live = await self._voice_now(voice)
        # A permission missing now is named above; Discord's refusal of it says no more.
        said = voice.fault is VoiceFault.MISSING_PERMISSIONS and bool(live)
        stored = [_(messages.VOICE_FAULTS[voice.fault])] if voice.fault and not said else []
        return list(dict.fromkeys([*live, *stored]))

    async def _voice_now(self, voice: VoiceSettings) -> list[str]:
        """Whether the voice rooms' category is there and lets Tandem open rooms, now."""
        assert voice.category_id is not None, "only asked while voice rooms are on"
        category = await channel_by_id(self.bot, voice.category_id)
        if not isinstance(category, discord.CategoryChannel):
            return [_(messages.VOICE_FAULTS[VoiceFault.CATEGORY_GONE])]
        if missing := missing_permissions(category, VOICE_CATEGORY_NEEDS):
            return [messages.missing(messages.permission_problem(category.mention, missing))]
        return []


def _kept(current: GuildConfig | None) -> GuildConfig:
    assert current is not None, "the first /setup names both channels"
    return current
