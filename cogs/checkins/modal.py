"""The three-question check-in form: one per member, answered even across a restart.

The form's custom id names the pair and the member (`tandem:checkin-form:<pair>:<member>`),
so two partners filling it at once each submit their own. discord.py would keep an open
form in memory, keyed by custom id alone; Tandem sends the form already stopped, so it
is never kept, and every submission (before or after a deploy) reaches `submit_checkin`
through one listener that reads everything it needs from the custom id and the store.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.checkins import MAX_ANSWER_LENGTH, clean_answer
from bot.errors import UserError
from bot.i18n import _
from bot.replies import NO_PINGS
from bot.store.checkins import Answers
from cogs.checkins.messages import FORM_TITLE, QUESTIONS
from cogs.common import form_values, tandem

FORM_ID = re.compile(r"^tandem:checkin-form:(?P<partnership_id>\d{1,20}):(?P<member_id>\d{1,20})$")


def checkin_form(partnership_id: int, member_id: int) -> discord.ui.Modal:
    """The form for this member in this pair, stopped so discord.py keeps no copy of it."""
    form = discord.ui.Modal(
        title=_(FORM_TITLE), custom_id=f"tandem:checkin-form:{partnership_id}:{member_id}"
    )
    for field, (label, required, example) in QUESTIONS.items():
        form.add_item(
            discord.ui.TextInput(
                label=_(label),
                placeholder=_(example),
                style=discord.TextStyle.paragraph,
                max_length=MAX_ANSWER_LENGTH,
                required=required,
                custom_id=field,
            )
        )
    form.stop()
    return form


def answers_from(values: dict[str, str]) -> Answers:
    cleaned = {
        field: clean_answer(values.get(field), _(label), required=required)
        for field, (label, required, _example) in QUESTIONS.items()
    }
    return Answers(**cleaned)


async def submit_checkin(
    interaction: discord.Interaction[Any], partnership_id: int, member_id: int
) -> None:
    bot = tandem(interaction)
    if interaction.user.id != member_id:
        raise UserError(_("This check-in form belongs to someone else."))
    partnership = await bot.store.partnerships.partnership(partnership_id)
    if (
        partnership is None
        or partnership.ended_at is not None
        or not partnership.includes(interaction.user.id)
    ):
        raise UserError(_("This partnership has ended, so there is nowhere to post your check-in."))
    answers = answers_from(form_values(interaction))
    now = discord.utils.utcnow()
    await interaction.response.defer(ephemeral=True, thinking=True)
    # Filed under the check-in `now` belongs to, from the schedule as the store holds it.
    recorded = await bot.store.checkins.record(partnership, member_id, None, answers, now)
    delivery = await bot.outbox.flush(recorded.notices)
    thread = await bot.store.partnerships.partnership(partnership.id) or partnership
    # Translators: where a check-in is posted when its thread cannot be linked.
    where = f"<#{thread.thread_id}>" if thread.thread_id else _("your pair's thread")
    if not delivery.done(recorded.notices):
        text = _(
            "Thanks! Your check-in is saved, but {problem}. It will appear in {thread} as soon "
            "as it can.",
            problem=delivery.problem,
            thread=where,
        )
    elif recorded.value:
        text = _("Thanks! Your check-in is updated in {thread}.", thread=where)
    else:
        text = _("Thanks! Your check-in is posted in {thread}.", thread=where)
    await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
