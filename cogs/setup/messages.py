"""What `/setup` says to moderators: a private reply, so a zone name may help there."""

from __future__ import annotations

from datetime import datetime

from babel.numbers import format_percent

from bot.health import (
    UNDELIVERABLE_COUNTED,
    Blocker,
    CourseWait,
    Health,
    Problem,
    WeekShare,
    worst_problem,
)
from bot.i18n import N_, _, babel_locale, ngettext, whole_number
from bot.ledger import currency_label
from bot.models import NoticeKind, VoiceFault
from bot.schedule import WeeklyTime
from bot.store.outbox import Undeliverable
from cogs.common.text import Stamp, mention, shortened, stamp

# Translated where they are shown (`_`), in the moderator's language.
BOTH_CHANNELS_FIRST = N_(
    "Name both channels the first time: `leaderboard_channel` and `partner_channel`."
)
MISSING_PERMISSIONS = N_("I'm missing permissions I need:")
CHANNEL_GONE = N_("a configured channel is gone: name both channels again")
SET_UP = N_("✅ Tandem is set up.")
UPDATED = N_("✅ Tandem is updated.")
STATUS = N_("**Tandem in this server**")
# Translators: the `/setup language` choice that goes back to the language Discord
# reports for the server.
DISCORDS_LANGUAGE = N_("Discord's server language")
VOICE_ON_OR_OFF = N_("Name either `voice_category` or `voice_off`, not both.")
VOICE_OFF = N_("• Voice rooms: off")
# Why rooms could not open, as the status view says it until one opens again.
VOICE_FAULTS = {
    VoiceFault.CHANNEL_LIMIT: N_(
        "⚠️ Voice rooms: the server has reached Discord's limit of 500 channels"
    ),
    VoiceFault.MISSING_PERMISSIONS: N_(
        "⚠️ Voice rooms: Discord refused to open or close a room for a missing permission"
    ),
    VoiceFault.CATEGORY_GONE: N_(
        "⚠️ Voice rooms: the category was deleted; name another with `voice_category`"
    ),
    VoiceFault.RATE_LIMITED: N_(
        "⚠️ Voice rooms: Discord is slowing down new channels; rooms open as soon as it allows"
    ),
}
# The kinds of messages a moderator may see given up on, as `/setup` lists them.
KIND_LABELS: dict[str, str] = {
    # Translators: kinds of messages Tandem could not deliver, listed for moderators.
    NoticeKind.HEADS_UP: N_("heads up"),
    NoticeKind.CHECKIN: N_("checkin"),
    NoticeKind.NUDGE: N_("nudge"),
    NoticeKind.REMATCH_OFFER: N_("rematch offer"),
    NoticeKind.ONE_SIDED: N_("one sided"),
    NoticeKind.TRIAL: N_("trial"),
    NoticeKind.MISSED: N_("missed"),
    NoticeKind.WELCOME: N_("welcome"),
    NoticeKind.FAREWELL: N_("farewell"),
    NoticeKind.INVITATION: N_("invitation"),
    NoticeKind.ANSWERS: N_("answers"),
    NoticeKind.SCHEDULE_PROPOSAL: N_("schedule proposal"),
    NoticeKind.CADENCE_PROPOSAL: N_("cadence proposal"),
    NoticeKind.MILESTONE_ADDED: N_("milestone added"),
    NoticeKind.MILESTONE_REQUEST: N_("milestone request"),
    NoticeKind.SETTLE_PROPOSAL: N_("settle proposal"),
    NoticeKind.CELEBRATION: N_("celebration"),
    NoticeKind.RECAP: N_("recap"),
    NoticeKind.REVIEW: N_("review"),
    NoticeKind.MENTOR_QUESTION: N_("mentor question"),
    NoticeKind.PAUSE_STARTED: N_("pause started"),
    NoticeKind.PAUSE_ENDED: N_("pause ended"),
}


def bad_currency(longest: int) -> str:
    return _(
        "The currency label must be 1 to {longest} characters, like `points` or `USD`.",
        longest=longest,
    )


def bad_max_pledge(largest: int) -> str:
    return _(
        "The largest pledge must be between 0 and {largest} whole units.",
        largest=whole_number(largest),
    )


def missing_permissions(problems: list[str]) -> str:
    return "\n".join([_(MISSING_PERMISSIONS), *problems])


