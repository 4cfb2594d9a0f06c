"""Persistent buttons in partner threads: Check in, the trial's and reviews' answers, rematch,
and Come back early from a planned break."""

from __future__ import annotations

from typing import Any

import discord

from bot.cadence import pair_trial
from bot.errors import UserError
from bot.i18n import _
from bot.mentors import refuse_checkin
from bot.models import EndCause, NoticeKind, Partnership, ReviewAnswer, Stored, TrialAnswer
from bot.reminders import review_due
from bot.replies import NO_PINGS, send_ephemeral
from bot.store.database import to_timestamp
from cogs.checkins import messages
from cogs.checkins.modal import checkin_form
from cogs.checkins.schedule import schedule_form
from cogs.common import SafeButton, button, pair_member, tandem
from cogs.common.matchmaker import end_and_requeue
from cogs.common.outbox import PartnerIs, reply_stored
from cogs.common.text import mention


class CheckinButton(SafeButton, template=r"tandem:checkin:(?P<partnership_id>\d+)"):
    def __init__(self, partnership_id: int) -> None:
        super().__init__(
            button(_("Check in"), f"tandem:checkin:{partnership_id}", discord.ButtonStyle.primary)
        )
        self.partnership_id = partnership_id

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        partnership = await pair_member(interaction, self.partnership_id)
        refuse_checkin(partnership, interaction.user.id)  # before the form; the store decides
        await interaction.response.send_modal(checkin_form(partnership.id, interaction.user.id))


class TrialButton(
    SafeButton, template=r"tandem:trial:(?P<answer>keep|switch):(?P<partnership_id>\d+)"
):
    def __init__(self, partnership_id: int, answer: str) -> None:
        keeping = TrialAnswer(answer) is TrialAnswer.KEEP
        super().__init__(
            button(
                _(messages.ANSWER_LABELS[answer]),
                f"tandem:trial:{answer}:{partnership_id}",
                discord.ButtonStyle.success if keeping else discord.ButtonStyle.secondary,
            )
        )
        self.partnership_id = partnership_id
        self.answer = TrialAnswer(answer)

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        """Each answer counts once; the question is redrawn to show it, never re-posted."""
        bot = tandem(interaction)
        partnership = await pair_member(interaction, self.partnership_id)
        answered = await bot.store.checkins.answer_question(
            NoticeKind.TRIAL,
            partnership,
            interaction.user.id,
            to_timestamp(partnership.created_at),
            self.answer,
            discord.utils.utcnow(),
        )
        # A Switch whose ending was interrupted (the pair still lasts) is finished now.
        if self.answer is TrialAnswer.SWITCH:
            await switch(interaction, partnership, answered.notices)
            return
        await keep(interaction, partnership, answered)


REVIEW_STYLES = {
    ReviewAnswer.KEEP: discord.ButtonStyle.success,
    ReviewAnswer.CHANGE_TIME: discord.ButtonStyle.primary,
    ReviewAnswer.SWITCH: discord.ButtonStyle.secondary,
}


class ReviewButton(
    SafeButton,
    template=r"tandem:review:(?P<answer>keep|change_time|switch):(?P<partnership_id>\d+)"
    r":(?P<episode>\d+)",
):
    """The eight-weekly review's answers; the episode names which review."""

    def __init__(self, partnership_id: int, answer: str, episode: int) -> None:
        label, style = _(messages.ANSWER_LABELS[answer]), REVIEW_STYLES[ReviewAnswer(answer)]
        super().__init__(button(label, f"tandem:review:{answer}:{partnership_id}:{episode}", style))
        self.partnership_id = partnership_id
        self.answer = ReviewAnswer(answer)
        self.episode = episode

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        """Only the review now due can be answered; Change time answers when its form is sent."""
        bot = tandem(interaction)
        partnership = await pair_member(interaction, self.partnership_id)
        now = discord.utils.utcnow()
        if self.episode != review_due(pair_trial(partnership), now):
            raise UserError(_("This review has passed; a newer one is in this thread."))
        if self.answer is ReviewAnswer.CHANGE_TIME:
            form = schedule_form(partnership, interaction.user.id, self.episode)
            await interaction.response.send_modal(form)
            return
        answered = await bot.store.checkins.answer_question(
            NoticeKind.REVIEW, partnership, interaction.user.id, self.episode, self.answer, now
        )
        if self.answer is ReviewAnswer.SWITCH:
            await switch(interaction, partnership, answered.notices)
        else:
            await keep(interaction, partnership, answered)


