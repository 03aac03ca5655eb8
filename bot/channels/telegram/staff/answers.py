"""What the bot says in the staff group: its texts from `texts.yml`, as replies to the message
acted on, so in a busy group each answer sits under the command or post it is about."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

from telegram import LinkPreviewOptions, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.channels.telegram.channel import CHANNEL
from bot.channels.telegram.context import Context
from bot.channels.telegram.render import to_html
from bot.metrics import Metrics
from bot.texts import texts

log = logging.getLogger(__name__)


class StaffAnswers:
    """Sends the staff texts by name, counting them in `metrics`."""

    def __init__(self, metrics: Metrics) -> None:
        """Count sent messages in `metrics`."""
        self._metrics = metrics
        self.texts: dict[str, Any] = texts("bot.channels.telegram").section("staff")

    async def say(self, update: Update, context: Context, key: str, /, **values: object) -> None:
        """Send the text `key`, filled with `values`, as a reply to the message acted on."""
        chat, message = update.effective_chat, update.effective_message
        if chat is None:
            return
        text = str(self.texts[key]).format(**values) if values else str(self.texts[key])
        reply = (
            ReplyParameters(message.message_id, allow_sending_without_reply=True)
            if message is not None
            else None
        )
        await context.bot.send_message(
            chat.id,
            to_html(text),
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            reply_parameters=reply,
        )
        self._metrics.message_out(CHANNEL)


async def answer_press(answering: Awaitable[bool]) -> None:
    """Answer a button press; Telegram stops the spinner anyway, so a failure changes nothing."""
    try:
        await answering
    except TelegramError as error:
        log.warning("a button press could not be answered (%s)", type(error).__name__)