def permission_problem(channel: str, missing: list[str]) -> str:
    """One channel and the permissions Tandem lacks there, by Discord's names."""
    # Translators: a channel, then the permissions Tandem lacks in it.
    return _("{channel}: {permissions}", channel=channel, permissions=", ".join(missing))


def unknown_language(typed: str) -> str:
    return _("I don't speak “{language}” yet. Pick a language from the list.", language=typed[:40])


def settings(
    leaderboard_channel_id: int,
    partner_channel_id: int,
    max_pledge: int,
    currency: str,
    recap: WeeklyTime,
    next_recap: datetime,
    language: str,
    chosen: bool,
) -> list[str]:
    """Where Tandem posts, the pledge limit, when the next recap comes (for each
    moderator in their own clock, the agreed weekly time in its zone beside it), and the
    language of public messages (`language`, by name; not `chosen`: Discord's own)."""
    return [
        _("• Celebrations and recaps: {channel}", channel=f"<#{leaderboard_channel_id}>"),
        # Translators: {recap} is a weekday, a time and a zone ("Sunday 18:00 (UTC)").
        _(
            "• Weekly recap: {recap}, next {when}",
            recap=recap.label(),
            when=stamp(next_recap, Stamp.FULL),
        ),
        _("• Partner threads: under {channel}", channel=f"<#{partner_channel_id}>"),
        _(
            "• Pledges: up to **{amount} {currency}** per milestone",
            amount=max_pledge,
            currency=currency_label(currency),
        ),
        _("• Public messages in: **{language}**", language=language)
        if chosen
        else _(
            "• Public messages in: **{language}** (Discord's server language)",
            language=language,
        ),
    ]


def voice_on(category_id: int, cap: int, opened: int) -> str:
    """Where rooms open, how many may be open at once, and how many are now."""
    # Translators: {category} is a channel category, {cap} the most rooms open at once.
    return ngettext(
        "• Voice rooms: under {category}, at most {cap} at once, {count} open now",
        "• Voice rooms: under {category}, at most {cap} at once, {count} open now",
        opened,
        category=f"<#{category_id}>",
        cap=cap,
    )


def missing(problem: str) -> str:
    return _("⚠️ Missing permissions: {problem}", problem=problem)


def undeliverable_heading(count: int) -> str:
    return ngettext(
        "⚠️ **{count} undeliverable message** (retried for a week; check the channels and my"
        " permissions):",
        "⚠️ **{count} undeliverable messages** (retried for a week; check the channels and my"
        " permissions):",
        count,
    )


def undeliverable_item(item: Undeliverable) -> str:
    """One message given up on: the pair's, or a channel's, and what kind it was."""
    label = KIND_LABELS.get(item.kind)  # NoticeKind members are their values
    kind = _(label) if label else item.kind.replace("_", " ")
    if item.partnership_id is None:
        return f"• <#{item.channel_id}>: {kind}"
    # Translators: a partnership by its number and its two members, then a kind of message.
    return _(
        "• pair #{pair} ({members}): {kind}",
        pair=item.partnership_id,
        members=" & ".join(mention(m) for m in item.members),
        kind=kind,
    )


# -- the health view (`/setup health:True`) -----------------------------------------------

ONLY_HEALTH = N_(
    "`health` is shown alone: run `/setup health:True` without other options. Nothing was changed."
)
HEALTH_TITLE = N_("Tandem's health")
CHECKINS_HEADING = N_("Check-ins made, by week")
WAITING_HEADING = N_("Members waiting, by course")
ALL_WELL = N_("✅ Nothing needs you now.")
EVERYTHING_WORKS = N_("All messages delivered, no permission missing")
# What keeps members waiting in a course apart (`bot.health.Blocker`).
BLOCKERS = {
    Blocker.LANGUAGE: N_("no shared language"),
    Blocker.PACE: N_("paces too far apart"),
    Blocker.TIME: N_("no check-in times within 3 hours"),
    Blocker.PARTNERED_BEFORE: N_("they were partners before"),
}
# What lets them be matched, said after why they are not.
UNBLOCKING = {
    Blocker.LANGUAGE: N_("They can add a language with `/profile languages:`."),
    Blocker.PACE: N_("They can change their pace with `/partner find`."),
    Blocker.TIME: N_("They can change their time with `/partner find`."),
    Blocker.PARTNERED_BEFORE: N_("They can pair again with `/partner request`."),
}
# The longest a course name may be in the health view's text, so it stays short.
COURSE_IN_TEXT = 32


