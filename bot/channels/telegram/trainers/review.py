"""The review queue for trainers on Telegram: /hangcho, then a button per group.

Why it looks like this:
- /hangcho lists the largest groups still to review, one message each with its examples and
  two buttons: attach to the suggested article, or dismiss. The listing (each group's key and
  the article its button named) is kept per trainer in the gateways' shared state for a while,
  under a token its buttons repeat: any replica can take the press, and an old list's button
  is refused once a newer /hangcho replaced it. The buttons' data stays far under Telegram's
  64 bytes (`hangcho:a:<token>:<n>`).
- A press changes nothing yet: the group is found again, the decision planned and shown (the
  knowledge base's diff, as a file's upload does), and the request kept as the trainers' usual
  pending confirmation ("Xuất bản" or "Bỏ qua", and "Hủy"), handled in `confirm.py`. Nothing
  is attached without the trainer's two clicks.
- On the confirmation the group is found and planned again (`requests.ReviewRequest` keeps only
  what that needs): refused if it was decided elsewhere, if new questions joined it since the
  trainer saw it, or if another version went live meanwhile, as a publish is.
- Reading the queue and publishing take files, databases and the publishing lock: threads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.channels.telegram.channel import CHANNEL
from bot.channels.telegram.context import AnyApplication, Context
from bot.channels.telegram.trainers.pending import PendingConfirmations
from bot.channels.telegram.trainers.replies import TrainerReplies, confirm_buttons
from bot.channels.telegram.trainers.report import changes, clip, published
from bot.channels.telegram.trainers.requests import ReviewRequest, kept
from bot.display import shorten, vietnam_time
from bot.kb import publishing
from bot.messages import Button
from bot.metrics import Metrics
from bot.review.decisions import ReviewPlan, ReviewProblem, plan_dismiss
from bot.review.queue import QueueGroup
from bot.review.service import QueueUnavailable, ReviewService
from bot.store.shared_state import StateUnavailable
from bot.texts import texts

log = logging.getLogger(__name__)

PREFIX = "hangcho:"
ATTACH, DISMISS = "a", "d"
SHOWN = 5  # groups per /hangcho
EXAMPLES = 3
VIA = "telegram"
LISTING_SECONDS = 2 * 60 * 60  # how long a /hangcho listing's buttons can be pressed

T = TypeVar("T")


class Stale(Exception):
    """The group is not as the trainer saw it; `key` (of `trainer.review`) says how."""

    def __init__(self, key: str) -> None:
        """Keep the text's key."""
        super().__init__(key)
        self.key = key


def _say(key: str, **values: object) -> str:
    return texts("bot.channels.telegram").say(f"trainer.review.{key}", **values)


