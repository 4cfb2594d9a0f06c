"""The one button a partner answers a request with: Confirm, or (where offered) Not yet.

Every kind of request (a new weekly time or cadence, a milestone done or moved, a settlement) is
answered the same way: only the other partner of that pair may answer, once; the
answer is stored with its change, and the request's message is redrawn with the
outcome through the outbox. Buttons survive restarts: everything is in the custom id.
"""

from __future__ import annotations

import re
from typing import Any, Self

import discord

from bot.errors import UserError
from bot.i18n import N_, _
from bot.log import get
from bot.models import RequestKind
from cogs.common import SafeButton, button, pair_member, tandem

log = get("requests")

# The answer buttons' labels (a message may name them: "press **Confirm**").
CONFIRM = N_("Confirm")
# Translators: a button: turn a partner's request down for now.
NOT_YET = N_("Not yet")
# Who may not answer a request: the member who asked, in each kind's words.
NOT_YOURS = {
    RequestKind.SCHEDULE: N_("Your partner has to confirm the new time, not you."),
    RequestKind.CADENCE: N_("Your partner has to answer the new rhythm, not you."),
    RequestKind.MILESTONE: N_(
        "Your partner has to answer this, not you: nobody confirms their own milestone."
    ),
    RequestKind.SETTLE: N_("Your partner has to confirm the settlement, not you."),
}
# Buttons posted by earlier versions: `tandem:schedule:<id>`, `tandem:settle:<id>` and
# `tandem:ms:<id>:confirm|reject`, still answered after an upgrade.
_LEGACY = {
    "ms": RequestKind.MILESTONE,
    "schedule": RequestKind.SCHEDULE,
    "settle": RequestKind.SETTLE,
}


class AnswerButton(
    SafeButton,
    template=r"tandem:(?:answer:(?P<kind>schedule|cadence|milestone|settle):(?P<request_id>\d+)"
    r":(?P<answer>confirm|decline)|(?P<legacy>schedule|settle|ms):(?P<legacy_id>\d+)"
    r"(?::(?P<legacy_answer>confirm|reject))?)",
):
    def __init__(self, kind: RequestKind, request_id: int, answer: str) -> None:
        confirm = answer == "confirm"
        super().__init__(
            button(
                _(CONFIRM) if confirm else _(NOT_YET),
                f"tandem:answer:{kind}:{request_id}:{answer}",
                discord.ButtonStyle.success if confirm else discord.ButtonStyle.secondary,
            )
        )
        self.kind = kind
        self.request_id = request_id
        self.answer = answer

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        if match["legacy"] is not None:
            answer = "decline" if match["legacy_answer"] == "reject" else "confirm"
            return cls(_LEGACY[match["legacy"]], int(match["legacy_id"]), answer)
        return cls(RequestKind(match["kind"]), int(match["request_id"]), match["answer"])

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        bot = tandem(interaction)
        request = await bot.store.requests.get(self.kind, self.request_id)
        if request is None:
            raise UserError(_("This request no longer exists."))
        # A new time or cadence needs a pair that lasts; a pool or a pledge still judged
        # outlives it.
        await pair_member(
            interaction,
            request.partnership_id,
            ended_ok=self.kind not in (RequestKind.SCHEDULE, RequestKind.CADENCE),
        )
        if interaction.user.id == request.asker_id:
            raise UserError(_(NOT_YOURS[self.kind]))
        answered = await bot.store.requests.answer(
            request, self.answer == "confirm", discord.utils.utcnow()
        )
        log.info(
            "%s request %s answered %s by member %s",
            self.kind,
            request.id,
            self.answer,
            interaction.user.id,
        )
        await interaction.response.defer()
        await bot.outbox.flush(answered.notices)


def answer_buttons(
    kind: RequestKind, request_id: int, *, decline: bool = False
) -> tuple[AnswerButton, ...]:
    """Confirm, and Not yet where a request may be turned down without replacing it."""
    confirm = AnswerButton(kind, request_id, "confirm")
    return (confirm, AnswerButton(kind, request_id, "decline")) if decline else (confirm,)