def percent(share: float) -> str:
    """A share as the reader's language writes a percentage: `75%`, `75 %`."""
    return format_percent(share, locale=babel_locale())


def number(count: int, counted_at_most: int | None = None) -> str:
    """A count as the reader's language writes it; `1,000+` when counting stopped there."""
    shown = whole_number(count)
    return f"{shown}+" if counted_at_most is not None and count >= counted_at_most else shown


def active_pairs(count: int) -> str:
    return ngettext(
        "**{count}** active pair", "**{count}** active pairs", count, count=number(count)
    )


def quiet_pairs(count: int) -> str:
    """Pairs with a partner quiet for two check-ins, which is 14 days for a weekly pair."""
    return ngettext(
        "**{count}** quiet for 14+ days",
        "**{count}** quiet for 14+ days",
        count,
        count=number(count),
    )


def last_week(week: WeekShare) -> str:
    share = week.share
    if share is None:
        return _("no check-ins were due last week")
    # Translators: {share} is a percentage, e.g. "75%".
    return _("**{share}** of last week's check-ins made", share=percent(share))


def recent_milestones(confirmed: int, missed: int) -> str:
    return " · ".join(
        [
            ngettext(
                "🎯 **{count}** milestone confirmed in 30 days",
                "🎯 **{count}** milestones confirmed in 30 days",
                confirmed,
                count=number(confirmed),
            ),
            ngettext("**{count}** missed", "**{count}** missed", missed, count=number(missed)),
        ]
    )


def waiting(count: int) -> str:
    return ngettext(
        "⏳ **{count}** member waiting",
        "⏳ **{count}** members waiting",
        count,
        count=number(count),
    )


def health_summary(health: Health, missing: list[str]) -> str:
    """Three short lines: the pairs, the milestones and the queue, then the one thing to
    look at first and what to do about it."""
    return "\n".join(
        [
            "🩺 "
            + " · ".join(
                [
                    active_pairs(health.active_pairs),
                    quiet_pairs(health.quiet_pairs),
                    last_week(health.last_week),
                ]
            ),
            f"{recent_milestones(health.confirmed, health.missed)} · {waiting(health.waiting)}",
            worst_line(health, missing),
        ]
    )


def worst_line(health: Health, missing: list[str]) -> str:
    """The worst problem (`bot.health.worst_problem`) in one line, with its next step."""
    problem = worst_problem(health, len(missing))
    stuck = health.stuck
    if problem is Problem.MISSING_PERMISSIONS:
        return missing[0]
    if problem is Problem.UNDELIVERABLE:
        return ngettext(
            "⚠️ {count} message could not be delivered: `/setup` lists it.",
            "⚠️ {count} messages could not be delivered: `/setup` lists them.",
            health.undeliverable,
            count=number(health.undeliverable, UNDELIVERABLE_COUNTED),
        )
    if problem is Problem.STUCK_COURSE and stuck is not None and stuck.blocker is not None:
        return stuck_course(stuck, stuck.blocker)
    if problem is Problem.QUIET_PAIRS:
        return ngettext(
            "😶 {count} pair has a partner quiet for 14+ days; I have nudged them.",
            "😶 {count} pairs have a partner quiet for 14+ days; I have nudged them.",
            health.quiet_pairs,
            count=number(health.quiet_pairs),
        )
    return _(ALL_WELL)


def stuck_course(course: CourseWait, blocker: Blocker) -> str:
    """Members of a course who cannot be matched with each other, since when, why, and
    what would let them be."""
    # Translators: {when} is a date; {reason} says why they cannot be matched.
    waits = ngettext(
        "⏳ {count} member waits in **{course}** since {when}: {reason}.",
        "⏳ {count} members wait in **{course}** since {when}: {reason}.",
        course.waiting,
        count=number(course.waiting),
        course=shortened(course.course, COURSE_IN_TEXT),
        when=stamp(course.since, Stamp.LONG_DATE),
        reason=_(BLOCKERS[blocker]),
    )
    return f"{waits} {_(UNBLOCKING[blocker])}"
