"""Tandem in the shipped languages, end to end (issue 21): a member whose Discord is in
Spanish sees the commands, replies, forms and buttons in Spanish; two Brazilian members
get their thread in Brazilian Portuguese; a French server gets its celebrations and
recap in French; a moderator may choose the server's language.

Expectations are read from the catalogs themselves (`in_language`), so a better
translation never breaks a test, while English where a translation belongs does.
SimCord's clock starts on Thursday 2026-01-01 00:00 UTC; the first recap is due on
Sunday 4 January at 18:00 UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import discord
import simcord

from bot.i18n import COMMAND_NAME, _, shipped, speaking, translated
from bot.schedule import weekday_name
from cogs.checkins.messages import FORM_TITLE, SCHEDULE_FIELDS, SCHEDULE_FORM_TITLE
from cogs.checkins.modal import checkin_form
from cogs.ledger.views import milestone_form, settle_form
from tests.helpers import (
    ANSWERS,
    Server,
    advance_to,
    button_labels,
    check_in,
    confirm,
    find,
    messages_with,
    pair,
    reply,
    request,
    set_up_server,
    speaks,
)

WELCOME = (
    "👋 Welcome, {one} and {other}! You're study partners for {course}.\n"
    "📅 First check-in: {when}.\n"
    "In two weeks I'll ask if you want to keep going. This thread is just for you two."
)
QUEUED = (
    "⏳ I added you to the queue for {course}. I'll open a private thread as soon as "
    "someone with a similar pace and check-in time joins."
)
CELEBRATION = "🎉 Milestone reached!"
RECAP = "📊 **Weekly recap**, the week to {date}: {done}. Keep it up, everyone!"
PLACEHOLDER = re.compile(r"\{\w*\}")


def in_language(locale: str, english: str) -> list[str]:
    """The words of `english`'s translation into `locale`, between its placeholders."""
    with speaking(locale):
        template = _(english)
    assert template != english, f"no {locale} translation of {english!r}"
    return [part.strip() for part in PLACEHOLDER.split(template) if re.search(r"\w", part)]


def assert_says(text: str, locale: str, english: str) -> None:
    """`text` is `english`'s message in `locale`: every word of its translation is there."""
    for words in in_language(locale, english):
        assert words in text, f"{words!r} missing from {text!r}"


def localized(command: dict[str, Any], locale: str, english: str, context: str | None) -> None:
    field = "name" if context else "description"
    shown = (command.get(f"{field}_localizations") or {}).get(locale)
    assert shown == translated(locale, english, context), (english, shown)
    assert shown and shown != english


async def test_a_spanish_member_sees_commands_replies_forms_and_buttons_in_spanish(
    ready: Server,
) -> None:
    registered = ready.env.backend.commands[None]
    partner = next(cmd for (name, _type), cmd in registered.items() if name == "partner")
    localized(partner, "es-ES", "partner", COMMAND_NAME)
    localized(partner, "es-ES", partner["description"], None)
    finder = next(option for option in partner["options"] if option["name"] == "find")
    localized(finder, "es-ES", "find", COMMAND_NAME)
    course = next(option for option in finder["options"] if option["name"] == "course")
    localized(course, "es-ES", "course", COMMAND_NAME)
    localized(course, "es-ES", course["description"], None)

    ana, bea = speaks(ready.member("ana"), "es-ES"), speaks(ready.member("bea"), "es-ES")
    queued = await find(ready, ana)
    assert_says(reply(queued), "es-ES", QUEUED)
    await find(ready, bea)
    [partnership] = await ready.bot.store.partnerships.active_partnerships(ready.guild.id, ana.id)
    thread = ready.thread(partnership.thread_id)
    welcome = thread.history()[0]
    assert_says(welcome.content, "es-ES", WELCOME)
    with speaking("es-ES"):
        how_it_works = _("How it works")
        check_in_label = _("Check in")
        title = _(FORM_TITLE)
    assert how_it_works in button_labels(welcome)

    await advance_to(ready, datetime(2026, 1, 5, 17, 1, tzinfo=UTC))  # Monday 18:00 Berlin
    [reminder] = [m for m in thread.history() if check_in_label in button_labels(m)]
    shown = await ana.click(reminder, label=check_in_label)
    assert shown.modal is not None and shown.modal["title"] == title
    await ana.submit_modal(shown, ANSWERS)
    # An English member of the same server still reads English.
    carl = ready.member("carl")
    assert "I added you to the queue" in reply(await find(ready, carl, course="Statistics"))


