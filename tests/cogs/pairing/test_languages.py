"""Pairing in the reader's language: `/profile`, `/partner find`, `status`, `request` and its
buttons, `end` and `leave_queue` speak the member's language, the welcome and the farewell
the pair's, the invitation the server's. Here every one of them is the test-only
pseudo-locale, so any word that did not pass the translation layer stands outside its
⟦ ⟧ marks.

SimCord's clock starts on Thursday 2026-01-01 00:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

import simcord

from bot.errors import UserError
from bot.i18n import PSEUDO, _, speaking
from bot.languages import locale_name
from bot.schedule import describe_in_zone
from cogs.pairing import messages
from tests.helpers import (
    Server,
    answer,
    assert_translated,
    find,
    fresh,
    invitation_message,
    reply,
    request,
    set_up_server,
    speaks,
    unmarked,
)

COURSE = "Intro to Python"
REASON = "Moving to evening shifts"


async def hall(env: simcord.Env) -> Server:
    """A server whose preferred language is the pseudo-locale, set up by a moderator."""
    return await set_up_server(env, PSEUDO)


def thread_language() -> str:
    """The pseudo-locale's name as `/partner status` gives the pair's language: Babel's
    (data, not wording)."""
    with speaking(PSEUDO):
        return locale_name(PSEUDO)


def pseudo_member(server: Server, name: str) -> simcord.MemberActor:
    return speaks(server.member(name), PSEUDO)


async def test_profile_speaks_the_member_s_language(simcord_env: simcord.Env) -> None:
    server = await hall(simcord_env)
    alice = pseudo_member(server, "alice")

    shown = await alice.slash(server.general, "profile")
    assert "⟦You haven't set a time zone" in reply(shown)
    assert unmarked(reply(shown)) == "", reply(shown)

    changed = await alice.slash(
        server.general,
        "profile",
        timezone="Europe/Berlin",
        leaderboard="hide",
        reminders="checkin_only",
    )
    # The day and time now are Babel's, in the member's locale (English for the pseudo-locale).
    with speaking(PSEUDO):
        now = describe_in_zone(server.env.now(), "Europe/Berlin")
        zone = _(
            "Your time zone is **{zone}**. It is {now} for you right now.",
            zone="Europe/Berlin",
            now=now,
        )
    assert zone in reply(changed)
    assert unmarked(reply(changed), now) == "", reply(changed)
    assert not server.errors()


async def test_find_pair_status_end_and_leave_speak_their_reader_s_language(
    simcord_env: simcord.Env,
) -> None:
    server = await hall(simcord_env)
    alice, bob, carol = (pseudo_member(server, name) for name in ("alice", "bob", "carol"))

    queued = await find(server, alice)
    assert "⟦⏳" in reply(queued)
    assert unmarked(reply(queued), COURSE) == "", reply(queued)
    updated = await find(server, alice, pace=12)
    assert "⟦⏳ I updated" in reply(updated)
    assert unmarked(reply(updated), COURSE) == "", reply(updated)
    waiting = await alice.slash(server.general, "partner status")
    assert "⟦⏳ Waiting" in waiting.response.content
    assert_translated(waiting.response, COURSE)

    paired = await find(server, bob)
    assert f"{alice.mention}" in reply(paired)
    assert unmarked(reply(paired), COURSE) == "", reply(paired)
    [partnership] = await server.bot.store.partnerships.active_partnerships(
        server.guild.id, alice.id
    )
    thread = server.thread(partnership.thread_id)
    welcome = thread.history()[0]
    first = datetime(2026, 1, 5, 17, tzinfo=UTC)  # Monday 18:00 in Berlin
    with speaking(PSEUDO):
        # The first check-in is a translated part inside the translated welcome.
        when = messages.recurring(first, partnership.cadence)
        assert welcome.content == messages.welcome(partnership, first)
    assert when in welcome.content
    assert_translated(welcome, COURSE)

    status = await alice.slash(server.general, "partner status")
    assert "⟦📅" in status.response.content and "⟦🔥" in status.response.content
    assert when in status.response.content
    assert_translated(status.response, COURSE, thread_language())
    alone = await carol.slash(server.general, "partner status")
    assert_translated(alone.response)

    too_long = await alice.slash(server.general, "partner end", reason="x" * 301)
    assert_translated(answer(too_long))
    ended = await alice.slash(server.general, "partner end", reason=REASON)
    assert "⟦" in reply(ended)
    assert unmarked(reply(ended), COURSE) == "", reply(ended)
    farewell = thread.history()[-1]
    assert farewell.content.startswith("⟦🤝") and REASON in farewell.content
    assert_translated(farewell, REASON)

    await find(server, carol)
    left = await carol.slash(server.general, "partner leave_queue")
    assert unmarked(left.response.content, COURSE) == "", left.response.content
    nothing = await carol.slash(server.general, "partner leave_queue")
    assert nothing.ephemeral and "⟦" in nothing.response.content
    assert_translated(nothing.response)
    assert {type(error) for error in server.errors()} == {UserError}


async def test_an_invitation_speaks_the_server_s_language_and_its_answer_the_member_s(
    simcord_env: simcord.Env,
) -> None:
    server = await hall(simcord_env)
    alice, bob, mallory = (pseudo_member(server, name) for name in ("alice", "bob", "mallory"))

    invited = await request(server, alice, bob)
    assert unmarked(reply(invited), COURSE) == "", reply(invited)
    message = invitation_message(server, bob)
    assert_translated(message, COURSE)
    refused = await mallory.click(message, label="⟦Accept⟧")
    assert refused.ephemeral
    assert unmarked(reply(refused)) == "", reply(refused)

    accepted = await bob.click(message, label="⟦Accept⟧")
    assert unmarked(reply(accepted), COURSE) == "", reply(accepted)
    answered = fresh(server.general, message)
    assert "⟦✅" in answered.content and not answered.components
    assert_translated(answered, COURSE)
    [thread] = server.partners.threads
    assert_translated(thread.history()[0], COURSE)
    assert not server.errors()  # a button's refusal is its reply, not a command error


async def test_a_mentorship_and_a_declined_invitation_speak_their_reader_s_language(
    simcord_env: simcord.Env,
) -> None:
    server = await hall(simcord_env)
    alice, bob, carol = (pseudo_member(server, name) for name in ("alice", "bob", "carol"))

    invited = await request(server, alice, bob, **{"as": "mentor"})
    assert unmarked(reply(invited), COURSE) == "", reply(invited)
    message = invitation_message(server, bob)
    assert "⟦" in message.content
    assert_translated(message, COURSE)
    await bob.click(message, label="⟦Accept⟧")
    assert_translated(fresh(server.general, message), COURSE)
    [thread] = server.partners.threads
    assert_translated(thread.history()[0], COURSE)
    for member in (alice, bob):
        status = await member.slash(server.general, "partner status")
        assert_translated(status.response, COURSE, thread_language())

    await request(server, carol, alice, course="Statistics")
    declined = invitation_message(server, alice)
    await alice.click(declined, label="⟦Decline⟧")
    shown = fresh(server.general, declined)
    assert "⟦" in shown.content and not shown.components
    assert_translated(shown, "Statistics")
    assert not server.errors()
