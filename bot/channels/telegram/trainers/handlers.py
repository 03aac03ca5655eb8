"""Trainers on Telegram: knowledge base files, /lichsu, /khoiphuc, /thongbao and /hangcho (the
review queue, `review.py`) in private chats.

Why it looks like this:
- These handlers come before the officials' ones, so a document or a trainer command never
  reaches Rasa. Anyone not on HELPDESK_TELEGRAM_TRAINER_IDS who sends a document or a trainer
  command is told politely that only trainers may, and nothing changes.
- Nothing is changed on the first message: a file or command shows what would change (problems
  with row and column, or the diff; a rollback's diff; an announcement's reach) and waits for
  the trainer's button, handled in `confirm.py`. The request waits in the gateways' shared
  state (`pending.py`, `requests.py`), so any replica can take the press; when that state
  cannot be reached, the trainer is told nothing was changed and to try again.
- An edited message is left to the officials' handler, which says edits are not read: an edited
  /thongbao must not ask to announce twice.
"""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, BotCommand, BotCommandScopeChat, Document, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.announce.broadcast import AnnouncementInvalid
from bot.channels.telegram.channel import CHANNEL
from bot.channels.telegram.context import AnyApplication, Context, bot_commands
from bot.channels.telegram.trainers.announce import TrainerAnnouncements
from bot.channels.telegram.trainers.confirm import TrainerConfirmations
from bot.channels.telegram.trainers.files import (
    MAX_BYTES,
    TooLarge,
    accepted,
    download,
    plain_name,
    too_large,
)
from bot.channels.telegram.trainers.kb import TrainerKnowledgeBase
from bot.channels.telegram.trainers.pending import PendingConfirmations
from bot.channels.telegram.trainers.replies import PREFIX, TrainerReplies, confirm_buttons
from bot.channels.telegram.trainers.report import changes, history, problems
from bot.channels.telegram.trainers.requests import (
    AnnouncementRequest,
    PublishRequest,
    Request,
    RollbackRequest,
    kept,
)
from bot.channels.telegram.trainers.review import TrainerReview
from bot.display import shorten
from bot.kb import publishing
from bot.kb.proposal import Proposal
from bot.metrics import Metrics
from bot.plain_text import clean
from bot.review.service import ReviewService
from bot.store.shared_state import StateUnavailable
from bot.texts import texts

log = logging.getLogger(__name__)

COMMANDS = ("lichsu", "khoiphuc", "thongbao")
MEGABYTES = MAX_BYTES // (1024 * 1024)
_COMMAND = re.compile(r"\s*/\S*")


def arguments_of(text: str | None) -> str:
    """What follows the command (`/thongbao@bot`) in `text`, line breaks kept."""
    found = _COMMAND.match(text or "")
    return (text or "")[found.end() :] if found else (text or "")


