"""The review queue for trainers on Telegram: /hangcho, then a button per group.

Why it looks like this:
- /hangcho lists the largest groups still to review, one message each with its examples and
  two buttons: attach to the suggested article, or dismiss. The listing is remembered per
  trainer (a token its buttons repeat, as the confirmations' are), so an old list's button
  is refused once a newer /hangcho replaced it.
- A press changes nothing yet: it shows what would change (the knowledge base's diff, as a
  file's upload does) and waits for the trainers' usual confirmation ("Xuất bản" or "Bỏ qua",
  and "Hủy"), handled in `confirm.py`. Nothing is attached without the trainer's two clicks.
- Reading the queue and publishing take files, databases and the publishing lock: threads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from telegram import CallbackQuery, Update
from telegram.error import TelegramError

from bot.channels.telegram.channel import CHANNEL
from bot.channels.telegram.context import Context
from bot.channels.telegram.trainers.pending import PendingConfirmations
from bot.channels.telegram.trainers.replies import TrainerReplies, confirm_buttons
from bot.channels.telegram.trainers.report import changes, clip, published
from bot.display import shorten, vietnam_time
from bot.kb import publishing
from bot.messages import Button
from bot.metrics import Metrics
from bot.review.decisions import ReviewPlan, ReviewProblem, plan_dismiss
from bot.review.queue import QueueGroup
from bot.review.service import QueueUnavailable, ReviewService
from bot.store.review_decisions import DISMISSED
from bot.texts import texts

log = logging.getLogger(__name__)

PREFIX = "hangcho:"
ATTACH, DISMISS = "a", "d"
SHOWN = 5  # groups per /hangcho
EXAMPLES = 3
VIA = "telegram"


@dataclass(frozen=True)
class ReviewRequest:
    """A decision on a group of the queue, waiting for the trainer's confirmation."""

    plan: ReviewPlan


def _say(key: str, **values: object) -> str:
    return texts("bot.channels.telegram").say(f"trainer.review.{key}", **values)


