"""How the bot answers trainers: who counts as one, their name for the history, and replies.

Why it looks like this:
- Who may act is decided by Telegram user id, which a person cannot change, unlike a name;
  anyone else is told politely and nothing else happens. Refusals are logged without ids.
- Replies go through the officials' rendering (`render.py`), so long diffs are split at lines
  under Telegram's limit and every character from a file arrives escaped.
- A confirmation's buttons carry `trainer:ok:<token>` / `trainer:no:<token>`: short enough for
  Telegram's 64 bytes, and the token ties the press to the one pending request.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot.channels.telegram.channel import send_rendered
from bot.channels.telegram.context import Context, display_name
from bot.channels.telegram.render import CallbackPayloads, render
from bot.messages import Button
from bot.metrics import Metrics
from bot.texts import texts

log = logging.getLogger(__name__)

PREFIX = "trainer:"
CONFIRM, CANCEL = "ok", "no"
MAX_AUTHOR = 120


def confirm_buttons(action: str, token: str) -> tuple[Button, ...]:
    """The buttons under a request: do it (titled by `action`, a key of `buttons`) or cancel."""
    return (
        Button(say_button(action), f"{PREFIX}{CONFIRM}:{token}"),
        Button(say_button("cancel"), f"{PREFIX}{CANCEL}:{token}"),
    )


def say_button(key: str) -> str:
    """A button's title from `trainer.buttons`."""
    return texts("bot.channels.telegram").say(f"trainer.buttons.{key}")


def pressed(data: str) -> tuple[str, str]:
    """The action (CONFIRM or CANCEL, else "") and token of a trainer button's data."""
    action, _, token = data.removeprefix(PREFIX).partition(":")
    return (action if action in (CONFIRM, CANCEL) else ""), token


class TrainerReplies:
    """Checks trainers and sends them the bot's texts, counting messages in `metrics`."""

    def __init__(self, trainer_ids: frozenset[int], metrics: Metrics) -> None:
        """Let the Telegram users `trainer_ids` act."""
        self._trainer_ids = trainer_ids
        self._metrics = metrics
        self._payloads = CallbackPayloads()

    @property
    def trainer_ids(self) -> frozenset[int]:
        """The trainers' Telegram user ids."""
        return self._trainer_ids

    def is_trainer(self, update: Update) -> bool:
        """Whether the update comes from a trainer."""
        user = update.effective_user
        return user is not None and user.id in self._trainer_ids

    async def trainer(
        self, update: Update, context: Context, refusal: str = "not_trainer"
    ) -> int | None:
        """The sender's user id if they are a trainer; otherwise they get `refusal` and None."""
        user = update.effective_user
        if user is not None and user.id in self._trainer_ids:
            return user.id
        log.info("a trainer's action by someone not on the trainers' list was refused")
        await self.send(update, context, texts("bot.channels.telegram").say(f"trainer.{refusal}"))
        return None

    def author(self, update: Update) -> str:
        """The trainer's name as the history records it."""
        return (
            display_name(update) or texts("bot.channels.telegram").say("trainer.author_fallback")
        )[:MAX_AUTHOR]

    async def send(
        self, update: Update, context: Context, text: str, buttons: Sequence[Button] = ()
    ) -> None:
        """Send `text` (split if long) to this chat, `buttons` under its last part."""
        chat = update.effective_chat
        if chat is None:
            return
        choose = texts("bot.channels.telegram").say("choose")
        rendered = render(text, buttons, self._payloads, choose)
        await send_rendered(context.bot, chat.id, rendered, self._metrics)

    async def typing(self, update: Update, context: Context) -> None:
        """Show "typing..." while a file is read; a failure here changes nothing."""
        chat = update.effective_chat
        if chat is not None:
            with contextlib.suppress(TelegramError):
                await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
