"""`/goal`, `/milestone` and `/pool`: goals broken into pledged milestones, and the shared pool."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot
from bot.errors import UserError
from bot.ledger import format_amount, stake_in_minor_units
from bot.milestones import MAX_GOAL_LENGTH, MAX_TITLE_LENGTH, clean_text, parse_due
from bot.models import Goal, Milestone, MilestoneStatus
from bot.options import picked_id
from bot.replies import NO_PINGS
from cogs.common import (
    AUTOCOMPLETE_LIMIT,
    capped,
    guild_config,
    guild_id_of,
    partnered_course_autocomplete,
    pool_autocomplete,
    resolve_partnership,
    resolve_pool,
    tandem,
)
from cogs.common.outbox import reply_stored
from cogs.common.text import mention
from cogs.common.threads import member_zone
from cogs.ledger import messages

MAX_NOTE_LENGTH = 200


async def goal_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    goals = await tandem(interaction).store.milestones.active_goals(
        interaction.guild_id, interaction.user.id
    )
    typed = current.casefold()
    return [
        app_commands.Choice(name=g.text[:100], value=str(g.id))
        for g in goals
        if typed in g.text.casefold()
    ]


async def open_milestone_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    mine = await tandem(interaction).store.milestones.milestones_of(
        interaction.guild_id, interaction.user.id, open_only=True
    )
    typed = current.casefold()
    return [
        app_commands.Choice(name=f"{m.title} (due {m.due_date})"[:100], value=str(m.id))
        for m in mine
        if typed in m.title.casefold()
    ][:AUTOCOMPLETE_LIMIT]


async def own_goal(interaction: discord.Interaction[TandemBot], value: str) -> Goal:
    """Only the caller's own active goals can be used: anything else reads as unknown."""
    goals = await interaction.client.store.milestones.active_goals(
        guild_id_of(interaction), interaction.user.id
    )
    if not goals:
        raise UserError("Set a goal first with `/goal set`, then break it into milestones.")
    wanted = picked_id(value, "goals")
    for goal in goals:
        if goal.id == wanted:
            return goal
    raise UserError("That is not one of your active goals. Pick one from the list.")