class TrainerHandlers:
    """The trainers' handlers: their files, versions and announcements."""

    def __init__(
        self,
        trainer_ids: frozenset[int],
        kb: TrainerKnowledgeBase,
        announcements: TrainerAnnouncements,
        metrics: Metrics,
        pending: PendingConfirmations,
        review: ReviewService | None = None,
    ) -> None:
        """Let `trainer_ids` change `kb`, send through `announcements` and work the `review`
        queue; ask in `pending`."""
        self._replies = TrainerReplies(trainer_ids, metrics)
        self._kb = kb
        self._announcements = announcements
        self._metrics = metrics
        self._pending = pending
        self._review = TrainerReview(self._replies, review, pending, metrics) if review else None
        self._confirmations = TrainerConfirmations(
            self._replies, self._pending, kb, announcements, self._review
        )

    def install(self, application: AnyApplication) -> None:
        """Add the handlers to `application`; call before the officials' handlers are added."""
        private, new = filters.ChatType.PRIVATE, filters.UpdateType.MESSAGE
        application.add_handler(
            CallbackQueryHandler(self._confirmations.on_button, pattern=f"^{PREFIX}")
        )
        for name, callback in zip(
            COMMANDS, (self.on_lichsu, self.on_khoiphuc, self.on_thongbao), strict=True
        ):
            application.add_handler(CommandHandler(name, callback, filters=private & new))
        if self._review is not None:
            self._review.install(application)
        # Trainers' files of any kind are answered here; from anyone else, only knowledge base
        # files get the trainers-only reply, and a photo or PDF gets the usual "text only" note.
        knowledge_base_file = filters.Document.ALL & filters.Document.FileExtension("xlsx")
        for extension in ("csv", "yaml", "yml"):
            knowledge_base_file |= filters.Document.ALL & filters.Document.FileExtension(extension)
        trainers = filters.User(user_id=self._replies.trainer_ids)
        documents = (filters.Document.ALL & trainers) | knowledge_base_file
        application.add_handler(MessageHandler(private & new & documents, self.on_document))

    async def set_menu(self, bot: Bot) -> None:
        """Show the trainer commands in each trainer's own chat menu, after the officials' ones."""
        own = [
            BotCommand(name, str(text))
            for name, text in texts("bot.channels.telegram").labels("trainer.commands").items()
        ]
        for trainer in sorted(self._replies.trainer_ids):
            try:
                await bot.set_my_commands(
                    [*bot_commands(), *own], scope=BotCommandScopeChat(trainer)
                )
            except TelegramError as error:
                # Telegram knows no chat with a trainer who has never written to the bot.
                log.warning("a trainer's command menu was not set (%s)", type(error).__name__)

    async def aclose(self) -> None:
        """Give announcements in flight a while to finish."""
        await self._announcements.aclose()

    async def on_document(self, update: Update, context: Context) -> None:
        """Check a trainer's knowledge base file and show what publishing it would change."""
        said = texts("bot.channels.telegram")
        self._metrics.message_in(CHANNEL)
        trainer = await self._replies.trainer(update, context, "not_trainer_document")
        message = update.effective_message
        document = message.document if message is not None else None
        if trainer is None or document is None:
            return
        name = plain_name(document.file_name)
        shown = shorten(name, 60) or said.say("trainer.unnamed")
        if not accepted(name):
            await self._replies.send(update, context, said.say("trainer.unsupported", name=shown))
            return
        if too_large(document):
            await self._replies.send(
                update, context, said.say("trainer.too_large", name=shown, limit=MEGABYTES)
            )
            return
        await self._replies.typing(update, context)
        fetched = await self._fetch_and_propose(context.bot, document, name, shown)
        if isinstance(fetched, str):
            await self._replies.send(update, context, fetched)
            return
        proposal, content = fetched
        if proposal.problems:
            await self._replies.send(update, context, problems(proposal.problems, name))
        elif proposal.diff.is_empty:
            await self._replies.send(update, context, changes(proposal.diff, proposal.base_version))
        else:
            request = PublishRequest(name, content, proposal.base_version)
            token = await self._ask(update, context, trainer, request)
            if token is None:
                return
            minutes = self._pending.ttl_minutes
            text = changes(proposal.diff, proposal.base_version)
            text += "\n\n" + said.say("trainer.confirm_publish", minutes=minutes)
            await self._replies.send(update, context, text, confirm_buttons("publish", token))

    async def on_lichsu(self, update: Update, context: Context) -> None:
        """List the published versions, newest first, the live one marked."""
        self._metrics.message_in(CHANNEL)
        if await self._replies.trainer(update, context) is None:
            return
        versions, current = await asyncio.to_thread(self._kb.versions)
        await self._replies.send(update, context, history(versions, current))

    async def on_khoiphuc(self, update: Update, context: Context) -> None:
        """Show what restoring the version named would change, and ask to confirm."""
        said = texts("bot.channels.telegram")
        self._metrics.message_in(CHANNEL)
        trainer = await self._replies.trainer(update, context)
        message = update.effective_message
        if trainer is None or message is None:
            return
        argument = clean(arguments_of(message.text)).strip()
        if not argument:
            await self._replies.send(update, context, said.say("trainer.rollback_usage"))
            return
        if not (argument.isascii() and argument.isdigit() and len(argument) <= 6):
            value = shorten(argument, 30)
            await self._replies.send(
                update, context, said.say("trainer.not_a_version", value=value)
            )
            return
        number = int(argument)
        try:
            plan = await asyncio.to_thread(self._kb.plan_rollback, number)
        except publishing.UnknownVersion:
            await self._replies.send(
                update, context, said.say("trainer.unknown_version", version=number)
            )
            return
        if plan.diff.is_empty:
            await self._replies.send(
                update, context, said.say("trainer.already_current", version=number)
            )
            return
        token = await self._ask(update, context, trainer, RollbackRequest(number, plan.base))
        if token is None:
            return
        text = changes(plan.diff, plan.base) + "\n\n"
        text += said.say(
            "trainer.confirm_rollback", version=number, minutes=self._pending.ttl_minutes
        )
        await self._replies.send(update, context, text, confirm_buttons("rollback", token))

    async def on_thongbao(self, update: Update, context: Context) -> None:
        """Show the announcement and how many officials it would reach, and ask to confirm."""
        self._metrics.message_in(CHANNEL)
        trainer = await self._replies.trainer(update, context)
        message = update.effective_message
        if trainer is None or message is None:
            return
        text = clean(arguments_of(message.text)).strip()
        said = texts("bot.announce")
        if not text:
            await self._replies.send(update, context, said.say("telegram.usage"))
            return
        try:
            preview, total = await self._announcements.preview(text, self._pending.ttl_minutes)
        except AnnouncementInvalid as invalid:
            await self._replies.send(update, context, str(invalid))
            return
        except SQLAlchemyError as error:
            log.error("the announcement's audience could not be read (%s)", type(error).__name__)
            await self._replies.send(update, context, said.say("telegram.unavailable"))
            return
        if not total:
            await self._replies.send(update, context, preview)
            return
        token = await self._ask(update, context, trainer, AnnouncementRequest(text, total))
        if token is None:
            return
        await self._replies.send(update, context, preview, confirm_buttons("announce", token))

    async def _ask(
        self, update: Update, context: Context, trainer: int, request: Request
    ) -> str | None:
        """Keep `request` as `trainer`'s pending one; its token, or None once told it failed."""
        try:
            return await self._pending.put(trainer, kept(request))
        except StateUnavailable as error:
            log.error("a trainer's request could not be kept (%s)", error)
            not_kept = texts("bot.channels.telegram").say("trainer.not_kept")
            await self._replies.send(update, context, not_kept)
            return None

    async def _fetch_and_propose(
        self, bot: Bot, document: Document, name: str, shown: str
    ) -> tuple[Proposal, bytes] | str:
        """The file checked against the live knowledge base, and its bytes; or what to tell the
        trainer instead."""
        said = texts("bot.channels.telegram")
        with tempfile.TemporaryDirectory(prefix="kb-telegram-") as folder:
            try:
                path = await download(bot, document, Path(folder), name)
            except TooLarge:
                return said.say("trainer.too_large", name=shown, limit=MEGABYTES)
            except TelegramError as error:
                log.warning("a trainer's file was not downloaded (%s)", type(error).__name__)
                return said.say("trainer.download_failed", name=shown)
            try:
                return await asyncio.to_thread(self._kb.propose, path), path.read_bytes()
            except Exception as error:  # a hostile or broken file can fail anywhere in its reader
                log.warning("a trainer's file could not be read (%s)", type(error).__name__)
                return said.say("trainer.unreadable", name=shown)
