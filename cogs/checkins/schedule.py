"""A new weekly time, proposed by `/checkin_schedule` or by the review's **Change time** form,
and a new cadence (every week or every two weeks), proposed by `/checkin_cadence`.

The form's custom id names the pair, the member and the review it answers
(`tandem:schedule-form:<pair>:<member>:<review>`), and it is sent already stopped, like
the check-in form: a submission after a restart reaches `submit_schedule` through the
cog's listener, with nothing kept in memory.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.cadence import pair_trial
from bot.errors import UserError
from bot.i18n import _
from bot.models import Cadence, Partnership
from bot.reminders import review_due
from bot.schedule import (
    WeeklyTime,
    format_minute,
    parse_minute,
    parse_weekday_name,
    parse_zone,
    weekday_name,
)
from cogs.checkins import messages
from cogs.common import form_values, tandem
from cogs.common.outbox import PartnerIs, reply_stored

SCHEDULE_FORM_ID = re.compile(
    r"^tandem:schedule-form:(?P<partnership_id>\d{1,20}):(?P<member_id>\d{1,20})"
    r":(?P<review>\d{1,20})$"
)


def schedule_form(partnership: Partnership, member_id: int, review: int) -> discord.ui.Modal:
    """The pair's current time, ready to be changed; stopped so discord.py keeps no copy."""
    weekly = partnership.weekly
    form = discord.ui.Modal(
        title=_(messages.SCHEDULE_FORM_TITLE),
        custom_id=f"tandem:schedule-form:{partnership.id}:{member_id}:{review}",
    )
    current = {
        "day": weekday_name(weekly.weekday),
        "time": format_minute(weekly.minute),
        "zone": weekly.zone,
    }
    for field, (label, example, longest) in messages.SCHEDULE_FIELDS.items():
        form.add_item(
            discord.ui.TextInput(
                label=_(label),
                default=current[field],
                placeholder=_(example),
                max_length=longest,
                required=True,
                custom_id=field,
            )
        )
    form.stop()
    return form


async def submit_schedule(
    interaction: discord.Interaction[Any], partnership_id: int, member_id: int, review: int
) -> None:
    """A review's **Change time**: the new time is proposed and answers the review, together."""
    if interaction.user.id != member_id:
        raise UserError(_("This form belongs to someone else."))
    partnership = await tandem(interaction).store.partnerships.partnership(partnership_id)
    if partnership is None or partnership.ended_at is not None:
        raise UserError(_("This partnership has ended, so its check-in time stays as it was."))
    if not partnership.includes(member_id):
        raise UserError(_("Only the two partners can change their check-in time."))
    if review != review_due(pair_trial(partnership), discord.utils.utcnow()):
        raise UserError(_("This review has passed; a newer one is in your thread."))
    values = form_values(interaction)
    weekly = WeeklyTime(
        weekday=parse_weekday_name(values.get("day", "")),
        minute=parse_minute(values.get("time", "")),
        zone=parse_zone(values.get("zone", "")),
    )
    await propose_time(interaction, partnership, weekly, review)


async def propose_time(
    interaction: discord.Interaction[Any],
    partnership: Partnership,
    weekly: WeeklyTime,
    review: int | None = None,
) -> None:
    """Ask the partner to confirm `weekly` in the thread, and tell the member privately."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    proposed = await tandem(interaction).store.checkins.propose(
        partnership, interaction.user.id, weekly, discord.utils.utcnow(), review
    )
    await reply_stored(
        interaction,
        partnership,
        proposed,
        saved=_("Your proposal of **{time}** is saved.", time=weekly.label()),
        repeated=_(
            "You already proposed **{time}**; it waits for your partner.", time=weekly.label()
        ),
        partner_is=PartnerIs.ASKED_TO_CONFIRM,
    )


async def propose_cadence(
    interaction: discord.Interaction[Any], partnership: Partnership, cadence: Cadence
) -> None:
    """Ask the partner to confirm checking in `cadence` in the thread, and tell the member."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    proposed = await tandem(interaction).store.checkins.propose_cadence(
        partnership, interaction.user.id, cadence, discord.utils.utcnow()
    )
    await reply_stored(
        interaction,
        partnership,
        proposed,
        saved=_("Your proposal of checking in **{cadence}** is saved.", cadence=cadence.label()),
        repeated=_(
            "You already proposed checking in **{cadence}**; it waits for your partner.",
            cadence=cadence.label(),
        ),
        partner_is=PartnerIs.ASKED_TO_CONFIRM,
    )
