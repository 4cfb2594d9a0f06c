"""`/milestone`: milestones with deadlines and pledges, confirmed by the partner."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot
from bot.errors import UserError
from bot.i18n import _
from bot.ledger import stake_in_minor_units
from bot.milestones import MAX_TITLE_LENGTH, clean_text, parse_due
from bot.models import Goal, Milestone, MilestoneAsk, MilestoneStatus, Partnership
from bot.options import picked_id
from bot.replies import NO_PINGS
from cogs.common import capped, guild_config, own_choices
from cogs.common.outbox import PartnerIs, reply_stored
from cogs.common.threads import member_zone
from cogs.ledger import messages
from cogs.ledger.goals import goal_autocomplete, picked_goal

open_milestone_autocomplete = own_choices(
    lambda bot, guild, member: bot.store.milestones.milestones_of(guild, member, open_only=True),
    lambda m: app_commands.Choice(
        name=_("{title} (due {date})", title=m.title, date=m.due_date)[:100], value=str(m.id)
    ),
)


async def own_open_milestone(interaction: discord.Interaction[TandemBot], value: str) -> Milestone:
    milestone = await interaction.client.store.milestones.milestone(picked_id(value, "milestones"))
    if (
        milestone is None
        or milestone.owner_id != interaction.user.id
        or milestone.guild_id != interaction.guild_id
    ):
        raise UserError(_("That is not one of your milestones. Pick one from the list."))
    title = messages.title_of(milestone)
    if milestone.status is not MilestoneStatus.OPEN:
        status = messages.status_of(milestone)
        # Translators: {status} is confirmed, missed or void.
        raise UserError(_("**{title}** is already {status}.", title=title, status=status))
    if milestone.deadline <= discord.utils.utcnow():
        raise UserError(_("**{title}** is already past its deadline.", title=title))
    return milestone


async def add_milestone(
    interaction: discord.Interaction[TandemBot],
    goal: Goal,
    partnership: Partnership,
    title: str,
    due: str,
    pledge: float,
) -> None:
    """`/milestone add` and the **Set a new milestone** form: one validation, one store path.

    Everything typed is checked before anything is stored; the store decides who may add
    to this goal (a mentor never, anyone else only to their own active goal).
    """
    bot = interaction.client
    config = await guild_config(interaction)
    name = clean_text(title, "milestone title", MAX_TITLE_LENGTH)
    zone = await member_zone(bot, partnership, interaction.user.id)
    now = discord.utils.utcnow()
    day, deadline = parse_due(due, zone, now)
    minor = stake_in_minor_units(pledge, config.max_stake, config.currency)
    await interaction.response.defer(ephemeral=True, thinking=True)
    added = await bot.store.milestones.add_milestone(
        goal, interaction.user.id, name, day, deadline, minor, now
    )
    await reply_stored(
        interaction,
        partnership,
        added,
        saved=messages.milestone_added(added.value, config.currency),
        repeated=messages.milestone_repeated(added.value),
        partner_is=PartnerIs.TOLD,
    )


@app_commands.guild_only()
class MilestoneCog(
    commands.GroupCog,
    group_name="milestone",
    group_description="Milestones with deadlines and pledges",
):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(
        name="add", description="Add a milestone with a deadline and an optional pledge"
    )
    @app_commands.describe(
        goal="Which of your goals",
        title="What you will have done",
        due="Due date, YYYY-MM-DD; the deadline is the end of that day in your time zone",
        pledge="Pledge, a whole number, 0 for none (up to the server's maximum)",
    )
    @app_commands.autocomplete(goal=goal_autocomplete)
    async def add(
        self,
        interaction: discord.Interaction[TandemBot],
        goal: str,
        title: str,
        due: str,
        pledge: float = 0.0,
    ) -> None:
        chosen, partnership = await picked_goal(interaction, goal)
        await add_milestone(interaction, chosen, partnership, title, due, pledge)

    @app_commands.command(name="list", description="Your milestones and their deadlines")
    async def list_milestones(self, interaction: discord.Interaction[TandemBot]) -> None:
        config = await guild_config(interaction)
        mine = await self.bot.store.milestones.milestones_of(
            config.guild_id, interaction.user.id, open_only=False
        )
        if not mine:
            raise UserError(_(messages.NO_MILESTONES))
        lines = [messages.listed(milestone, config.currency) for milestone in mine]
        await interaction.response.send_message(
            "\n".join(capped(lines)), ephemeral=True, allowed_mentions=NO_PINGS
        )

    @app_commands.command(
        name="done", description="Ask your partner to confirm a milestone is done"
    )
    @app_commands.describe(milestone="Which of your open milestones")
    @app_commands.autocomplete(milestone=open_milestone_autocomplete)
    async def done(self, interaction: discord.Interaction[TandemBot], milestone: str) -> None:
        found = await own_open_milestone(interaction, milestone)
        await self._ask_partner(interaction, found, MilestoneAsk.DONE)

    @app_commands.command(
        name="reschedule", description="Ask your partner to move a milestone's due date"
    )
    @app_commands.describe(
        milestone="Which of your open milestones", new_due="New due date, YYYY-MM-DD"
    )
    @app_commands.autocomplete(milestone=open_milestone_autocomplete)
    async def reschedule(
        self, interaction: discord.Interaction[TandemBot], milestone: str, new_due: str
    ) -> None:
        found = await own_open_milestone(interaction, milestone)
        await self._ask_partner(interaction, found, MilestoneAsk.RESCHEDULE, new_due)

    async def _ask_partner(
        self,
        interaction: discord.Interaction[TandemBot],
        milestone: Milestone,
        kind: MilestoneAsk,
        new_due: str | None = None,
    ) -> None:
        """Store the request and queue its Confirm buttons in the thread.

        A pair that ended less than 48 hours before a deadline can still confirm that
        milestone; moving a deadline needs a pair that still lasts.
        """
        partnership = await self.bot.store.partnerships.partnership(milestone.partnership_id)
        if partnership is None or (partnership.ended_at is not None and new_due is not None):
            raise UserError(
                _("That milestone's partnership has ended: its deadline can no longer move.")
            )
        now = discord.utils.utcnow()
        store = self.bot.store.milestones
        if new_due is None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            asked = await store.request(milestone, kind, now)
        else:
            zone = await member_zone(self.bot, partnership, interaction.user.id)
            day, deadline = parse_due(new_due, zone, now)
            await interaction.response.defer(ephemeral=True, thinking=True)
            asked = await store.request(milestone, kind, now, day, deadline)
        title = messages.title_of(milestone)
        await reply_stored(
            interaction,
            partnership,
            asked,
            saved=_("Request about **{title}** saved.", title=title),
            repeated=_(
                "You already asked about **{title}**; your partner hasn't answered yet.",
                title=title,
            ),
            partner_is=PartnerIs.ASKED,
        )