async def test_two_brazilian_members_get_their_thread_in_brazilian_portuguese(
    ready: Server,
) -> None:
    ana, bia = speaks(ready.member("ana"), "pt-BR"), speaks(ready.member("bia"), "pt-BR")
    partnership = await pair(ready, ana, bia)
    welcome = ready.thread(partnership.thread_id).history()[0]
    assert_says(welcome.content, "pt-BR", WELCOME)
    status = await ana.slash(ready.general, "partner status")
    with speaking("pt-BR"):
        language = _("🗣️ Your thread is in {language}", language="português (Brasil)")
    assert language.lower() in reply(status).lower()

    # A pair who read different languages gets the server's (English here).
    cleo, dirk = speaks(ready.member("cleo"), "fr"), speaks(ready.member("dirk"), "de")
    mixed = await pair(ready, cleo, dirk, course="Statistics")
    assert ready.thread(mixed.thread_id).history()[0].content.startswith("👋 Welcome, ")


async def test_a_french_server_celebrates_and_recaps_in_french(simcord_env: simcord.Env) -> None:
    server = await set_up_server(simcord_env, "fr")
    alice, bob = server.member("alice"), server.member("bob")
    partnership = await pair(server, alice, bob)
    # The partners read English in their thread; the server's public channel is French.
    assert server.thread(partnership.thread_id).history()[0].content.startswith("👋 Welcome")
    await check_in(server, alice)
    await confirm(server, alice, bob, partnership.thread_id, "Chapter 4")
    [celebration] = server.leaderboard.history()
    assert celebration.embeds[0].title == in_language("fr", CELEBRATION)[0]

    await advance_to(server, datetime(2026, 1, 4, 18, 1, tzinfo=UTC))
    [recap] = [m for m in server.leaderboard.history() if m.attachments]
    assert_says(recap.content, "fr", RECAP)


async def test_a_moderator_chooses_the_servers_language(ready: Server) -> None:
    chosen = await ready.moderator.slash(ready.general, "setup", language="de")
    assert chosen.response is not None
    alice, bob = ready.member("alice"), ready.member("bob")
    partnership = await pair(ready, alice, bob)
    await confirm(ready, alice, bob, partnership.thread_id, "Chapter 4")
    [celebration] = ready.leaderboard.history()
    assert celebration.embeds[0].title == in_language("de", CELEBRATION)[0]
    # Invitations are public too: they speak German now.
    await request(ready, ready.member("cleo"), ready.member("dirk"), course="Statistics")
    [invitation] = messages_with(ready.general, "Statistics")
    assert "would like you as" not in invitation.content


FORM_TITLE_LIMIT = 45
FIELD_LABEL_LIMIT = 45
PLACEHOLDER_LIMIT = 100


def test_every_form_fits_discords_limits_in_every_language() -> None:
    """Titles and labels at most 45 characters, placeholders 100, a day's name its field."""
    for locale in shipped():
        with speaking(locale):
            forms = [checkin_form(1, 2), milestone_form(3, "2026-01-08", "0-100"), settle_form(4)]
            schedule = [_(SCHEDULE_FORM_TITLE)]
            for label, example, _longest in SCHEDULE_FIELDS.values():
                assert len(_(label)) <= FIELD_LABEL_LIMIT, (locale, label)
                assert len(_(example)) <= PLACEHOLDER_LIMIT, (locale, example)
            longest_day = SCHEDULE_FIELDS["day"][2]
            assert all(len(weekday_name(day)) <= longest_day for day in range(7)), locale
        for form in forms:
            assert len(form.title) <= FORM_TITLE_LIMIT, (locale, form.title)
            for field in form.children:
                assert isinstance(field, discord.ui.TextInput)
                assert len(field.label) <= FIELD_LABEL_LIMIT, (locale, field.label)
                assert len(field.placeholder or "") <= PLACEHOLDER_LIMIT, (locale, field.label)
        assert all(len(title) <= FORM_TITLE_LIMIT for title in schedule), locale


async def test_no_two_options_of_a_command_share_a_name_in_any_language(ready: Server) -> None:
    """Discord refuses the whole sync when two siblings' localized names clash."""
    clashes = []

    def siblings(options: list[dict[str, Any]], where: str) -> None:
        for locale in shipped()[1:]:
            names = [
                (option.get("name_localizations") or {}).get(locale, option["name"])
                for option in options
            ]
            if len(names) != len(set(names)):
                clashes.append((where, locale, names))
        for option in options:
            siblings(option.get("options") or [], f"{where} {option['name']}")

    commands = list(ready.env.backend.commands[None].values())
    siblings(commands, "")
    assert len(commands) > 10
    assert clashes == []
