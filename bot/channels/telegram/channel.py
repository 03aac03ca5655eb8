"""Sending rendered messages to a Telegram chat, and the notifier's Telegram channel.

Why it looks like this:
- Replies to an official and notices from the notifier go through the same rendering
  (`render.py`) and the same `send_rendered`, so a staff reply looks like any other answer.
- A chat id is the recipient: the gateway names Telegram conversations `telegram-<chat id>`
  (the sender id the actions store with a ticket), and a bare chat id works too.
- A blocked bot, a deleted account or an unknown chat can never be reached:
  `RecipientUnreachable`, so the notifier skips the notice. Other failures (network, flood
  control past its retries) are raised as they are and the notifier tries again later.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import ExtBot

from bot.channels.telegram.ratelimit import TelegramRateLimiter
from bot.channels.telegram.render import CallbackPayloads, Rendered, render
from bot.channels.telegram.texts import telegram_texts
from bot.messages import OutgoingMessage, RecipientUnreachable
from bot.metrics import Metrics

log = logging.getLogger(__name__)

CHANNEL = "telegram"
SENDER_PREFIX = "telegram-"
_CHAT_ID = re.compile(r"^-?[0-9]{1,20}$")
_NO_CHAT = ("chat not found", "user not found", "peer_id_invalid", "chat_id is empty")


def sender_id(chat_id: int) -> str:
    """The conversation id Rasa knows a Telegram chat by."""
    return f"{SENDER_PREFIX}{chat_id}"


def chat_id_of(recipient: str) -> int | None:
    """The chat id in `telegram-<chat id>` or a bare chat id; None if it is neither."""
    raw = recipient.removeprefix(SENDER_PREFIX)
    return int(raw) if _CHAT_ID.match(raw) else None


async def send_rendered(
    bot: Bot, chat_id: int, messages: Sequence[Rendered], metrics: Metrics | None = None
) -> None:
    """Send `messages` to `chat_id` in order, as HTML without link previews."""
    for message in messages:
        await bot.send_message(
            chat_id,
            message.text,
            parse_mode=ParseMode.HTML,
            reply_markup=message.keyboard,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
        if metrics is not None:
            metrics.message_out(CHANNEL)


def telegram_bot(
    token: str,
    base_url: str = "https://api.telegram.org/bot",
    rate_limiter: TelegramRateLimiter | None = None,
) -> ExtBot[int]:
    """A bot for sending only (the notifier's), paced by `rate_limiter` (a default one if None)."""
    return ExtBot(token, base_url=base_url, rate_limiter=rate_limiter or TelegramRateLimiter())


class TelegramChannel:
    """The notifier's Channel for Telegram: `send("telegram-<chat id>", message)`."""

    def __init__(
        self,
        bot: Bot,
        payloads: CallbackPayloads | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        """Send through `bot`, mapping long button payloads in `payloads`; count in `metrics`."""
        self._bot = bot
        self._payloads = payloads or CallbackPayloads()
        self._metrics = metrics

    async def send(self, recipient: str, message: OutgoingMessage) -> None:
        """Deliver `message` to the chat `recipient` names, or raise `RecipientUnreachable`."""
        chat_id = chat_id_of(recipient)
        if chat_id is None:
            raise RecipientUnreachable("not a Telegram chat id")
        rendered = render(
            message.text, message.buttons, self._payloads, str(telegram_texts()["choose"])
        )
        await self._bot.initialize()
        try:
            await send_rendered(self._bot, chat_id, rendered, self._metrics)
        except Forbidden as error:
            raise RecipientUnreachable(f"Telegram refused the chat ({error.message})") from None
        except BadRequest as error:
            if any(reason in error.message.lower() for reason in _NO_CHAT):
                raise RecipientUnreachable(
                    f"Telegram knows no such chat ({error.message})"
                ) from None
            raise