async def own_open_milestone(interaction: discord.Interaction[TandemBot], value: str) -> Milestone:
    milestone = await interaction.client.store.milestones.milestone(picked_id(value, "milestones"))
    if (
        milestone is None
        or milestone.owner_id != interaction.user.id
        or milestone.guild_id != interaction.guild_id
    ):
        raise UserError("That is not one of your milestones. Pick one from the list.")
    if milestone.status is not MilestoneStatus.OPEN or milestone.deadline <= discord.utils.utcnow():
        state = (
            "past its deadline" if milestone.status is MilestoneStatus.OPEN else milestone.status
        )
        raise UserError(f"**{messages.title_of(milestone)}** is already {state}.")
    return milestone


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
        done = clean_text(done_when, "“done when”", MAX_GOAL_LENGTH)
        partnership = await resolve_partnership(interaction, course)
        added = await self.bot.store.milestones.add_goal(
            partnership, interaction.user.id, goal_text, done, discord.utils.utcnow()
        )
        said = "You already have this goal" if added.repeated else "Goal set"
        await interaction.response.send_message(
            f"{said}: **{goal_text}** (done when: {done}). Break it into milestones with "
            "`/milestone add`.",
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(
        name="close", description="Close one of your goals to make room for another"
    )
    @app_commands.autocomplete(goal=goal_autocomplete)
    async def close_goal(self, interaction: discord.Interaction[TandemBot], goal: str) -> None:
        found = await own_goal(interaction, goal)
        await self.bot.store.milestones.close_goal(found.id, interaction.user.id)
        await interaction.response.send_message(
            f"Closed **{found.text}**.", ephemeral=True, allowed_mentions=NO_PINGS
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
        stake="Pledge in whole units, 0 for none (up to the server's maximum)",
    )
    @app_commands.autocomplete(goal=goal_autocomplete)
    async def add(
        self,
        interaction: discord.Interaction[TandemBot],
        goal: str,
        title: str,
        due: str,
        stake: float = 0.0,
    ) -> None:
        config = await guild_config(interaction)
        chosen = await own_goal(interaction, goal)
        name = clean_text(title, "milestone title", MAX_TITLE_LENGTH)
        partnership = await self.bot.store.partnerships.partnership(chosen.partnership_id)
        assert partnership is not None
        zone = await member_zone(self.bot, partnership, interaction.user.id)
        now = discord.utils.utcnow()
        day, deadline = parse_due(due, zone, now)
        minor = stake_in_minor_units(stake, config.max_stake, config.currency)
        await interaction.response.defer(ephemeral=True, thinking=True)
        added = await self.bot.store.milestones.add_milestone(
            chosen, partnership.guild_id, name, day, deadline, minor, now
        )
        due_text = f"due {day.isoformat()} ({messages.stake_text(added.value, config.currency)})"
        await reply_stored(
            interaction,
            partnership,
            added,
            saved=f"Milestone **{name}** added, {due_text}.",
            repeated=f"You already added **{name}**, {due_text}; nothing new was stored.",
            partner_is="told",
        )

    @app_commands.command(name="list", description="Your milestones and their deadlines")
    async def list_milestones(self, interaction: discord.Interaction[TandemBot]) -> None:
        config = await guild_config(interaction)
        mine = await self.bot.store.milestones.milestones_of(
            config.guild_id, interaction.user.id, open_only=False
        )
        if not mine:
            raise UserError("You have no milestones yet. Add one with `/milestone add`.")
        lines = []
        for milestone in mine:
            partnership = await self.bot.store.partnerships.partnership(milestone.partnership_id)
            assert partnership is not None
            zone = await member_zone(self.bot, partnership, interaction.user.id)
            lines.append(messages.listed(milestone, zone, config.currency))
        await interaction.response.send_message(
            "\n".join(capped(lines)), ephemeral=True, allowed_mentions=NO_PINGS
        )

    @app_commands.command(
        name="done", description="Ask your partner to confirm a milestone is done"
    )
    @app_commands.autocomplete(milestone=open_milestone_autocomplete)
    async def done(self, interaction: discord.Interaction[TandemBot], milestone: str) -> None:
        found = await own_open_milestone(interaction, milestone)
        await self._ask_partner(interaction, found, "done")

    @app_commands.command(
        name="reschedule", description="Ask your partner to move a milestone's due date"
    )
    @app_commands.describe(new_due="New due date, YYYY-MM-DD")
    @app_commands.autocomplete(milestone=open_milestone_autocomplete)
    async def reschedule(
        self, interaction: discord.Interaction[TandemBot], milestone: str, new_due: str
    ) -> None:
        found = await own_open_milestone(interaction, milestone)
        await self._ask_partner(interaction, found, "reschedule", new_due)

    async def _ask_partner(
        self,
        interaction: discord.Interaction[TandemBot],
        milestone: Milestone,
        kind: str,
        new_due: str | None = None,
    ) -> None:
        """Store the request and queue its Confirm buttons in the thread.

        A pair that ended less than 48 hours before a deadline can still confirm that
        milestone; moving a deadline needs a pair that still lasts.
        """
        partnership = await self.bot.store.partnerships.partnership(milestone.partnership_id)
        if partnership is None or (partnership.ended_at is not None and new_due is not None):
            raise UserError(
                "That milestone's partnership has ended: its deadline can no longer move."
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
            saved=f"Request about **{title}** saved.",
            repeated=f"You already asked about **{title}**; your partner hasn't answered yet.",
            partner_is="asked",
        )


@app_commands.guild_only()
class PoolCog(
    commands.GroupCog,
    group_name="pool",
    group_description="Your pair's shared pool of missed pledges",
):
    def __init__(self, bot: TandemBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(
        name="view", description="Your pair's pool balance and its recent entries"
    )
    @app_commands.autocomplete(course=pool_autocomplete)
    async def view(
        self, interaction: discord.Interaction[TandemBot], course: str | None = None
    ) -> None:
        config = await guild_config(interaction)
        partnership = await resolve_pool(interaction, course)
        balance = await self.bot.store.ledger.balance(partnership.id)
        entries = await self.bot.store.ledger.recent(partnership.id)
        ended = " (partnership ended)" if partnership.ended_at else ""
        lines = [
            f"**Shared pool ({partnership.course}{ended})**: "
            f"{format_amount(balance, config.currency)}"
        ]
        lines += [messages.entry_line(e, config.currency) for e in entries] or ["No entries yet."]
        lines.append("Tandem records pledges; it moves no money.")
        await interaction.response.send_message(
            "\n".join(capped(lines)), ephemeral=True, allowed_mentions=NO_PINGS
        )

    @app_commands.command(
        name="settle", description="Propose to settle the pool to zero; your partner confirms"
    )
    @app_commands.describe(note="What the pool was used for")
    @app_commands.autocomplete(course=pool_autocomplete)
    async def settle(
        self, interaction: discord.Interaction[TandemBot], note: str, course: str | None = None
    ) -> None:
        config = await guild_config(interaction)
        text = clean_text(note, "note", MAX_NOTE_LENGTH)
        partnership = await resolve_pool(interaction, course)
        await interaction.response.defer(ephemeral=True, thinking=True)
        proposed = await self.bot.store.ledger.propose_settlement(
            partnership, interaction.user.id, text, discord.utils.utcnow()
        )
        _, balance = proposed.value
        amount = format_amount(balance, config.currency)
        await reply_stored(
            interaction,
            partnership,
            proposed,
            saved=f"Proposal to settle {amount} saved.",
            repeated=f"You already proposed settling {amount}; your partner hasn't answered yet.",
            partner_is="asked",
        )

    @app_commands.command(name="overview", description="Every pool in this server (Manage Server)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def overview(self, interaction: discord.Interaction[TandemBot]) -> None:
        config = await guild_config(interaction)
        pools = await self.bot.store.ledger.overview(config.guild_id)
        lines = [
            f"• **{p.course}** {mention(p.members[0])} & {mention(p.members[1])}: "
            f"{format_amount(p.balance, config.currency)}" + ("" if p.active else " (ended)")
            for p in pools
        ]
        total = format_amount(sum(p.balance for p in pools), config.currency)
        body = "\n".join(capped(lines)) or "No pool has any entries yet."
        await interaction.response.send_message(
            f"**Pools in this server**\n{body}\n**Total: {total}**",
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
