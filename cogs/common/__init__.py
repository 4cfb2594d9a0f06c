"""Pieces every feature shares: the typed bot, options, autocompletes and safe buttons.

Features import from here, from `bot` and from `bot.store`, never from each other.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from functools import partial
from typing import Any, ClassVar, Self, TypeVar, cast

import discord
from discord import app_commands

from bot.app import TandemBot, checked_settings
from bot.errors import UserError
from bot.i18n import _, ngettext
from bot.matching import course_key
from bot.metrics import Outcome
from bot.models import GuildConfig, Partnership
from bot.options import AUTOCOMPLETE_LIMIT, picked_id
from bot.replies import NEEDS_SETUP, NOT_IN_DMS, report_error

T = TypeVar("T")

MAX_LISTED = 15


def capped(lines: list[str], limit: int = MAX_LISTED) -> list[str]:
    """Keep a listing well inside Discord's 2,000-character message limit."""
    if len(lines) <= limit:
        return lines
    # Translators: the last line of a long listing, standing for the lines left out.
    return [*lines[:limit], ngettext("…and {count} more", "…and {count} more", len(lines) - limit)]


def tandem(interaction: discord.Interaction[Any]) -> TandemBot:
    return cast(TandemBot, interaction.client)


def guild_id_of(interaction: discord.Interaction[Any]) -> int:
    if interaction.guild_id is None:
        raise UserError(_(NOT_IN_DMS))
    return interaction.guild_id


async def guild_config(interaction: discord.Interaction[Any]) -> GuildConfig:
    """The server's settings: those the command tree's check just read, or read now (a
    button, a form)."""
    config = checked_settings(interaction) or await tandem(interaction).store.guilds.get(
        guild_id_of(interaction)
    )
    if config is None:
        raise UserError(_(NEEDS_SETUP))
    return config


Autocomplete = Callable[
    [discord.Interaction[Any], str], Coroutine[Any, Any, list[app_commands.Choice[str]]]
]


