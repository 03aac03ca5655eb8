"""Sending rendered messages to a Telegram chat, and the notifier's Telegram channel.

Why it looks like this:
- Replies to an official and notices from the notifier go through the same rendering
  (`render.py`) and the same `send_rendered`, so a staff reply looks like any other answer.
- A chat id is the recipient: the gateway names Telegram conversations `telegram-<chat id>`
  (the sender id the actions store with a ticket), and a bare chat id works too.
- A blocked bot, a deleted account or an unknown chat can never be reached:
  `RecipientUnreachable`, so the notifier skips the notice. Other failures (network, flood
  control past its retries) are raised as they are and the notifier tries again later.
- Every bot is paced by python-telegram-bot's own `AIORateLimiter` (aiolimiter's leaky
  buckets), set to Telegram's limits: about 30 messages a second overall and, in a group
  (the staff group), one a second. A private chat is paced only overall: the library tells
  groups from private chats by the chat id's sign, and one answer's pieces go out one after
  another anyway. "Retry after N seconds" pauses every request of the bot for N seconds, and
  the request is made again, three times at most. Past those, `RateLimited` with Telegram's
  wait, so the notifier tries again later; a token Telegram refuses (401) is the operator's
  `AccountProblem`, not the official's.
- `parts` cuts a notice as `send` would, so the notifier records each part and never sends
  one twice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import timedelta

from telegram import Bot, LinkPreviewOptions, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter
from telegram.ext import AIORateLimiter, ExtBot

from bot.channels.telegram.render import CallbackPayloads, Rendered, render, split
from bot.messages import AccountProblem, OutgoingMessage, RateLimited, RecipientUnreachable
from bot.metrics import Metrics
from bot.plain_text import clean
from bot.texts import texts

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
    bot: Bot,
    chat_id: int,
    messages: Sequence[Rendered],
    metrics: Metrics | None = None,
    reply_to: int | None = None,
) -> list[int]:
    """Send `messages` to `chat_id` in order, as HTML without link previews; their ids.

    `reply_to`, a message of the chat, is what the first one answers (if it still exists).
    """
    sent = []
    for index, message in enumerate(messages):
        reply = None
        if reply_to is not None and index == 0:
            reply = ReplyParameters(reply_to, allow_sending_without_reply=True)
        posted = await bot.send_message(
            chat_id,
            message.text,
            parse_mode=ParseMode.HTML,
            reply_markup=message.keyboard,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            reply_parameters=reply,
        )
        sent.append(posted.message_id)
        if metrics is not None:
            metrics.message_out(CHANNEL)
    return sent


def telegram_rate_limiter(
    overall_per_second: float = 30.0, group_interval: float = 1.0, max_retries: int = 3
) -> AIORateLimiter:
    """At most `overall_per_second` messages a second, one per `group_interval` s in a group.

    0 turns a pace off (tests send as fast as they like); a request refused with RetryAfter is
    made again `max_retries` times.
    """
    if overall_per_second < 0 or group_interval < 0 or max_retries < 0:
        raise ValueError("rates, intervals and retries cannot be negative")
    return AIORateLimiter(
        overall_max_rate=overall_per_second,
        overall_time_period=1,
        group_max_rate=1 if group_interval else 0,
        group_time_period=group_interval,
        max_retries=max_retries,
    )


def telegram_bot(
    token: str,
    base_url: str = "https://api.telegram.org/bot",
    rate_limiter: AIORateLimiter | None = None,
) -> ExtBot[int]:
    """A bot for sending only (the notifier's), paced by `rate_limiter` (a default one if None)."""
    return ExtBot(token, base_url=base_url, rate_limiter=rate_limiter or telegram_rate_limiter())


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

    def parts(self, message: OutgoingMessage) -> list[OutgoingMessage]:
        """`message` as the messages Telegram takes, its buttons under the last."""
        pieces = split(clean(message.text))
        if not pieces:
            return [message]
        parts = [OutgoingMessage(piece) for piece in pieces]
        parts[-1] = OutgoingMessage(pieces[-1], message.buttons)
        return parts

    async def send(self, recipient: str, message: OutgoingMessage) -> None:
        """Deliver `message` to the chat `recipient` names, or raise `RecipientUnreachable`."""
        chat_id = chat_id_of(recipient)
        if chat_id is None:
            raise RecipientUnreachable("not a Telegram chat id")
        choose = texts("bot.channels.telegram").say("choose")
        rendered = render(message.text, message.buttons, self._payloads, choose)
        await self._payloads.keep()
        await self._bot.initialize()
        try:
            await send_rendered(self._bot, chat_id, rendered, self._metrics)
        except Forbidden as error:
            reason = f"Telegram refused the chat ({error.message})"
            raise RecipientUnreachable(reason, "blocked") from None
        except RetryAfter as error:
            wait = error.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            raise RateLimited("Telegram asks to wait", seconds) from None
        except InvalidToken:
            raise AccountProblem("Telegram refused the bot's token", 401) from None
        except BadRequest as error:
            if any(reason in error.message.lower() for reason in _NO_CHAT):
                raise RecipientUnreachable(
                    f"Telegram knows no such chat ({error.message})"
                ) from None
            raise
