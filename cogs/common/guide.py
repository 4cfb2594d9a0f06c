"""The rules in one private, paged guide: `/help` and every **How it works** button.

Messages in threads and channels say only what happened and what to do next; the rules
behind them live here (and in `docs/`), one short page per topic, so no notice has to
repeat them. The guide is the same wherever it is opened; moderators also see their page.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import discord

from bot.i18n import N_, _
from bot.replies import NO_PINGS
from cogs.common import SafeButton, button


class GuideAction(StrEnum):
    """What a guide button does: open the guide under a message, or turn its page."""

    OPEN = "open"
    TURN = "turn"


@dataclass(frozen=True)
class Page:
    """A page of the guide; its title and body are marked with `N_`, translated (`_`) as
    the page is shown, in the reader's language."""

    key: str
    title: str
    body: str
    moderators_only: bool = False


PAGES = (
    Page(
        "partners",
        N_("🤝 Partners"),
        N_(
            "`/partner find` pairs you with someone in your course with a similar pace and "
            "check-in time; `/partner request` invites someone you know.\n"
            "You two get a private thread. After two weeks I ask whether you want to keep going, "
            "then every 8 weeks: **Keep**, **Change time** or **Switch**.\n"
            "`/partner status` shows your partner and next check-in; `/partner end` ends "
            "kindly, and you can `/partner find` again at once."
        ),
    ),
    Page(
        "checkins",
        N_("📝 Check-ins"),
        N_(
            "At your agreed time, every week or every two weeks, I ask three questions: "
            "what did you complete, what is your goal for next week, what is blocking you?\n"
            "Press **Check in** or use `/checkin`. Answers stay in your private thread.\n"
            "A heads-up comes the day before (`/profile reminders:` turns it off). Checking in "
            "week after week builds your 🔥 streak.\n"
            "A partner who goes quiet gets one kind nudge; a week later the other may switch "
            "to a new partner, first in line.\n"
            "`/checkin_schedule` and `/checkin_cadence` propose a new time or rhythm; your "
            "partner confirms."
        ),
    ),
    Page(
        "calls",
        N_("🎙️ Voice check-ins"),
        N_(
            "When voice rooms are on, **Start a call** (or `/call`) opens a voice room only you "
            "and your partner can see, and pings your partner.\n"
            "10 minutes in it together is this week's check-in for both of you; a voice message "
            "in your thread is yours. **Add notes** writes your answers down too.\n"
            "A room closes 5 minutes after you both leave, 30 minutes after opening if nobody "
            "joins, and after 2 hours at most. Only who was in it, and when, is kept."
        ),
    ),
    Page(
        "milestones",
        N_("🎯 Milestones and pledges"),
        N_(
            "`/goal set` names what you are working towards (two at a time). `/milestone add` "
            "breaks it into steps with a due date and, if you like, a pledge.\n"
            "`/milestone done` asks your partner to confirm; a confirmed milestone is "
            "celebrated in the leaderboard channel.\n"
            "A milestone still open when its due day ends in your zone is missed: its pledge "
            "goes to your pair's shared pool.\n"
            "`/pool view` shows the pool; **Propose settling** (or `/pool settle`) clears it "
            "once your partner confirms. Tandem records pledges; it moves no money."
        ),
    ),
    Page(
        "breaks",
        N_("🌿 Breaks"),
        N_(
            "`/pause start` takes a planned break of one or two weeks (two weeks in any eight, "
            "across your courses).\n"
            "Meanwhile I don't remind you, nobody counts you as quiet, and your streak waits. "
            "Milestones keep their due dates: ask your partner to move one with "
            "`/milestone reschedule`.\n"
            "**Come back early** (or `/pause end`) ends the break."
        ),
    ),
    Page(
        "mentors",
        N_("🧭 Mentorships"),
        N_(
            "`/partner request as:mentor` asks someone to mentor you.\n"
            "Only the mentee checks in and sets milestones; the mentor reads the check-ins, "
            "confirms milestones, and is never nudged or counted as quiet.\n"
            "Once a month I remind the mentee to ask: “What can I do for you?”"
        ),
    ),
    Page(
        "more",
        N_("🏆 Leaderboard, pictures, privacy"),
        N_(
            "`/leaderboard` ranks confirmed milestones this week, this month or ever, then "
            "streaks. `/profile leaderboard:hide` keeps your name off it.\n"
            "`/progress` draws your partnership's weeks; each week the leaderboard channel gets "
            "a recap.\n"
            "`/profile` sets your time zone and reminders. `/privacy export` gives you your "
            "data; `/privacy delete` erases it."
        ),
    ),
    Page(
        "moderators",
        N_("🛠️ For moderators"),
        N_(
            "`/setup` names the leaderboard and partner channels, the pledge label and the "
            "largest pledge, when the weekly recap posts, and the category of voice rooms; "
            "`/setup` alone shows the status and any permission I lack; `/setup health:True` "
            "draws how partnerships are doing.\n"
            "`/pool overview` lists the server's pools. Members' check-ins stay in their "
            "private threads, which moderators never need to open."
        ),
        moderators_only=True,
    ),
)
PAGE_KEYS = "|".join(page.key for page in PAGES)


def pages_for(interaction: discord.Interaction[Any]) -> list[Page]:
    """Every member's pages; the moderators' page only for Manage Server, checked here."""
    moderator = interaction.permissions.manage_guild
    return [page for page in PAGES if moderator or not page.moderators_only]


def guide_page(pages: list[Page], key: str) -> tuple[discord.Embed, discord.ui.View]:
    """One page as an embed, with buttons to the pages before and after it."""
    index = next((i for i, page in enumerate(pages) if page.key == key), 0)
    page = pages[index]
    embed = discord.Embed(
        title=_(page.title), description=_(page.body), colour=discord.Colour.blurple()
    )
    embed.set_footer(
        text=_("Page {page} of {pages} · more in /help", page=index + 1, pages=len(pages))
    )
    view = discord.ui.View(timeout=None)
    if index > 0:
        before = pages[index - 1]
        view.add_item(GuideButton(before.key, GuideAction.TURN, f"◀ {_(before.title)}"))
    if index + 1 < len(pages):
        after = pages[index + 1]
        view.add_item(GuideButton(after.key, GuideAction.TURN, f"{_(after.title)} ▶"))
    return embed, view


async def open_guide(interaction: discord.Interaction[Any], key: str) -> None:
    """The guide, privately, at `key`'s page."""
    embed, view = guide_page(pages_for(interaction), key)
    await interaction.response.send_message(
        embed=embed, view=view, ephemeral=True, allowed_mentions=NO_PINGS
    )


class GuideButton(SafeButton, template=rf"tandem:guide:(?P<key>{PAGE_KEYS}):(?P<action>open|turn)"):
    """**How it works** under a message (`open`), or a turn of the private guide's page."""

    def __init__(self, key: str, action: str = GuideAction.OPEN, label: str | None = None) -> None:
        style = discord.ButtonStyle.secondary
        shown = _("How it works") if label is None else label
        super().__init__(button(shown[:80], f"tandem:guide:{key}:{action}", style))
        self.key = key
        self.action = GuideAction(action)

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        if self.action is GuideAction.OPEN:
            await open_guide(interaction, self.key)
            return
        embed, view = guide_page(pages_for(interaction), self.key)
        await interaction.response.edit_message(embed=embed, view=view)


def how_it_works(key: str) -> GuideButton:
    """The button that opens the guide at `key`'s page, for a message's last row."""
    return GuideButton(key)