def own_choices(
    fetch: Callable[[TandemBot, int, int], Awaitable[Iterable[T]]],
    choice: Callable[[T], app_commands.Choice[str]],
) -> Autocomplete:
    """An autocomplete over the caller's own things in this server (`fetch(bot, guild, member)`).

    Choices whose name contains what was typed, at most as many as Discord shows.
    """

    async def complete(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        items = await fetch(tandem(interaction), interaction.guild_id, interaction.user.id)
        typed = current.casefold()
        offered = (choice(item) for item in items)
        return [c for c in offered if typed in c.name.casefold()][:AUTOCOMPLETE_LIMIT]

    return complete


def _named(name: str) -> app_commands.Choice[str]:
    return app_commands.Choice(name=name, value=name)


async def course_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    names = await tandem(interaction).store.courses.course_names(interaction.guild_id, current)
    return [app_commands.Choice(name=name, value=name) for name in names]


queued_course_autocomplete = own_choices(
    lambda bot, guild, member: bot.store.queue.queued_courses(guild, member), _named
)
partnered_course_autocomplete = own_choices(
    lambda bot, guild, member: bot.store.partnerships.active_partnerships(guild, member),
    lambda pair: _named(pair.course),
)


def in_course(partnerships: list[Partnership], course: str | None) -> list[Partnership]:
    """All of them when no course is named, else those of that course (case-insensitive)."""
    if course is None:
        return partnerships
    return [p for p in partnerships if course_key(p.course) == course_key(course)]


async def resolve_partnership(
    interaction: discord.Interaction[Any], course: str | None
) -> Partnership:
    """The caller's partnership: the one of this thread, the named course's, or their only one."""
    bot = tandem(interaction)
    user_id = interaction.user.id
    here = await bot.store.partnerships.partnership_in_thread(interaction.channel_id or 0)
    if here is not None and here.ended_at is None and here.includes(user_id) and course is None:
        return here
    mine = await bot.store.partnerships.active_partnerships(guild_id_of(interaction), user_id)
    return _only_one(in_course(mine, course), course)


def _pool_choice(pair: Partnership) -> app_commands.Choice[str]:
    """An ended pair's pool is named by its pair (`#id`): its course may have a new pair."""
    if pair.ended_at is None:
        return _named(pair.course)
    return app_commands.Choice(
        # Translators: an ended pair's pool in a list: its course, then the day it ended.
        name=_("{course} (ended {day})", course=pair.course, day=f"{pair.ended_at:%Y-%m-%d}")[:100],
        value=f"#{pair.id}",
    )


pool_autocomplete = own_choices(
    lambda bot, guild, member: bot.store.partnerships.partnerships_with_pools(guild, member),
    _pool_choice,
)


async def resolve_pool(interaction: discord.Interaction[Any], course: str | None) -> Partnership:
    """Like `resolve_partnership`, but an ended pair whose pool holds entries counts too.

    Ending a partnership does not end its pool: it can still be viewed and settled, in
    its thread, by its course, or by `#id` (how the autocomplete names an ended pair's
    pool once its members have partners in that course again).
    """
    bot = tandem(interaction)
    user_id = interaction.user.id
    if course is not None and course.startswith("#"):
        chosen = await bot.store.partnerships.partnership(picked_id(course[1:], "pools"))
        if chosen is None or not chosen.includes(user_id):
            raise UserError(_("That is not one of your pools. Pick one from the list."))
        return chosen
    here = await bot.store.partnerships.partnership_in_thread(interaction.channel_id or 0)
    if here is not None and here.includes(user_id) and course is None:
        return here
    pools = await bot.store.partnerships.partnerships_with_pools(guild_id_of(interaction), user_id)
    named = in_course(pools, course)
    active = [p for p in named if p.ended_at is None]
    if active or course is not None:
        # An active pair wins; among ended ones of the named course the newest pool is meant.
        return _only_one(active or named[:1], course)
    return _only_one(named, course)


def _only_one(candidates: list[Partnership], course: str | None) -> Partnership:
    if not candidates:
        raise UserError(
            _(
                "You don't have an active partner in **{course}**. Use `/partner find` or"
                " `/partner request` to get one.",
                course=course,
            )
            if course
            else _(
                "You don't have an active partner. Use `/partner find` or `/partner request`"
                " to get one."
            )
        )
    if len(candidates) > 1:
        raise UserError(
            _(
                "You have partners in several courses: name the course, or use this in that"
                " partnership's thread."
            )
        )
    return candidates[0]


async def pair_member(
    interaction: discord.Interaction[Any], partnership_id: int, *, ended_ok: bool = False
) -> Partnership:
    """Only the two partners may act on their partnership (and, unless `ended_ok`, while it lasts)."""
    partnership = await tandem(interaction).store.partnerships.partnership(partnership_id)
    if partnership is None or not partnership.includes(interaction.user.id):
        raise UserError(_("Only the two partners can use this button."))
    if partnership.ended_at is not None and not ended_ok:
        raise UserError(_("This partnership has ended."))
    return partnership


FormSubmit = Callable[..., Awaitable[None]]
# A feature's forms: the custom id's pattern (its groups are whole numbers passed to
# `submit`), what submits it, and how the form is named in logs.
Forms = tuple[tuple[re.Pattern[str], FormSubmit, str], ...]


async def route_form(interaction: discord.Interaction[Any], forms: Forms) -> None:
    """Answer a submitted form of `forms`, whichever process showed it, before or after a
    restart: forms are sent stopped, so discord.py keeps none of them and each submission
    is matched here by its custom id. Other interactions are left to their own handlers."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return
    custom_id = str(cast(dict[str, Any], interaction.data or {}).get("custom_id", ""))
    for pattern, submit, what in forms:
        if (match := pattern.match(custom_id)) is None:
            continue
        numbers = (int(number) for number in match.groups())
        await handle_safely(
            interaction, partial(submit, interaction, *numbers), name=what, where=what
        )
        return


async def handle_safely(
    interaction: discord.Interaction[Any],
    handle: Callable[[], Awaitable[object]],
    *,
    name: str,
    where: str,
    remember: bool = True,
) -> None:
    """A button or form: answered in the member's language, its failures told through
    `report_error` (naming `where`), and counted and timed as `name` in the metrics."""
    bot = tandem(interaction)
    outcome = Outcome.OK
    try:
        await bot.speak_to(interaction, remember=remember)
        await handle()
    except Exception as error:
        outcome = await report_error(interaction, error, where)
    bot.answered(interaction, name, outcome)


def form_values(interaction: discord.Interaction[Any]) -> dict[str, str]:
    """The text of each input of a submitted form, by custom id, however it is nested.

    Forms are sent stopped (nothing kept in memory), so their submissions are read here.
    """
    values: dict[str, str] = {}

    def walk(components: list[dict[str, Any]]) -> None:
        for component in components:
            if "custom_id" in component and "value" in component:
                values[str(component["custom_id"])] = str(component["value"])
            walk(list(component.get("components", [])))
            if "component" in component:
                walk([component["component"]])

    data = cast(dict[str, Any], interaction.data or {})
    walk(list(data.get("components", [])))
    return values


def button(
    label: str, custom_id: str, style: discord.ButtonStyle
) -> discord.ui.Button[discord.ui.View]:
    return discord.ui.Button(label=label, custom_id=custom_id, style=style)


def progress_button(partnership_id: int) -> discord.ui.Button[discord.ui.View]:
    """**My progress** under a message; the progress feature answers its custom id
    (`tandem:progress:<id>`), so features can offer it without importing that feature."""
    return button(
        _("My progress"), f"tandem:progress:{partnership_id}", discord.ButtonStyle.secondary
    )


def view_of(*items: discord.ui.Item[Any]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


class SafeButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=r"tandem:never"
):
    """A persistent button whose failures reach the member as a clear, private message.

    Subclasses declare their own `template`, whose named groups are the arguments of
    their `__init__`, and implement `handle`.
    """

    # Whether pressing it keeps the member's Discord language (the erase button does not).
    remembers_language: ClassVar[bool] = True

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await handle_safely(
            interaction,
            lambda: self.handle(interaction),
            # The custom id's first word names the kind of button, never a pair or member.
            name=f"button {self.custom_id.split(':')[1]}",
            where=f"button {self.custom_id}",
            remember=self.remembers_language,
        )

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        """Rebuild the button from its custom id: each named group is an `__init__` argument."""
        fields: dict[str, Any] = {
            name: int(value) if value.isdigit() else value
            for name, value in match.groupdict().items()
        }
        return cls(**fields)


async def setup(bot: TandemBot) -> None:
    """Loaded first: the outbox every feature queues to, and the buttons they share."""
    from cogs.common.guide import GuideButton  # noqa: PLC0415
    from cogs.common.outbox import Outbox  # noqa: PLC0415 (these modules build on this one)
    from cogs.common.requests import AnswerButton  # noqa: PLC0415

    bot.outbox = Outbox(bot)
    bot.add_dynamic_items(AnswerButton, GuideButton)
