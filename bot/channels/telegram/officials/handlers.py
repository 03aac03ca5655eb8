"""What the bot does with each kind of update: text to the assistant, everything else explained.

Why it looks like this:
- Text goes to the Rasa server as `telegram-<chat id>` with metadata (channel, name), and its
  replies come back rendered for Telegram; a button press is answered at once (Telegram shows a
  spinner until it is) and its payload goes to Rasa as if typed.
- Officials write in private chats. In a group the bot only says so, and only to commands, so
  it never floods a group's conversation.
- Typed text starting with "/" never reaches Rasa: there it would name an intent directly. The
  bot's own commands (/hotro, /phieu) send the intent they stand for; others get the help.
- One error handler logs first, then tells the official something went wrong.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.channels.telegram.channel import CHANNEL, send_rendered, sender_id
from bot.channels.telegram.context import AnyApplication, Context, display_name
from bot.channels.telegram.render import (
    CallbackPayloads,
    Rendered,
    render,
    render_replies,
    to_html,
)
from bot.metrics import Metrics
from bot.plain_text import clean
from bot.rasa import MAX_MESSAGE, RasaUnavailable, Sender
from bot.texts import texts

log = logging.getLogger(__name__)

# The payloads the bot's commands send to Rasa.
REQUEST_HUMAN = "/request_human"
TICKET_STATUS = "/ticket_status"
# Announcements off and on: the intents are named as the commands are typed (domain.yml).
ANNOUNCEMENTS_OFF = "/tatthongbao"
ANNOUNCEMENTS_ON = "/batthongbao"
# Message contents named in `texts.yml` `kinds`, checked in this order.
_KINDS = (
    "sticker",
    "photo",
    "voice",
    "audio",
    "video",
    "video_note",
    "animation",
    "document",
    "venue",
    "location",
    "contact",
    "poll",
    "dice",
)


class TelegramHandlers:
    """The bot's handlers, on the assistant (`rasa`), `metrics` and the payload map."""

    def __init__(self, rasa: Sender, metrics: Metrics, payloads: CallbackPayloads) -> None:
        """Pass messages to `rasa`, count them in `metrics`, map button data with `payloads`."""
        self._rasa = rasa
        self._metrics = metrics
        self._payloads = payloads
        self._texts = texts("bot.channels.telegram")

    def install(self, application: AnyApplication) -> None:
        """Add every handler and the error handler to `application`, most specific first."""
        private = filters.ChatType.PRIVATE
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(MessageHandler(filters.UpdateType.EDITED, self.on_edited))
        groups = filters.ChatType.GROUPS
        application.add_handler(MessageHandler(groups & filters.COMMAND, self.on_group))
        application.add_handler(CommandHandler("start", self.on_start, filters=private))
        application.add_handler(CommandHandler("help", self.on_help, filters=private))
        application.add_handler(CommandHandler("hotro", self.on_hotro, filters=private))
        application.add_handler(CommandHandler("phieu", self.on_phieu, filters=private))
        application.add_handler(CommandHandler("tatthongbao", self.on_tatthongbao, filters=private))
        application.add_handler(CommandHandler("batthongbao", self.on_batthongbao, filters=private))
        application.add_handler(MessageHandler(private & filters.COMMAND, self.on_unknown_command))
        application.add_handler(MessageHandler(private & filters.TEXT, self.on_text))
        application.add_handler(
            MessageHandler(private & filters.UpdateType.MESSAGE, self.on_not_text)
        )
        application.add_error_handler(self.on_error)

    async def on_start(self, update: Update, context: Context) -> None:
        """Greet the official by name and say what the assistant can do."""
        self._metrics.message_in(CHANNEL)
        name = display_name(update)
        greeting = (
            self._texts.say("greeting", name=name) if name else self._texts.say("greeting_no_name")
        )
        await self._say(update, context, f"{greeting}\n\n{self._texts.say('help')}")

    async def on_help(self, update: Update, context: Context) -> None:
        """Say what the assistant can do and list the commands."""
        self._metrics.message_in(CHANNEL)
        await self._say(update, context, self._texts.say("help"))

    async def on_hotro(self, update: Update, context: Context) -> None:
        """Ask the assistant for a person (a ticket for the support staff)."""
        self._metrics.message_in(CHANNEL)
        await self._ask(update, context, REQUEST_HUMAN)

    async def on_phieu(self, update: Update, context: Context) -> None:
        """Ask the assistant for the status of the official's tickets."""
        self._metrics.message_in(CHANNEL)
        await self._ask(update, context, TICKET_STATUS)

    async def on_tatthongbao(self, update: Update, context: Context) -> None:
        """Ask the assistant to send the official no more announcements."""
        self._metrics.message_in(CHANNEL)
        await self._ask(update, context, ANNOUNCEMENTS_OFF)

    async def on_batthongbao(self, update: Update, context: Context) -> None:
        """Ask the assistant to send the official announcements again."""
        self._metrics.message_in(CHANNEL)
        await self._ask(update, context, ANNOUNCEMENTS_ON)

    async def on_unknown_command(self, update: Update, context: Context) -> None:
        """Point to the commands the bot knows."""
        self._metrics.message_in(CHANNEL)
        await self._say(update, context, self._texts.say("unknown_command"))

    async def on_text(self, update: Update, context: Context) -> None:
        """Pass the official's text to the assistant and send its replies."""
        self._metrics.message_in(CHANNEL)
        message = update.effective_message
        raw = message.text if message is not None else None
        text = clean(raw).strip() if isinstance(raw, str) else ""
        if not text:
            await self._say(update, context, self._texts.say("empty"))
        elif len(text) > MAX_MESSAGE:
            await self._say(update, context, self._texts.say("too_long", limit=MAX_MESSAGE))
        elif text.startswith("/"):
            await self._say(update, context, self._texts.say("unknown_command"))
        else:
            await self._ask(update, context, text)

    async def on_button(self, update: Update, context: Context) -> None:
        """Answer the button press, then pass its payload to the assistant as the next message."""
        query = update.callback_query
        if query is None:
            return
        try:
            await query.answer()
        except TelegramError as error:
            log.warning("a button press could not be answered (%s)", type(error).__name__)
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            return
        self._metrics.message_in(CHANNEL)
        data = query.data if isinstance(query.data, str) else ""
        payload = await self._payloads.payload_for(data) if data else None
        if payload is None:
            payload = _title_of(query.message, data)
        payload = clean(payload or "").strip()
        if not payload or len(payload) > MAX_MESSAGE:
            await self._say(update, context, self._texts.say("expired_button"))
        else:
            await self._ask(update, context, payload)

    async def on_edited(self, update: Update, context: Context) -> None:
        """Explain that an edited message is not read again."""
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            return
        self._metrics.message_in(CHANNEL)
        await self._say(update, context, self._texts.say("edited"))

    async def on_not_text(self, update: Update, context: Context) -> None:
        """Explain that only text is read, naming what arrived (a sticker, a photo...)."""
        self._metrics.message_in(CHANNEL)
        message = update.effective_message
        kind = next((k for k in _KINDS if message and getattr(message, k, None)), "other")
        kinds = self._texts.labels("kinds")
        name = kinds.get(kind, kinds["other"])
        await self._say(update, context, self._texts.say("not_text", kind=name))

    async def on_group(self, update: Update, context: Context) -> None:
        """Say that the assistant works in private chats only."""
        self._metrics.message_in(CHANNEL)
        await self._say(update, context, self._texts.say("private_only"))

    async def on_error(self, update: object, context: Context) -> None:
        """Log the error, then tell the official, if there is one, that something went wrong."""
        error = context.error
        if isinstance(error, Forbidden):
            log.warning("Telegram refused a message: the official blocked the bot or left")
            return
        log.error(
            "handling a Telegram update failed (%s)",
            type(error).__name__,
            exc_info=(type(error), error, error.__traceback__) if error else None,
        )
        if isinstance(update, Update) and update.effective_chat is not None:
            with contextlib.suppress(TelegramError):
                if update.effective_chat.type == ChatType.PRIVATE:
                    await self._say(update, context, self._texts.say("error"))

    async def _ask(self, update: Update, context: Context, text: str) -> None:
        """Pass `text` to the assistant for this chat and send the replies (or an apology)."""
        chat = update.effective_chat
        if chat is None:
            return
        metadata: dict[str, str] = {"channel": CHANNEL}
        name = display_name(update)
        if name:
            metadata["name"] = name
        typing = asyncio.ensure_future(self._typing(context, chat.id))
        try:
            replies = await self._rasa.send(sender_id(chat.id), text, metadata)
        except RasaUnavailable as error:
            log.warning("the assistant did not answer a Telegram message: %s", error)
            rendered = [Rendered(to_html(texts("bot").say("rasa_unavailable")))]
        else:
            rendered = render_replies(replies, self._payloads, self._texts.say("choose"))
            await self._payloads.keep()
            if not rendered:
                rendered = [Rendered(to_html(texts("bot").say("no_reply")))]
        finally:
            await typing
        await send_rendered(context.bot, chat.id, rendered, self._metrics)

    async def _say(self, update: Update, context: Context, text: str) -> None:
        """Send the bot's own `text` to this chat."""
        chat = update.effective_chat
        if chat is not None:
            rendered = render(text, (), self._payloads, self._texts.say("choose"))
            await send_rendered(context.bot, chat.id, rendered, self._metrics)

    async def _typing(self, context: Context, chat_id: int) -> None:
        """Show "typing..." while the assistant thinks; a failure here changes nothing."""
        with contextlib.suppress(TelegramError):
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)


def _title_of(message: object, data: str) -> str | None:
    """The title of the button carrying `data` in `message`'s keyboard, if it is still there."""
    if not isinstance(message, Message) or message.reply_markup is None:
        return None
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None
