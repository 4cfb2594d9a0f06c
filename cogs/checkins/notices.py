"""How the check-in feature's outbox rows are drawn: reminders, answers, proposals, trial, pauses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import discord

from bot.app import TandemBot
from bot.cadence import anchored, pair_trial, retimed, rhythm_of
from bot.i18n import _
from bot.models import (
    FORMER_MEMBER,
    NoticeKind,
    Partnership,
    RequestKind,
    RequestStatus,
    ReviewAnswer,
    RoomStatus,
    TrialAnswer,
)
from bot.reminders import reminder_open, review_due
from bot.store.database import from_timestamp
from bot.store.outbox import OutboxRow
from cogs.checkins import messages
from cogs.checkins.calls import AddNotesButton, StartCallButton, room_link
from cogs.checkins.views import (
    CheckinButton,
    ComeBackButton,
    RematchButton,
    ReviewButton,
    TrialButton,
)
from cogs.common import progress_button
from cogs.common.guide import how_it_works
from cogs.common.outbox import Outbox, Rendered, outcome, pair_of
from cogs.common.requests import answer_buttons
from cogs.common.threads import awake_members, guild_member


async def render_heads_up(
    bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    """Only to members who keep the heads-up on and are not on a break then; else nothing.

    When the partner is on a break, it says so: that is why only one member is named.
    """
    pair = pair_of(partnership)
    quiet = await bot.store.profiles.without_heads_up(pair.guild_id, pair.members)
    checkin_at = from_timestamp(row.episode)
    addressed, alone = await _not_on_break(bot, pair, checkin_at)
    wanted = [m for m in addressed if m not in quiet]
    if not wanted:
        return None
    return Rendered(messages.heads_up(checkin_at, wanted, alone), pings=tuple(wanted))


async def render_checkin(
    bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    """To both partners, except one on a planned break; when both are, there is nothing.

    **Check in** shows only on the pair's newest reminder while its week is open: when the
    week closes, or the next reminder comes, it is redrawn without the button
    (`ReminderStore.apply`). Once the pair has ended, **My progress** goes too.
    """
    pair = pair_of(partnership)
    checkin_at = from_timestamp(row.episode)
    addressed, alone = await _not_on_break(bot, pair, checkin_at)
    if not addressed:
        return None
    buttons: tuple[discord.ui.Item[Any], ...] = ()
    if pair.ended_at is None:
        latest = await bot.store.reminders.latest_checkin(pair.id)
        open_now = (latest is None or row.episode >= latest) and reminder_open(
            checkin_at, pair.cadence, discord.utils.utcnow()
        )
        buttons = (CheckinButton(pair.id),) if open_now else ()
        if open_now and (await bot.store.guilds.voice(pair.guild_id)).on:
            buttons += (StartCallButton(pair.id),)
        buttons += (progress_button(pair.id),)
    return Rendered(
        messages.checkin_due(addressed, alone),
        buttons=(*buttons, how_it_works("checkins")),
        pings=tuple(addressed),
    )


async def _not_on_break(
    bot: TandemBot, pair: Partnership, checkin_at: datetime
) -> tuple[list[int], bool]:
    """The partners a reminder for `checkin_at` is for: present, not on a break then, and
    not a mentor (in a mentorship only the mentee checks in); and whether a partner was
    left out for a break."""
    paused = await bot.store.pauses.paused_members(pair.id, checkin_at)
    expected = [m for m in pair.members if m > FORMER_MEMBER and pair.checks_in(m)]
    addressed = [m for m in expected if m not in paused]
    return addressed, len(addressed) < len(expected)


async def render_pause(
    bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    """A break announced to the partner, or its early end; nothing once the member erased it.

    The announcement offers **Come back early** (to the member on the break) while the
    break runs; ending it early redraws the announcement without it.
    """
    pair = pair_of(partnership)
    pause = await bot.store.pauses.pause(row.episode)
    if pause is None:
        return None
    partner = pair.partner_of(pause.member_id)
    if row.kind is NoticeKind.PAUSE_ENDED:
        pings = await awake_members(bot, pair, (partner,))
        return Rendered(messages.pause_ended(pair, pause), pings=pings)
    running = pause.span.end > discord.utils.utcnow() and pair.ended_at is None
    back: tuple[discord.ui.Item[Any], ...] = (
        (ComeBackButton(pair.id, pause.member_id, pause.id),) if running else ()
    )
    return Rendered(
        messages.pause_started(pair, pause),
        buttons=(*back, how_it_works("breaks")),
        pings=await awake_members(bot, pair, (partner,)),
    )


async def render_nudge(
    _bot: TandemBot, row: OutboxRow, _partnership: Partnership | None
) -> Rendered | None:
    return Rendered(messages.nudge(row.member_id), pings=(row.member_id,))


async def render_rematch_offer(
    _bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    pair = pair_of(partnership)
    return Rendered(
        messages.rematch_offer(pair, row.member_id),
        buttons=(RematchButton(pair.id, row.member_id), how_it_works("checkins")),
        pings=(row.member_id,),
    )


async def render_one_sided(
    _bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    pair = pair_of(partnership)
    return Rendered(
        messages.one_sided(pair, row.member_id),
        buttons=(RematchButton(pair.id, row.member_id), how_it_works("checkins")),
        pings=pair.members,
    )


async def render_question(
    bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    """The day-14 question or a review, redrawn as answers come in.

    Its buttons go once both answered, the pair ended, or a newer review replaced it.
    """
    pair = pair_of(partnership)
    if pair.ended_at is not None and row.message_id is None:
        return None  # the pair ended before the question was ever asked
    answers = await bot.store.checkins.question_answers(row.kind, pair.id, row.episode)
    decided = pair.ended_at is not None or len(answers) == len(pair.members)
    if row.kind is NoticeKind.TRIAL:
        buttons: tuple[discord.ui.Item[Any], ...] = tuple(
            TrialButton(pair.id, answer) for answer in TrialAnswer
        )
        text = messages.trial_question(pair, answers, pair_trial(pair))
    else:
        decided = decided or row.episode != review_due(pair_trial(pair), discord.utils.utcnow())
        buttons = tuple(ReviewButton(pair.id, answer, row.episode) for answer in ReviewAnswer)
        text = messages.review_question(pair, answers)
    shown = () if decided else (*buttons, how_it_works("partners"))
    return Rendered(text, buttons=shown, pings=await awake_members(bot, pair, pair.members))


async def render_answers(
    bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    """A member's answers for one week, as they stand now: a resubmission edits this message."""
    pair = pair_of(partnership)
    week = from_timestamp(row.episode)
    answers = await bot.store.checkins.answers(pair.id, row.member_id, week)
    if answers is None:
        return None
    author = await guild_member(bot, pair.guild_id, row.member_id)
    return Rendered(embed=messages.checkin_embed(row.member_id, answers, week, author))