async def switch(
    interaction: discord.Interaction[Any], partnership: Partnership, notices: tuple[int, ...]
) -> None:
    """End the pair kindly with the presser first in line, then redraw the question."""
    bot = tandem(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    outcome = await end_and_requeue(bot, partnership, interaction.user.id, EndCause.SWITCH)
    await bot.outbox.flush(notices)
    await send_ephemeral(interaction, outcome)


async def keep(
    interaction: discord.Interaction[Any],
    partnership: Partnership,
    answered: Stored[dict[int, str]],
) -> None:
    """A Keep counts once; the reply says whether the partner still has to answer."""
    if answered.repeated:
        keep_label = _(messages.ANSWER_LABELS["keep"])
        raise UserError(_("You already chose **{answer}**.", answer=keep_label))
    partner = partnership.partner_of(interaction.user.id)
    if answered.value.get(partner) == "keep":
        text = _("🎉 You both chose to keep going. Onwards!")
    elif partner in answered.value:
        text = _("💪 Noted: you want to keep going.")
    else:
        text = _(
            "💪 Noted: you want to keep going. I'll let {partner} answer too.",
            partner=mention(partner),
        )
    await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)
    await tandem(interaction).outbox.flush(answered.notices)


class RematchButton(
    SafeButton, template=r"tandem:rematch:(?P<partnership_id>\d+):(?P<member_id>\d+)"
):
    def __init__(self, partnership_id: int, member_id: int) -> None:
        super().__init__(
            button(
                _("End and find a new partner"),
                f"tandem:rematch:{partnership_id}:{member_id}",
                discord.ButtonStyle.secondary,
            )
        )
        self.partnership_id = partnership_id
        self.member_id = member_id

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        partnership = await pair_member(interaction, self.partnership_id)
        if interaction.user.id != self.member_id:
            raise UserError(_("This offer is for {member}.", member=mention(self.member_id)))
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await end_and_requeue(
            tandem(interaction), partnership, interaction.user.id, EndCause.REMATCH
        )
        await send_ephemeral(interaction, outcome)


class ComeBackButton(
    SafeButton,
    template=r"tandem:pause-end:(?P<partnership_id>\d+):(?P<member_id>\d+):(?P<pause_id>\d+)",
):
    """**Come back early**, under the `/pause start` reply and the break notice: for the
    member on the break only, it ends that break exactly as `/pause end` does, and never
    a later one (its id names the break; the older ids without it match no more)."""

    def __init__(self, partnership_id: int, member_id: int, pause_id: int) -> None:
        super().__init__(
            button(
                _(messages.COME_BACK_EARLY),
                f"tandem:pause-end:{partnership_id}:{member_id}:{pause_id}",
                discord.ButtonStyle.secondary,
            )
        )
        self.partnership_id = partnership_id
        self.member_id = member_id
        self.pause_id = pause_id

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.user.id != self.member_id:
            raise UserError(_(messages.NOT_YOUR_BREAK))
        partnership = await pair_member(interaction, self.partnership_id)
        await end_break(interaction, partnership, self.pause_id)


async def end_break(
    interaction: discord.Interaction[Any], partnership: Partnership, pause_id: int | None = None
) -> None:
    """End the member's break now and tell the partner (`/pause end`, **Come back early**).

    A second press, or one after the break ended, changes nothing and says so; so does a
    button of an earlier break (`pause_id`) pressed during a later one.
    """
    await interaction.response.defer(ephemeral=True, thinking=True)
    ended = await tandem(interaction).store.pauses.end(
        partnership, interaction.user.id, discord.utils.utcnow(), pause_id
    )
    await reply_stored(
        interaction,
        partnership,
        ended,
        saved=_(messages.BACK),
        repeated=_(messages.ALREADY_BACK),
        partner_is=PartnerIs.TOLD,
    )


DYNAMIC_ITEMS = (CheckinButton, TrialButton, ReviewButton, RematchButton, ComeBackButton)
