"""What the leaderboard says: `/leaderboard`, the public cheer of a confirmed milestone,
and the weekly recap (on its picture and in its message)."""

from __future__ import annotations

from datetime import datetime

from bot.i18n import N_, _, babel_locale, ngettext, pgettext, whole_number
from bot.models import Period
from bot.store.recaps import Week
from cogs.common.text import Stamp, stamp

# The period in words, as a choice of `/leaderboard` and inside a sentence; counts are
# rolling windows. Choices are translated with the command tree, sentences with `_`.
HEADINGS = {Period.WEEK: "this week", Period.MONTH: "the last 30 days", Period.ALL: "all time"}
TITLES = {
    Period.WEEK: N_("**Leaderboard, this week**"),
    Period.MONTH: N_("**Leaderboard, the last 30 days**"),
    Period.ALL: N_("**Leaderboard, all time**"),
}
# The period inside "You're 2nd {period}" and "Nothing confirmed {period} yet".
IN_PERIOD = {
    Period.WEEK: N_("this week"),
    Period.MONTH: N_("in the last 30 days"),
    Period.ALL: N_("overall"),
}
# Medals for the first three places; ties share a medal (🥇, 🥈, 🥈, **4**).
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}

EMPTY = N_("No confirmed milestones yet.")
HIDDEN = N_("You are hidden from the leaderboard (`/profile leaderboard:show` to appear).")
# Mentoring is ranked by nothing: the milestones are the mentee's, and mentors never check in.
MENTOR_UNRANKED = N_("🧭 You are a **mentor**: your mentee's milestones count for them, not you.")
FIRST_WAITING = N_("You have no confirmed milestones yet. Your first one is waiting!")
CHEER_TITLE = N_("🎉 Milestone reached!")
CHEER_STREAK = N_("Check-in streak")
ANONYMOUS = N_("A member")
# The cheer of a member who erased their data since: no name, no title.
FORGOTTEN = N_("A member reached a milestone.")
# A milestone's title when its member left none.
UNTITLED = N_("a milestone")


def heading(period: Period) -> str:
    return _(TITLES[period])


def place_label(place: int) -> str:
    """A place as a medal or a bold number: never `N.`, which Discord renumbers as a list."""
    return MEDALS.get(place, f"**{whole_number(place)}**")


def ordinal(place: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st...: the form the reader's language
    gives a place, chosen by its ordinal category (CLDR's rules, through Babel)."""
    form = babel_locale().ordinal_form(place)
    if form == "one":
        # Translators: a place on the leaderboard ("You're 1st"), one message per ordinal
        # category of CLDR (one, two, few, many, zero, other); use those your language has.
        return pgettext("ordinal one", "{count}st", count=place)
    if form == "two":
        return pgettext("ordinal two", "{count}nd", count=place)
    if form == "few":
        return pgettext("ordinal few", "{count}rd", count=place)
    if form == "many":
        return pgettext("ordinal many", "{count}th", count=place)
    if form == "zero":
        return pgettext("ordinal zero", "{count}th", count=place)
    return pgettext("ordinal other", "{count}th", count=place)


def milestones(count: int) -> str:
    return ngettext("{count} milestone", "{count} milestones", count)


def ranked_line(place: int, who: str, confirmed: int, streak: str) -> str:
    """`🥈 @Lena · 🌱 mentee: 2 milestones, 🔥 3 weeks`."""
    # Translators: a line of the leaderboard; {place} is a medal or a bold number,
    # {member} a mention and role badge, {streak} "3 weeks" or "3 check-ins".
    return _(
        "{place} {member}: {milestones}, 🔥 {streak}",
        place=place_label(place),
        member=who,
        milestones=milestones(confirmed),
        streak=streak,
    )


def your_place(place: int, period: Period, badges: str) -> str:
    # Translators: {place} is an ordinal ("2nd"), {period} "this week", "overall"...;
    # {badges} is empty or a role badge (" · 🌱 mentee").
    return _(
        "You're **{place}** {period}{badges}.",
        place=ordinal(place),
        period=_(IN_PERIOD[period]),
        badges=badges,
    )


def elsewhere(period: Period, count: int, wider: Period) -> str:
    """A member ranked in a wider period only: what they have, not "your first is waiting"."""
    # Translators: {period} and {wider} are "this week", "in the last 30 days" or
    # "overall"; {milestones} is "2 milestones".
    return _(
        "Nothing confirmed {period} yet; you have **{milestones}** {wider}.",
        period=_(IN_PERIOD[period]),
        milestones=milestones(count),
        wider=_(IN_PERIOD[wider]),
    )


def completed(who: str, title: str) -> str:
    return _("{member} completed **{milestone}**", member=who, milestone=title)


# What the recap says, on the picture and in its message.
TITLE = N_("Weekly recap")
TOP_HEADING = N_("Top of the week")
DONE_HEADING = N_("Milestones done")
LONGEST = N_("longest streak")


def checkins_figure(count: int) -> str:
    # Translators: under a large number on the weekly recap ("3", "check-ins").
    return ngettext("check-in", "check-ins", count)


def done_figure(count: int) -> str:
    # Translators: under a large number on a picture ("2", "milestones done").
    return ngettext("milestone done", "milestones done", count)


def announcement(occasion: datetime, week: Week) -> str:
    """The message with the picture: the week (a Discord date each reader sees in their
    own calendar) and what happened in it, in one short line."""
    checkins = ngettext("{count} check-in", "{count} check-ins", week.checkins)
    confirmed = ngettext("{count} milestone done", "{count} milestones done", week.confirmed)
    if week.checkins and week.confirmed:
        done = _("{checkins} and {milestones}", checkins=checkins, milestones=confirmed)
    else:
        done = checkins if week.checkins else confirmed
    return _(
        "📊 **Weekly recap**, the week to {date}: {done}. Keep it up, everyone!",
        date=stamp(occasion, Stamp.LONG_DATE),
        done=done,
    )


def streak_words(count: int, weekly: bool) -> str:
    """`2-week streak`, or for a member checking in every two weeks `streak of 3 check-ins`."""
    if weekly:
        return ngettext("{count}-week streak", "{count}-week streak", count)
    return ngettext("streak of {count} check-in", "streak of {count} check-ins", count)


def achievements(confirmed: int, streak: int, weekly: bool) -> str:
    """`1 milestone, 2-week streak`: what a member did, leaving out the nothings."""
    if confirmed and streak:
        return _(
            "{milestones}, {streak}",
            milestones=milestones(confirmed),
            streak=streak_words(streak, weekly),
        )
    if confirmed:
        return milestones(confirmed)
    if streak:
        return streak_words(streak, weekly)
    # Translators: on the weekly recap, after a member's name: all they did was check in.
    return _("checked in")


def sentence(who: str, did: str) -> str:
    """`Aiko: 1 milestone, 2-week streak`."""
    # Translators: a member on the weekly recap, then what they did ("1 milestone").
    return _("{member}: {achievements}", member=who, achievements=did)


def name_line(who: str) -> str:
    """A member's name on a line of its own, when their sentence is too long for one."""
    # Translators: as in "{member}: {achievements}", what they did on the next line.
    return _("{member}:", member=who)


def confirmed_line(who: str, title: str) -> str:
    """A milestone done on the weekly recap: `Aiko: Chapter 4`."""
    # Translators: a member on the weekly recap, then the title of a milestone they did.
    return _("{member}: {milestone}", member=who, milestone=title)


def more(count: int) -> str:
    """Under the milestones listed on the weekly recap: how many it had no room for."""
    return ngettext("and {count} more", "and {count} more", count)
