"""The support staff's commands, replies and buttons in their Telegram group, done on the desk.

Why it looks like this:
- Every action is a call to the document system's API with the staff token, as the desk's own
  page makes: a reply then reaches the official through the notifier's change feed, on
  whichever channel they wrote from, and the desk stays the one record of who did what.
- Who may act is checked first, on every command, reply and button: the chat must be the
  staff group and the sender on the staff list. Anyone else is told so and the desk is not
  called. Staff commands anywhere else are refused the same way.
- A reply (Telegram's reply-to) to one of the bot's messages about a ticket is a reply to that
  ticket: the code is read back from the message, so nothing has to be stored.
- These handlers come before the officials' ones and take every update from the staff group,
  so nothing said there ever reaches Rasa; ordinary chatter is ignored.
- Logs name ticket codes and error types, never Telegram ids, names or texts.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeChat, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.channels.telegram.context import AnyApplication, Context, display_name
from bot.channels.telegram.staff.answers import StaffAnswers, answer_press
from bot.channels.telegram.staff.commands import (
    CLAIM,
    arguments_of,
    code_in,
    split_code,
    status_for,
)
from bot.channels.telegram.staff.settings import desk_page
from bot.display import shorten
from bot.escalation.client import (
    DeskAuthError,
    DeskClient,
    DeskError,
    DeskRejected,
    DeskUnavailable,
    TicketNotFound,
)
from bot.metrics import Metrics
from bot.plain_text import clean

log = logging.getLogger(__name__)

COMMANDS = ("traloi", "nhan", "trangthai", "dong")
IN_PROGRESS, CLOSED = "in_progress", "closed"
MAX_REPLY, MAX_AUTHOR = 4000, 120  # the desk's limits (docs/desk-api.yaml)


class StaffHandlers:
    """The staff group's handlers, acting on the desk through `desk` (a staff token's client)."""

    def __init__(
        self,
        desk: DeskClient,
        chat_id: int,
        staff_ids: frozenset[int],
        public_url: str,
        metrics: Metrics,
    ) -> None:
        """Act for `staff_ids` in the group `chat_id`; link tickets on the desk at `public_url`."""
        self._desk = desk
        self._chat_id = chat_id
        self._staff_ids = staff_ids
        self._public_url = public_url
        answers = StaffAnswers(metrics)
        self._say = answers.say
        self._texts: dict[str, Any] = answers.texts
        self._examples: dict[str, str] = self._texts["examples"]

    def install(self, application: AnyApplication) -> None:
        """Add the handlers to `application`; call before the officials' handlers are added."""
        group = filters.Chat(chat_id=self._chat_id)
        new = filters.UpdateType.MESSAGE  # an edited command must not act a second time
        application.add_handler(CallbackQueryHandler(self.on_button, pattern=f"^{CLAIM}"))
        for name, callback in zip(
            COMMANDS, (self.on_traloi, self.on_nhan, self.on_trangthai, self.on_dong), strict=True
        ):
            application.add_handler(CommandHandler(name, callback, filters=group & new))
        application.add_handler(CommandHandler(COMMANDS, self.on_elsewhere, filters=~group & new))
        application.add_handler(MessageHandler(group & new & filters.COMMAND, self.on_help))
        application.add_handler(MessageHandler(group & new & filters.REPLY, self.on_reply))
        application.add_handler(MessageHandler(group, self.on_chatter))

    async def set_menu(self, bot: Bot) -> None:
        """Show the staff commands in the staff group's command menu (the officials' elsewhere)."""
        menu = [BotCommand(name, str(text)) for name, text in self._texts["commands"].items()]
        await bot.set_my_commands(menu, scope=BotCommandScopeChat(self._chat_id))

    async def aclose(self) -> None:
        """Close the desk client."""
        await self._desk.aclose()

    async def on_traloi(self, update: Update, context: Context) -> None:
        """Send the staff member's text to the official as a reply on the ticket."""
        if await self._allowed(update, context):
            code, text = self._code_and_rest(update, context)
            if code is None:
                await self._say(update, context, "no_code", example=self._examples["traloi"])
            else:
                await self._reply(update, context, code, text)

    async def on_nhan(self, update: Update, context: Context) -> None:
        """Take the ticket on: its status becomes "in progress", under the staff member's name."""
        if await self._allowed(update, context):
            code, _ = self._code_and_rest(update, context)
            await self._change(update, context, code, IN_PROGRESS, "nhan", "claimed")

    async def on_trangthai(self, update: Update, context: Context) -> None:
        """Set the status named in Vietnamese (or by its key) on the ticket."""
        if not await self._allowed(update, context):
            return
        code, words = self._code_and_rest(update, context)
        status = status_for(words) if words else None
        if code is None:
            await self._say(update, context, "no_code", example=self._examples["trangthai"])
        elif not words:
            await self._say(update, context, "no_status")
        elif status is None:
            await self._say(update, context, "unknown_status", given=shorten(clean(words), 60))
        else:
            await self._change(update, context, code, status, "trangthai", "status_changed")

    async def on_dong(self, update: Update, context: Context) -> None:
        """Close the ticket."""
        if await self._allowed(update, context):
            code, _ = self._code_and_rest(update, context)
            await self._change(update, context, code, CLOSED, "dong", "closed")

    async def on_reply(self, update: Update, context: Context) -> None:
        """Take a reply to the bot's message about a ticket as a reply to that ticket."""
        message = update.effective_message
        replied = message.reply_to_message if message is not None else None
        if message is None or replied is None or not _from_bot(replied, context):
            return  # staff talking among themselves
        if not await self._allowed(update, context):
            return
        code = code_in(replied.text or replied.caption)
        if code is None:
            await self._say(update, context, "no_ticket_in_reply")
        elif message.text is None:
            await self._say(update, context, "not_text", link=desk_page(self._public_url, code))
        else:
            await self._reply(update, context, code, message.text)

    async def on_button(self, update: Update, context: Context) -> None:
        """Take the ticket on from its "Nhận xử lý" button, if the presser is staff."""
        query = update.callback_query
        if query is None:
            return
        if not self._is_staff(update):
            log.info("a staff button pressed by someone not on the staff list was refused")
            await answer_press(query.answer(self._texts["not_staff"], show_alert=True))
            return
        await answer_press(query.answer())
        code = code_in(query.data if isinstance(query.data, str) else "")
        if code is None:
            await self._say(update, context, "expired_button")
        else:
            await self._change(update, context, code, IN_PROGRESS, "nhan", "claimed")

    async def on_elsewhere(self, update: Update, context: Context) -> None:
        """Refuse a staff command outside the staff group."""
        await self._say(update, context, "elsewhere")

    async def on_help(self, update: Update, context: Context) -> None:
        """List the staff commands, for any other command of this bot in the group."""
        message = update.effective_message
        command = (message.text or "").split(maxsplit=1)[0] if message is not None else ""
        _, at, bot = command.partition("@")
        if not at or bot.lower() == (context.bot.username or "").lower():
            await self._say(update, context, "help")

    async def on_chatter(self, update: Update, context: Context) -> None:
        """Ignore ordinary conversation in the staff group."""

    def _is_staff(self, update: Update) -> bool:
        chat, user = update.effective_chat, update.effective_user
        return (
            chat is not None
            and chat.id == self._chat_id
            and user is not None
            and user.id in self._staff_ids
        )

    async def _allowed(self, update: Update, context: Context) -> bool:
        """Whether the sender may act; if not, say so."""
        if self._is_staff(update):
            return True
        log.info("a staff action by someone not on the staff list was refused")
        await self._say(update, context, "not_staff")
        return False

    def _code_and_rest(self, update: Update, context: Context) -> tuple[str | None, str]:
        """The command's ticket code (else the replied-to ticket's) and the text after it."""
        message = update.effective_message
        if message is None or message.text is None:
            return None, ""
        code, rest = split_code(arguments_of(message.text))
        replied = message.reply_to_message
        if code is None and replied is not None and _from_bot(replied, context):
            code = code_in(replied.text or replied.caption)
        return code, rest

    async def _reply(self, update: Update, context: Context, code: str, text: str) -> None:
        """Add `text` as the staff member's reply on ticket `code`, and confirm it."""
        text = clean(text).strip()
        if not text:
            await self._say(update, context, "no_text")
        elif len(text) > MAX_REPLY:
            await self._say(update, context, "too_long", limit=MAX_REPLY)
        elif await self._on_desk(
            update, context, code, lambda a: self._desk.add_reply(code, a, text), "reply_unsure"
        ):
            await self._say(update, context, "replied", code=code, name=self._author(update))

    async def _change(
        self,
        update: Update,
        context: Context,
        code: str | None,
        status: str,
        command: str,
        done: str,
    ) -> None:
        """Set ticket `code` to `status` and confirm with text `done`; ask for a missing code."""
        if code is None:
            await self._say(update, context, "no_code", example=self._examples[command])
        elif await self._on_desk(
            update, context, code, lambda a: self._desk.change_status(code, status, a)
        ):
            name, shown = self._author(update), self._texts["status_names"].get(status, status)
            await self._say(update, context, done, code=code, name=name, status=shown)

    async def _on_desk(
        self,
        update: Update,
        context: Context,
        code: str,
        action: Callable[[str], Awaitable[object]],
        unavailable: str = "desk_down",
    ) -> bool:
        """Run `action(author)` on the desk; whether it succeeded (if not, the group is told)."""
        link = desk_page(self._public_url, code)
        try:
            await action(self._author(update))
        except TicketNotFound:
            await self._say(update, context, "not_found", code=code)
        except DeskUnavailable:
            log.warning("ticket %s: the desk did not answer a staff action", code)
            await self._say(update, context, unavailable, link=link)
        except DeskAuthError as error:
            log.error("the desk refused the staff token (HTTP %d)", error.status)
            await self._say(update, context, "desk_forbidden")
        except DeskRejected as error:
            log.warning("ticket %s: the desk refused a staff action (%s)", code, error.field)
            await self._say(update, context, "desk_refused", link=link)
        except DeskError as error:
            log.error("ticket %s: a staff action failed (%s)", code, type(error).__name__)
            await self._say(update, context, "desk_down")
        else:
            return True
        return False

    def _author(self, update: Update) -> str:
        """The staff member's name as the desk records it."""
        return (display_name(update) or str(self._texts["author_fallback"]))[:MAX_AUTHOR]


def _from_bot(message: Message, context: Context) -> bool:
    """Whether `message` was sent by this bot."""
    return message.from_user is not None and message.from_user.id == context.bot.id
