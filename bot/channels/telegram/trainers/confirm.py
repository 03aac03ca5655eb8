"""The trainer's "Xuất bản", "Khôi phục", "Gửi thông báo" and "Hủy" buttons, and what they do.

Why it looks like this:
- Every press is answered first (Telegram shows a spinner until it is); a press by someone not
  on the trainers' list is answered with the refusal and changes nothing.
- The press must carry the token of the trainer's one pending request, which it then takes:
  an expired, replaced or repeated press is explained and does nothing. The request is in the
  gateways' shared state, so the press may reach any replica.
- A publish checks the kept file again, and a rollback is planned again, against the live
  version (`requests.py`): the same file on the same version gives the changes the trainer
  saw; another version published meanwhile is a conflict.
- The keyboard is removed once a request is taken, so the chat shows it was acted on.
- A publish or rollback that finds another version published meanwhile is refused
  (`publishing.Conflict`), never written over; the trainer is told to look again. A review
  queue decision is planned again and carried out by `review.py`, with the same refusals.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from telegram import CallbackQuery, Message, Update
from telegram.error import TelegramError

from bot.channels.telegram.context import Context
from bot.channels.telegram.trainers.announce import TrainerAnnouncements
from bot.channels.telegram.trainers.kb import RollbackPlan, TrainerKnowledgeBase
from bot.channels.telegram.trainers.pending import PendingConfirmations
from bot.channels.telegram.trainers.replies import CANCEL, TrainerReplies, pressed
from bot.channels.telegram.trainers.report import clip, published, taking_effect
from bot.channels.telegram.trainers.requests import (
    AnnouncementRequest,
    PublishRequest,
    Request,
    ReviewRequest,
    RollbackRequest,
    request_of,
)
from bot.channels.telegram.trainers.review import TrainerReview
from bot.kb import publishing
from bot.kb.diff import Diff
from bot.kb.proposal import Proposal
from bot.store.shared_state import StateUnavailable
from bot.texts import texts

log = logging.getLogger(__name__)


class TrainerConfirmations:
    """Acts on the trainers' presses: publish, roll back or announce what they confirmed."""

    def __init__(
        self,
        replies: TrainerReplies,
        pending: PendingConfirmations,
        kb: TrainerKnowledgeBase,
        announcements: TrainerAnnouncements,
        review: TrainerReview | None = None,
    ) -> None:
        """Take requests from `pending`; act on `kb`, through `announcements` and `review`."""
        self._review = review
        self._replies = replies
        self._pending = pending
        self._kb = kb
        self._announcements = announcements

    async def on_button(self, update: Update, context: Context) -> None:
        """Do (or drop) the trainer's pending request that the pressed button belongs to."""
        said = texts("bot.channels.telegram")
        query = update.callback_query
        user = update.effective_user
        if query is None:
            return
        if user is None or not self._replies.is_trainer(update):
            log.info("a trainer's button pressed by someone not on the trainers' list was refused")
            await _answer(query, said.say("trainer.not_trainer"))
            return
        await _answer(query)
        action, token = pressed(query.data if isinstance(query.data, str) else "")
        try:
            item = await self._pending.take(user.id, token) if action else None
        except StateUnavailable as error:
            log.error("a trainer's pending request could not be read (%s)", error)
            await self._replies.send(update, context, said.say("trainer.not_kept"))
            return
        request: Request | None = request_of(item) if item is not None else None
        if isinstance(request, ReviewRequest) and self._review is None:
            request = None  # kept by a replica with the review queue; this one has none
        if request is None:
            minutes = self._pending.ttl_minutes
            await self._replies.send(update, context, said.say("trainer.expired", minutes=minutes))
            return
        await _drop_keyboard(query)
        if action == CANCEL:
            cancelled = (
                texts("bot.announce").say("cancelled")
                if isinstance(request, AnnouncementRequest)
                else said.say("trainer.cancelled")
            )
            await self._replies.send(update, context, cancelled)
        elif isinstance(request, PublishRequest):
            await self._publish(update, context, request)
        elif isinstance(request, RollbackRequest):
            await self._roll_back(update, context, request)
        elif isinstance(request, ReviewRequest) and self._review is not None:
            await self._review.carry_out(update, context, request)
        elif isinstance(request, AnnouncementRequest):
            await self._announce(update, context, request)

    async def _publish(self, update: Update, context: Context, request: PublishRequest) -> None:
        """Check the kept file again on the same live version, and publish it."""
        author = self._replies.author(update)
        checked: list[Proposal] = []

        def publish() -> publishing.Version:
            proposal = self._kb.propose_again(request.name, request.content, request.base)
            checked.append(proposal)
            return self._kb.publish(proposal, author)

        version = await self._kb_change(update, context, publish, "conflict")
        if version is not None:
            diff = checked[0].diff
            await self._after_change(update, context, published(version, diff), diff, version)

    async def _roll_back(self, update: Update, context: Context, request: RollbackRequest) -> None:
        """Plan the rollback again on the same live version, and publish the old one's copy."""
        author = self._replies.author(update)
        planned: list[RollbackPlan] = []

        def roll_back() -> publishing.Version:
            diff = self._kb.plan_rollback(request.number).diff
            planned.append(RollbackPlan(request.number, request.base, diff))
            return self._kb.roll_back(planned[0], author)

        version = await self._kb_change(
            update, context, roll_back, "rollback_conflict", request.number
        )
        if version is not None:
            plan = planned[0]
            text = texts("bot.channels.telegram").say(
                "trainer.rolled_back",
                version=version.number,
                restored=plan.number,
                previous=plan.base,
            )
            effect = taking_effect(plan.diff)
            text = f"{text}\n\n{effect}" if effect else text
            await self._after_change(update, context, text, plan.diff, version)

    async def _kb_change(
        self,
        update: Update,
        context: Context,
        change: Callable[[], publishing.Version],
        conflict_text: str,
        number: int | None = None,
    ) -> publishing.Version | None:
        """Run `change` in a thread; the new version, or None once the trainer is told why not."""
        said = texts("bot.channels.telegram")
        try:
            version = await asyncio.to_thread(change)
        except publishing.Conflict as conflict:
            text = said.say(f"trainer.{conflict_text}", actual=conflict.actual, version=number)
        except publishing.InvalidKnowledgeBase as invalid:
            text = clip("\n".join([said.say("trainer.invalid"), *invalid.problems]))
        except (OSError, publishing.UnknownVersion) as error:
            log.error("a trainer's change was not published (%s)", type(error).__name__)
            text = said.say("trainer.failed")
        else:
            return version
        await self._replies.send(update, context, text)
        return None

    async def _after_change(
        self,
        update: Update,
        context: Context,
        text: str,
        diff: Diff,
        version: publishing.Version,
    ) -> None:
        """Start retraining if the change needs it, then tell the trainer."""
        if diff.needs_training or version.needs_training:
            started = await asyncio.to_thread(self._kb.start_training)
            text += "\n\n" + texts("bot.channels.telegram").say(
                "trainer.training_started" if started else "trainer.training_not_started"
            )
        await self._replies.send(update, context, text)

    async def _announce(
        self, update: Update, context: Context, request: AnnouncementRequest
    ) -> None:
        """Start sending the announcement and say so; the counts follow when it is done."""
        chat = update.effective_chat
        if chat is None:
            return
        self._announcements.start(request.text, context.bot, chat.id)
        sending = texts("bot.announce").say("telegram.sending", total=request.total)
        await self._replies.send(update, context, sending)


async def _answer(query: CallbackQuery, alert: str | None = None) -> None:
    """Answer a press; Telegram stops the spinner anyway, so a failure changes nothing."""
    try:
        await query.answer(alert, show_alert=alert is not None)
    except TelegramError as error:
        log.warning("a button press could not be answered (%s)", type(error).__name__)


async def _drop_keyboard(query: CallbackQuery) -> None:
    """Remove the buttons from the message pressed, so it shows the request was taken."""
    if isinstance(query.message, Message):
        with contextlib.suppress(TelegramError):
            await query.edit_message_reply_markup(None)
