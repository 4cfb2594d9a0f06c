"""`/goal`: the goals a member breaks into milestones (at most two at a time)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot
from bot.errors import UserError
from bot.i18n import N_, _
from bot.milestones import MAX_GOAL_LENGTH, clean_text
from bot.models import Goal, Partnership
from bot.options import picked_id
from bot.replies import NO_PINGS
from bot.store.milestones import NOT_YOUR_GOAL
from cogs.common import guild_id_of, own_choices, partnered_course_autocomplete, resolve_partnership

goal_autocomplete = own_choices(
    lambda bot, guild, member: bot.store.milestones.active_goals(guild, member),
    lambda goal: app_commands.Choice(name=goal.text[:100], value=str(goal.id)),
)


SET_A_GOAL_FIRST = N_("Set a goal first with `/goal set`, then break it into milestones.")


async def own_goal(interaction: discord.Interaction[TandemBot], value: str) -> Goal:
    """Only the caller's own active goals can be used: anything else reads as unknown."""
    goals = await interaction.client.store.milestones.active_goals(
        guild_id_of(interaction), interaction.user.id
    )
    if not goals:
        raise UserError(_(SET_A_GOAL_FIRST))
    wanted = picked_id(value, "goals")
    for goal in goals:
        if goal.id == wanted:
            return goal
    raise UserError(_(NOT_YOUR_GOAL))


async def picked_goal(
    interaction: discord.Interaction[TandemBot], value: str
) -> tuple[Goal, Partnership]:
    """The goal picked in this server, and its pair, whoever's it is.

    Who may add to it is decided by `MilestoneStore.add_milestone` (a mentor never, anyone
    else only to their own active goal); a goal not found here is refused as `own_goal` does.
    """
    store, guild_id = interaction.client.store, guild_id_of(interaction)
    found = await store.milestones.goal(picked_id(value, "goals"))
    pair = None if found is None else await store.partnerships.partnership(found.partnership_id)
    if found is None or pair is None or pair.guild_id != guild_id:
        mine = await store.milestones.active_goals(guild_id, interaction.user.id)
        raise UserError(_(NOT_YOUR_GOAL if mine else SET_A_GOAL_FIRST))
    return found, pair


@app_commands.guild_only()
class GoalCog(
    commands.GroupCog, group_name="goal", group_description="Your goals (at most two at a time)"
):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="set", description="Set a goal you will break into milestones")
    @app_commands.describe(
        text="What you want to achieve",
        done_when="How you will know it is done",
        course="Which partnership, if you have several",
    )
    @app_commands.autocomplete(course=partnered_course_autocomplete)
    async def set_goal(
        self,
        interaction: discord.Interaction[TandemBot],
        text: str,
        done_when: str,
        course: str | None = None,
    ) -> None:
        goal_text = clean_text(text, "goal", MAX_GOAL_LENGTH)
        done = clean_text(done_when, "done when", MAX_GOAL_LENGTH)
        partnership = await resolve_partnership(interaction, course)
        added = await self.bot.store.milestones.add_goal(
            partnership, interaction.user.id, goal_text, done, discord.utils.utcnow()
        )
        said = (
            _(
                "You already have this goal: **{goal}** (done when: {done}). Break it into "
                "milestones with `/milestone add`.",
                goal=goal_text,
                done=done,
            )
            if added.repeated
            else _(
                "Goal set: **{goal}** (done when: {done}). Break it into milestones with "
                "`/milestone add`.",
                goal=goal_text,
                done=done,
            )
        )
        await interaction.response.send_message(
            said,
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(
        name="close", description="Close one of your goals to make room for another"
    )
    @app_commands.describe(goal="Which of your active goals")
    @app_commands.autocomplete(goal=goal_autocomplete)
    async def close_goal(self, interaction: discord.Interaction[TandemBot], goal: str) -> None:
        found = await own_goal(interaction, goal)
        await self.bot.store.milestones.close_goal(found.id, interaction.user.id)
        await interaction.response.send_message(
            _("Closed **{goal}**.", goal=found.text), ephemeral=True, allowed_mentions=NO_PINGS
        )