async def render_schedule_proposal(
    bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    pair = pair_of(partnership)
    proposal = await bot.store.checkins.proposal(row.episode)
    if proposal is None:
        return None
    now = discord.utils.utcnow()
    if proposal.status is RequestStatus.ACCEPTED:
        first = await bot.store.checkins.next_checkin(pair, now)
        return outcome(row, Rendered(messages.schedule_confirmed(pair, first)))
    if proposal.status is not RequestStatus.PENDING:
        return outcome(row, Rendered(_(messages.PROPOSAL_WITHDRAWN)))
    # Every two weeks, the first at the new time replaces the next one (`bot.cadence.retimed`).
    planned = await bot.store.checkins.next_checkin(pair, now)
    first = retimed(rhythm_of(pair), proposal.weekly, now, planned).first
    text = messages.schedule_proposal(pair, proposal.proposer_id, first)
    return Rendered(
        text,
        buttons=(*answer_buttons(RequestKind.SCHEDULE, proposal.id), how_it_works("checkins")),
        pings=(pair.partner_of(proposal.proposer_id),),
    )


async def render_cadence_proposal(
    bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    """A proposed cadence, with Confirm and Not yet; once answered or withdrawn, its outcome."""
    pair = pair_of(partnership)
    proposal = await bot.store.checkins.cadence_proposal(row.episode)
    if proposal is None:
        return None
    now = discord.utils.utcnow()
    if proposal.status is RequestStatus.ACCEPTED:
        first = await bot.store.checkins.next_checkin(pair, now)
        return outcome(row, Rendered(messages.cadence_confirmed(pair.cadence, first)))
    if proposal.status is RequestStatus.DECLINED:
        text = messages.cadence_declined(pair, proposal.proposer_id, proposal.cadence)
        return outcome(row, Rendered(text))
    if proposal.status is not RequestStatus.PENDING:
        return outcome(row, Rendered(_(messages.PROPOSAL_WITHDRAWN)))
    first = anchored(pair.weekly, proposal.cadence, now).next_after(now)
    text = messages.cadence_proposal(pair, proposal.proposer_id, proposal.cadence, first)
    return Rendered(
        text,
        buttons=(
            *answer_buttons(RequestKind.CADENCE, proposal.id, decline=True),
            how_it_works("checkins"),
        ),
        pings=(pair.partner_of(proposal.proposer_id),),
    )


async def render_room(
    bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    """The room's link, pinging the partner of whoever opened it (and them, when Discord
    made them wait); once closed, that it is; if Discord never opened it, that."""
    pair = pair_of(partnership)
    room = await bot.store.voice.room(row.episode)
    if room is None:
        return None
    if room.status is RoomStatus.FAILED:
        return Rendered(_(messages.ROOM_GAVE_UP))
    if room.status is not RoomStatus.OPEN or room.channel_id is None:
        return outcome(row, Rendered(_(messages.ROOM_CLOSED)))
    presser = room.opened_by if room.opened_by and pair.includes(room.opened_by) else None
    partner = None if presser is None else pair.partner_of(presser)
    # A room Discord was slow to open was promised to its presser here: they hear too.
    told = (partner, presser) if room.attempts else (partner,)
    return Rendered(
        messages.room_opened(f"<#{room.channel_id}>", presser, partner),
        buttons=(room_link(pair.guild_id, room.channel_id), how_it_works("calls")),
        pings=tuple(m for m in told if m is not None and m > FORMER_MEMBER),
    )


async def render_call(
    bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    """One line once a call counted (its total redrawn if they talk again), and **Add notes**."""
    pair = pair_of(partnership)
    call = await bot.store.voice.call(row.episode, discord.utils.utcnow())
    if call is None or not call.counted:
        return None
    notes = (AddNotesButton(pair.id),) if pair.ended_at is None else ()
    return Rendered(messages.call_counted(call.minutes), buttons=notes)


async def render_voice_message(
    _bot: TandemBot, row: OutboxRow, partnership: Partnership | None
) -> Rendered | None:
    pair = pair_of(partnership)
    notes = (AddNotesButton(pair.id),) if pair.ended_at is None else ()
    return Rendered(messages.voice_message_counted(row.member_id), buttons=notes)


def register(outbox: Outbox) -> None:
    outbox.register(NoticeKind.HEADS_UP, render_heads_up, paired_only=True)
    outbox.register(NoticeKind.CHECKIN, render_checkin, paired_only=True)
    outbox.register(NoticeKind.NUDGE, render_nudge, paired_only=True)
    outbox.register(NoticeKind.REMATCH_OFFER, render_rematch_offer, paired_only=True)
    outbox.register(NoticeKind.ONE_SIDED, render_one_sided, paired_only=True)
    outbox.register(NoticeKind.TRIAL, render_question)
    outbox.register(NoticeKind.REVIEW, render_question)
    outbox.register(NoticeKind.ANSWERS, render_answers, paired_only=True)
    outbox.register(NoticeKind.SCHEDULE_PROPOSAL, render_schedule_proposal, paired_only=True)
    outbox.register(NoticeKind.CADENCE_PROPOSAL, render_cadence_proposal, paired_only=True)
    outbox.register(NoticeKind.PAUSE_STARTED, render_pause, paired_only=True)
    outbox.register(NoticeKind.PAUSE_ENDED, render_pause, paired_only=True)
    outbox.register(NoticeKind.ROOM_OPENED, render_room)
    outbox.register(NoticeKind.CALL_COUNTED, render_call)
    outbox.register(NoticeKind.VOICE_MESSAGE, render_voice_message, paired_only=True)
