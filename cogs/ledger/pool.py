"""`/pool`: the pair's shared pool of missed pledges, and settling it."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import TandemBot
from bot.errors import UserError
from bot.i18n import N_, _, ngettext
from bot.ledger import MAX_NOTE_LENGTH, format_amount
from bot.mentors import refuse_settlement_proposal
from bot.milestones import clean_text
from bot.models import GuildConfig, Partnership, PoolSeek, PoolSummary
from bot.replies import NO_PINGS
from cogs.common import (
    SafeButton,
    button,
    capped,
    guild_config,
    pool_autocomplete,
    resolve_pool,
    tandem,
    view_of,
)
from cogs.common.guide import how_it_works
from cogs.common.outbox import PartnerIs, reply_stored
from cogs.common.text import mention, shortened
from cogs.ledger import messages
from cogs.ledger.views import SettleButton

# Ten lines of at most ~160 characters (a course name cut to 60, two mentions, an amount
# with its currency, "(ended)") and the header and total keep a page under Discord's
# 2,000-character message limit, however long the server's course names are.
POOLS_PER_PAGE = 10
COURSE_SHOWN = 60
MOD_ONLY = N_("Only members with Manage Server can see every pool.")


def may_propose(partnership: Partnership, member: int) -> bool:
    """Whether `member` may propose settling this pool (a mentor confirms, never proposes)."""
    try:
        refuse_settlement_proposal(partnership, member)
    except UserError:
        return False
    return True


async def propose_settling(
    interaction: discord.Interaction[TandemBot], partnership: Partnership, note: str
) -> None:
    """`/pool settle` and the **Propose settling** form: one validation, one store path.

    The store keeps the rules: a pool with something in it, proposed by a member who may
    (`LedgerStore.propose_settlement`); the partner confirms in the thread.
    """
    config = await guild_config(interaction)
    text = clean_text(note, "note", MAX_NOTE_LENGTH)
    await interaction.response.defer(ephemeral=True, thinking=True)
    proposed = await interaction.client.store.ledger.propose_settlement(
        partnership, interaction.user.id, text, discord.utils.utcnow()
    )
    _, balance = proposed.value
    amount = format_amount(balance, config.currency)
    await reply_stored(
        interaction,
        partnership,
        proposed,
        saved=messages.settle_saved(amount),
        repeated=messages.settle_repeated(amount),
        partner_is=PartnerIs.ASKED,
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
    @app_commands.describe(course="Which pool, if you have several (ended pairs' too)")
    @app_commands.autocomplete(course=pool_autocomplete)
    async def view(
        self, interaction: discord.Interaction[TandemBot], course: str | None = None
    ) -> None:
        """The pool and its entries; with a balance, **Propose settling** for whoever may."""
        config = await guild_config(interaction)
        partnership = await resolve_pool(interaction, course)
        balance = await self.bot.store.ledger.balance(partnership.id)
        entries = await self.bot.store.ledger.recent(partnership.id)
        values = {"course": partnership.course, "amount": format_amount(balance, config.currency)}
        lines = [
            _("**Shared pool ({course} (partnership ended))**: {amount}", **values)
            if partnership.ended_at
            else _("**Shared pool ({course})**: {amount}", **values)
        ]
        lines += [messages.entry_line(e, config.currency) for e in entries] or [
            _("No entries yet.")
        ]
        lines.append(_("Tandem records pledges; it moves no money."))
        buttons: list[discord.ui.Item[Any]] = [how_it_works("milestones")]
        if balance > 0 and may_propose(partnership, interaction.user.id):
            buttons.insert(0, SettleButton(partnership.id))
        await interaction.response.send_message(
            "\n".join(capped(lines)),
            view=view_of(*buttons),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(
        name="settle", description="Propose to settle the pool to zero; your partner confirms"
    )
    @app_commands.describe(
        note="What the pool was used for",
        course="Which pool, if you have several (ended pairs' too)",
    )
    @app_commands.autocomplete(course=pool_autocomplete)
    async def settle(
        self, interaction: discord.Interaction[TandemBot], note: str, course: str | None = None
    ) -> None:
        partnership = await resolve_pool(interaction, course)
        await propose_settling(interaction, partnership, note)

    @app_commands.command(name="overview", description="Every pool in this server (Manage Server)")
    @app_commands.describe(page=f"Which page, {POOLS_PER_PAGE} pools each, largest first")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def overview(
        self,
        interaction: discord.Interaction[TandemBot],
        page: app_commands.Range[int, 1, 1_000_000] = 1,
    ) -> None:
        content, view = await overview_page(interaction, await guild_config(interaction), page)
        await interaction.response.send_message(
            content, view=view, ephemeral=True, allowed_mentions=NO_PINGS
        )


async def overview_page(
    interaction: discord.Interaction[Any],
    config: GuildConfig,
    page: int,
    seek: PoolSeek | None = None,
) -> tuple[str, discord.ui.View]:
    """One page of the server's pools, largest first, with buttons to the pages beside it.

    The buttons carry the first and last pool shown, so the page beside is read from
    their place, whatever the depth.
    """
    store = tandem(interaction).store.ledger
    shown = await store.overview(config.guild_id, POOLS_PER_PAGE, page, seek)
    lines = [pool_line(pool, config.currency) for pool in shown.pools]
    body = "\n".join(lines) or _("No pool has any entries yet.")
    header = ngettext(
        "**Pools in this server** (page {page} of {pages}, {count} pool)",
        "**Pools in this server** (page {page} of {pages}, {count} pools)",
        shown.pool_count,
        page=shown.page,
        pages=shown.pages,
    )
    total = _("**Total: {amount}**", amount=format_amount(shown.total, config.currency))
    content = f"{header}\n{body}\n{total}"
    first, last = (shown.pools[0], shown.pools[-1]) if shown.pools else (None, None)
    view = view_of(
        PoolPageButton.beside(first, "prev", shown.page - 1, enabled=shown.earlier),
        PoolPageButton.beside(last, "next", shown.page + 1, enabled=shown.later),
    )
    return content, view


def pool_line(pool: PoolSummary, currency: str) -> str:
    """One pool of `/pool overview`: its course, its pair and its balance."""
    values = {
        "course": shortened(pool.course, COURSE_SHOWN),
        "member": mention(pool.members[0]),
        "partner": mention(pool.members[1]),
        "amount": format_amount(pool.balance, currency),
    }
    if pool.active:
        return _("• **{course}** {member} & {partner}: {amount}", **values)
    return _("• **{course}** {member} & {partner}: {amount} (ended)", **values)


# Integers both engines store (64-bit, signed): larger ones cannot name a pool.
DATABASE_INTEGERS = 1 << 63


class PoolPageButton(
    SafeButton,
    template=r"tandem:pools:(?P<direction>prev|next):(?P<page>\d+)(?P<pool>(?::\d+:\d+)?)",
):
    """Previous or next page of `/pool overview`.

    The custom id holds the page number to show and the (balance, id) of the pool shown
    first (previous) or last (next), so the page is read from that pool's place. An id
    without a pool (a page with none, or a button drawn before pages were read that
    way) names the page by its number.
    """

    def __init__(self, direction: str, page: int, pool: str = "", *, enabled: bool = True) -> None:
        item = button(
            _("◀ Previous") if direction == "prev" else _("Next ▶"),
            f"tandem:pools:{direction}:{max(page, 0)}{pool}",
            discord.ButtonStyle.secondary,
        )
        item.disabled = not enabled
        super().__init__(item)
        self.page = page
        self.seek: PoolSeek | None = None
        balance, partnership_id = (int(n) for n in pool.split(":")[1:]) if pool else (-1, -1)
        # A pool no database could hold (a forged id) is ignored: the page by its number.
        if 0 <= balance < DATABASE_INTEGERS and 0 <= partnership_id < DATABASE_INTEGERS:
            self.seek = PoolSeek(balance, partnership_id, after=direction == "next")

    @classmethod
    def beside(
        cls, pool: PoolSummary | None, direction: str, page: int, *, enabled: bool
    ) -> PoolPageButton:
        """The button to the page before or after `pool`, the first or last one shown."""
        where = f":{pool.balance}:{pool.partnership_id}" if pool else ""
        return cls(direction, page, where, enabled=enabled)

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        # The button is checked again: whoever presses it must still manage the server.
        if not interaction.permissions.manage_guild:
            raise UserError(_(MOD_ONLY))
        config = await guild_config(interaction)
        content, view = await overview_page(interaction, config, self.page, self.seek)
        await interaction.response.edit_message(
            content=content, view=view, allowed_mentions=NO_PINGS
        )
