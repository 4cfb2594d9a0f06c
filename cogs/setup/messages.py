"""What `/setup` says to moderators: a private reply, so a zone name may help there."""

from __future__ import annotations

from datetime import datetime

from babel.numbers import format_decimal

from bot.i18n import N_, _, babel_locale, ngettext
from bot.ledger import currency_label
from bot.models import NoticeKind, VoiceFault
from bot.schedule import WeeklyTime
from bot.store.outbox import Undeliverable
from cogs.common.text import Stamp, mention, stamp

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
        largest=format_decimal(largest, locale=babel_locale()),
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