class TrainerReview:
    """/hangcho and its buttons; confirmed decisions are carried out by `carry_out`."""

    def __init__(
        self,
        replies: TrainerReplies,
        service: ReviewService,
        pending: PendingConfirmations,
        metrics: Metrics,
    ) -> None:
        """Read and decide through `service`; ask to confirm in `pending`, list beside it."""
        self._replies = replies
        self._service = service
        self._pending = pending
        self._listings = pending.beside("trainer-review", LISTING_SECONDS)
        self._metrics = metrics

    def install(self, application: AnyApplication) -> None:
        """Add /hangcho (private chats, new messages) and its buttons' handler."""
        only = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        application.add_handler(CallbackQueryHandler(self.on_pick, pattern=f"^{PREFIX}"))
        application.add_handler(CommandHandler("hangcho", self.on_hangcho, filters=only))

    async def on_hangcho(self, update: Update, context: Context) -> None:
        """List the largest groups still to review, each with its buttons."""
        self._metrics.message_in(CHANNEL)
        trainer = await self._replies.trainer(update, context)
        if trainer is None:
            return
        await self._replies.typing(update, context)
        queue = await self._read(update, context, self._service.queue)
        if queue is None:
            return
        if not queue:
            await self._replies.send(update, context, _say("empty"))
            return
        shown = queue[:SHOWN]
        listed = [[g.key, g.suggestion.article_id if g.suggestion else None] for g in shown]
        token = await self._keep(update, context, self._listings, trainer, {"groups": listed})
        if token is None:
            return
        heading = _say("heading", total=len(queue), shown=len(shown))
        await self._replies.send(update, context, heading)
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
        try:
            listing = await self._listings.peek(user.id, token) if action else None
        except StateUnavailable as error:
            log.error("a trainer's review listing could not be read (%s)", error)
            not_kept = texts("bot.channels.telegram").say("trainer.not_kept")
            await self._replies.send(update, context, not_kept)
            return
        listed = _listed(listing, number)
        if listed is None or (action == ATTACH and listed[1] is None):
            await self._replies.send(update, context, _say("expired"))
            return
        key, article = listed
        article = article if action == ATTACH else None
        plan = await self._read(update, context, lambda: self._plan(key, article))
        if plan is None:
            return
        base = plan.proposal.base_version if plan.proposal else None
        request = ReviewRequest(plan.group.key, plan.group.phrasings, plan.article_id, base)
        confirm = await self._keep(update, context, self._pending, user.id, kept(request))
        if confirm is None:
            return
        if plan.proposal is None:
            text = _say("confirm_dismiss", question=shorten(plan.group.representative, 200))
            keys = confirm_buttons("dismiss", confirm)
        else:
            text = changes(plan.diff, base)
            text += "\n\n" + _say("confirm_attach", minutes=self._pending.ttl_minutes)
            keys = confirm_buttons("publish", confirm)
        await self._replies.send(update, context, text, keys)

    async def carry_out(self, update: Update, context: Context, request: ReviewRequest) -> None:
        """Plan the confirmed decision again, publish (or dismiss) it and say what became of it."""
        said = texts("bot.channels.telegram")
        author = self._replies.author(update)
        try:
            version, plan = await asyncio.to_thread(self._carry_out, request, author)
        except Stale as stale:
            text = _say(stale.key)
        except QueueUnavailable as unavailable:
            text = str(unavailable)
        except ReviewProblem as problem:
            text = clip("\n".join(problem.messages))
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

    def _plan(self, key: str, article: str | None) -> ReviewPlan:
        """Attach the group `key` to `article`, or dismiss it (None); Stale if it is gone."""
        group = self._service.group(key)
        if group is None:
            raise Stale("gone")
        if article is None:
            return plan_dismiss(group)
        return self._service.plan_attach(group, article)

    def _carry_out(
        self, request: ReviewRequest, author: str
    ) -> tuple[publishing.Version | None, ReviewPlan]:
        """The request planned again as the trainer saw it, then carried out."""
        plan = self._plan(request.group_key, request.article_id)
        if set(plan.group.phrasings) != set(request.phrasings):
            raise Stale("changed")
        base = plan.proposal.base_version if plan.proposal else None
        if plan.proposal is not None and base != request.base:
            raise publishing.Conflict(request.base, base)
        return self._service.carry_out(plan, author, VIA), plan

    async def _read(self, update: Update, context: Context, read: Callable[[], T]) -> T | None:
        """`read()` in a thread; None once the trainer is told why it failed."""
        try:
            return await asyncio.to_thread(read)
        except Stale as stale:
            text = _say(stale.key)
        except ReviewProblem as problem:
            text = clip("\n".join(problem.messages))
        except QueueUnavailable as unavailable:
            text = str(unavailable)
        except SQLAlchemyError as error:
            log.error("the review queue could not be read (%s)", type(error).__name__)
            text = _say("unavailable")
        await self._replies.send(update, context, text)
        return None

    async def _keep(
        self,
        update: Update,
        context: Context,
        where: PendingConfirmations,
        trainer: int,
        item: dict[str, Any],
    ) -> str | None:
        """Keep `item` for `trainer` in `where`; its token, or None once told it failed."""
        try:
            return await where.put(trainer, item)
        except StateUnavailable as error:
            log.error("a trainer's review step could not be kept (%s)", error)
            not_kept = texts("bot.channels.telegram").say("trainer.not_kept")
            await self._replies.send(update, context, not_kept)
            return None


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
    if action not in (ATTACH, DISMISS) or not (
        number.isascii() and number.isdigit() and len(number) <= 2
    ):
        return "", "", -1
    return action, token, int(number)


def _listed(listing: dict[str, Any] | None, number: int) -> tuple[str, str | None] | None:
    """The group key and suggested article of entry `number` of a kept listing, if valid."""
    groups = listing.get("groups") if listing is not None else None
    if not isinstance(groups, list) or not 0 <= number < len(groups):
        return None
    entry = groups[number]
    if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)):
        return None
    key, article = entry
    return (key, article) if article is None or isinstance(article, str) else None


async def _answer(query: CallbackQuery, alert: str | None = None) -> None:
    """Answer a press; Telegram stops the spinner anyway, so a failure changes nothing."""
    try:
        await query.answer(alert, show_alert=alert is not None)
    except TelegramError as error:
        log.warning("a button press could not be answered (%s)", type(error).__name__)