class TrainerReview:
    """/hangcho and its buttons; confirmed decisions are carried out by `carry_out`."""

    def __init__(
        self,
        replies: TrainerReplies,
        service: ReviewService,
        confirm: Callable[[int, ReviewRequest], str],
        ttl_minutes: int,
        metrics: Metrics,
    ) -> None:
        """Read and decide through `service`; ask to confirm through `confirm` (its token)."""
        self._replies = replies
        self._service = service
        self._confirm = confirm
        self._ttl_minutes = ttl_minutes
        self._metrics = metrics
        self._listings: PendingConfirmations[list[QueueGroup]] = PendingConfirmations()

    async def on_hangcho(self, update: Update, context: Context) -> None:
        """List the largest groups still to review, each with its two buttons."""
        self._metrics.message_in(CHANNEL)
        trainer = await self._replies.trainer(update, context)
        if trainer is None:
            return
        await self._replies.typing(update, context)
        try:
            queue = await asyncio.to_thread(self._service.queue)
        except QueueUnavailable as unavailable:
            await self._replies.send(update, context, str(unavailable))
            return
        except SQLAlchemyError as error:
            log.error("the review queue could not be read (%s)", type(error).__name__)
            await self._replies.send(update, context, _say("unavailable"))
            return
        if not queue:
            await self._replies.send(update, context, _say("empty"))
            return
        shown = queue[:SHOWN]
        token = self._listings.put(trainer, shown)
        await self._replies.send(
            update, context, _say("heading", total=len(queue), shown=len(shown))
        )
        for number, group in enumerate(shown):
            await self._replies.send(
                update, context, _describe(number + 1, group), _buttons(token, number, group)
            )

    async def on_pick(self, update: Update, context: Context) -> None:
        """Show what the pressed decision would change, and ask to confirm it."""
        query = update.callback_query
        user = update.effective_user
        if query is None:
            return
        if user is None or not self._replies.is_trainer(update):
            log.info("a review button pressed by someone not on the trainers' list was refused")
            await _answer(query, texts("bot.channels.telegram").say("trainer.not_trainer"))
            return
        await _answer(query)
        action, token, number = _pressed(query.data if isinstance(query.data, str) else "")
        listing = self._listings.peek(user.id, token) if action else None
        if listing is None or not 0 <= number < len(listing):
            await self._replies.send(update, context, _say("expired"))
            return
        group = listing[number]
        try:
            plan = await asyncio.to_thread(self._plan, group, action)
        except ReviewProblem as problem:
            await self._replies.send(update, context, clip("\n".join(problem.messages)))
            return
        confirm = self._confirm(user.id, ReviewRequest(plan))
        if plan.decision == DISMISSED:
            text = _say("confirm_dismiss", question=shorten(group.representative, 200))
            keys = confirm_buttons("dismiss", confirm)
        else:
            text = changes(plan.diff, plan.proposal.base_version if plan.proposal else None)
            text += "\n\n" + _say("confirm_attach", minutes=self._ttl_minutes)
            keys = confirm_buttons("publish", confirm)
        await self._replies.send(update, context, text, keys)

    def _plan(self, group: QueueGroup, action: str) -> ReviewPlan:
        if action == DISMISS or group.suggestion is None:
            return plan_dismiss(group)
        return self._service.plan_attach(group, group.suggestion.article_id)

    async def carry_out(self, update: Update, context: Context, request: ReviewRequest) -> None:
        """Publish (or dismiss) the confirmed decision and say what became of it."""
        said = texts("bot.channels.telegram")
        plan = request.plan
        author = self._replies.author(update)
        try:
            version = await asyncio.to_thread(self._service.carry_out, plan, author, VIA)
        except publishing.Conflict as conflict:
            text = _say("conflict", actual=conflict.actual)
        except publishing.InvalidKnowledgeBase as invalid:
            text = clip("\n".join([said.say("trainer.invalid"), *invalid.problems]))
        except (OSError, SQLAlchemyError) as error:
            log.error("a review decision was not carried out (%s)", type(error).__name__)
            text = said.say("trainer.failed")
        else:
            text = published(version, plan.diff) if version is not None else _say("dismissed")
        await self._replies.send(update, context, text)


def _describe(number: int, group: QueueGroup) -> str:
    """A group as a trainer reads it: the question, how often and when, examples, suggestion."""
    others = [p for p in group.phrasings if p != group.representative][:EXAMPLES]
    last = vietnam_time(group.last_seen)
    suggestion = group.suggestion
    return "\n".join(
        [
            _say("group", number=number, question=shorten(group.representative, 300)),
            _say("counts", size=group.size, not_helpful=group.not_helpful, last=last),
            *(_say("example", text=shorten(p, 200)) for p in others),
            _say("suggestion", title=suggestion.title) if suggestion else _say("no_suggestion"),
        ]
    )


def _buttons(token: str, number: int, group: QueueGroup) -> tuple[Button, ...]:
    dismiss = Button(_say("dismiss_button"), f"{PREFIX}{DISMISS}:{token}:{number}")
    if group.suggestion is None:
        return (dismiss,)
    title = shorten(group.suggestion.title, 40)
    return (
        Button(_say("attach_button", title=title), f"{PREFIX}{ATTACH}:{token}:{number}"),
        dismiss,
    )


def _pressed(data: str) -> tuple[str, str, int]:
    """The action (ATTACH or DISMISS, else ""), the listing's token and the group's number."""
    action, _, rest = data.removeprefix(PREFIX).partition(":")
    token, _, number = rest.partition(":")
    if action not in (ATTACH, DISMISS) or not (number.isascii() and number.isdigit()):
        return "", "", -1
    return action, token, int(number)


async def _answer(query: CallbackQuery, alert: str | None = None) -> None:
    try:
        await query.answer(alert, show_alert=alert is not None)
    except TelegramError as error:
        log.warning("a button press could not be answered (%s)", type(error).__name__)
